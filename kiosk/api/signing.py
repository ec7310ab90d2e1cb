"""Device authentication: every request is signed with the kiosk's secret (HMAC-SHA256).

The canonical string is five lines joined by "\\n": the upper-case method, the path with its
query exactly as sent (`/v1/records/si-contrib?page=2`), the Unix timestamp, the nonce, and the
lowercase hex SHA-256 of the raw body (of b"" when there is none). The server recomputes it
from what it received, so any change on the way breaks the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import os

HEADER_KIOSK_ID = "X-Kiosk-Id"
HEADER_TIMESTAMP = "X-Kiosk-Timestamp"
HEADER_NONCE = "X-Kiosk-Nonce"
HEADER_SIGNATURE = "X-Kiosk-Signature"
MAX_SKEW_S = 300  # a timestamp further from the server's clock is refused
NONCE_BYTES = 16


def new_nonce() -> str:
    return os.urandom(NONCE_BYTES).hex()


def canonical_string(
    method: str, path_with_query: str, timestamp: int, nonce: str, body: bytes
) -> str:
    return "\n".join(
        (method.upper(), path_with_query, str(timestamp), nonce, hashlib.sha256(body).hexdigest())
    )


def signature(secret: str, canonical: str) -> str:
    """Lowercase hex HMAC-SHA256 of the canonical string, keyed with the secret's UTF-8."""
    return hmac.new(secret.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def signed_headers(
    kiosk_id: str, secret: str, method: str, path_with_query: str, body: bytes, timestamp: int
) -> dict[str, str]:
    """The four authentication headers for one request."""
    nonce = new_nonce()
    canonical = canonical_string(method, path_with_query, timestamp, nonce, body)
    return {
        HEADER_KIOSK_ID: kiosk_id,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(secret, canonical),
    }
