"""Revoking a certificate (撤销): an operator voids one that must no longer be relied on.

A reason is one of a few codes, each with the words the public verification page shows: an
operator's own note could name the resident or the case, and that page is open to anyone.
Revocation is final; the row keeps when and why, and the page says so from then on.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.clock import local_time
from central.errors import ApiRefusal
from central.models import Certificate

RevocationReason = Literal[
    "issued_in_error", "superseded", "circumstances_changed", "holder_request", "reported_lost"
]
REVOCATION_REASONS: tuple[RevocationReason, ...] = get_args(RevocationReason)
# What the verification page says, for a bank clerk or a school: no names, no case details.
PUBLIC_REASONS: dict[str, str] = {  # one per REVOCATION_REASONS code
    "issued_in_error": "证明内容有误，出具单位已将其作废",
    "superseded": "已重新开具，请以新开具的证明为准",
    "circumstances_changed": "证明所述情况已发生变化",
    "holder_request": "应持有人申请撤销",
    "reported_lost": "持有人已申报证明遗失",
}

CertificateState = Literal["valid", "expired", "revoked"]


def certificate_state(row: Certificate, today: dt.date) -> CertificateState:
    """Revoked before expired before valid: a revoked certificate says so even once expired."""
    if row.revoked_at is not None:
        return "revoked"
    return "valid" if row.valid_until >= today else "expired"


def public_reason(code: str | None) -> str:
    """The page's words for a stored reason; a code this release does not know stays vague."""
    return PUBLIC_REASONS.get(code or "", "出具单位已将其作废")


def revoke(
    session: Session, serial_no: str, reason: RevocationReason, now: dt.datetime
) -> Certificate:
    """Revoke the certificate with this serial number (any case, spaces ignored).

    Raises ApiRefusal: 404 certificate_not_found, 409 certificate_already_revoked (the first
    revocation stands; its date and reason are not overwritten)."""
    serial = serial_no.strip().upper()
    row = session.scalar(select(Certificate).where(Certificate.serial_no == serial))
    if row is None:
        raise ApiRefusal(
            404,
            "certificate_not_found",
            f"编号为 {serial} 的证明不存在",
            f"There is no certificate numbered {serial}",
        )
    if row.revoked_at is not None:
        raise ApiRefusal(
            409,
            "certificate_already_revoked",
            f"编号为 {serial} 的证明已于 {local_time(row.revoked_at):%Y-%m-%d %H:%M} 撤销",
            f"Certificate {serial} was revoked on {local_time(row.revoked_at):%Y-%m-%d %H:%M}",
        )
    row.revoked_at = now
    row.revocation_reason = reason
    return row
