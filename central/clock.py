"""Dates as residents, clerks and a bank read them: the county's own calendar day.

The database keeps instants in UTC; every *date* the centre hands out or checks (a
certificate's issue date and validity, a card's expiry, an age, the dates on the public
verification page) is the local date in China Standard Time. In UTC, a certificate printed
at 07:30 in the morning would carry yesterday's date.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def local_today(now: dt.datetime | None = None) -> dt.date:
    """The local date of `now` (an aware instant), or of this moment."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(LOCAL).date()


def local_time(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(LOCAL)


def local_day_start(now: dt.datetime) -> dt.datetime:
    """The instant the local day of `now` began, as an aware UTC time (for queries)."""
    midnight = dt.datetime.combine(local_today(now), dt.time(), tzinfo=LOCAL)
    return midnight.astimezone(dt.UTC)
