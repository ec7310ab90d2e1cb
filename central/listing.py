"""Listings for the administrator's commands (`kiosk-central help list`, `audit list`, `kiosk
uploads` …): newest first, one JSON object a line or an aligned table for a person."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any


def newest_first(
    db_url: str,
    query: Any,
    model: Any,
    time_column: Any,
    kiosk_id: str | None,
    since: dt.date | None,
    to_row: Callable[[Any], dict[str, str]],
) -> list[dict[str, str]]:
    """The rows of `query` as `to_row` shows them, newest first, of one kiosk and from one
    day on when asked."""
    from central.db import Database, migrate

    migrate(db_url)
    query = query.order_by(time_column.desc())
    if kiosk_id:
        query = query.where(model.kiosk_id == kiosk_id)
    if since:
        query = query.where(time_column >= dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC))
    with Database(db_url).session() as session:
        return [to_row(row) for row in session.scalars(query)]


def print_rows(rows: list[dict[str, str]], as_json: bool, none: str) -> None:
    """One JSON object a line, or an aligned table for a person."""
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        print(table(rows) if rows else none)


def table(rows: list[dict[str, str]]) -> str:
    """Aligned columns for a person; CJK characters take two columns on a terminal."""

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    keys = list(rows[0])
    widths = {k: max(width(k), *(width(r[k]) for r in rows)) for k in keys}
    lines = [[k for k in keys], *[[r[k] for k in keys] for r in rows]]
    return "\n".join(
        "  ".join(
            cell + " " * (widths[k] - width(cell)) for k, cell in zip(keys, line, strict=True)
        ).rstrip()
        for line in lines
    )
