"""A reader held in memory, for demo mode: a developer panel places and lifts demo cards.

It meets the same `IdCardReader` contract as the serial SAM reader, so the card monitor, the
session and the screens run exactly as on a real kiosk. (The simulator that speaks the SAM wire
protocol on a pseudo-terminal replaces it when the serial driver lands.)
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from drivers.idcard.base import IdCard, IdCardError, NoCardError
from drivers.idcard.id_number import check_character


def _demo_card(name: str, gender: str, born: dt.date, first17: str, address: str) -> IdCard:
    issued = dt.date(2016, 3, 1)
    elderly = (issued.year - born.year) >= 46  # GB 11643: 长期 from the age of 46
    return IdCard(
        name=name,
        gender=gender,
        ethnicity="汉",
        birth_date=born,
        address=address,
        id_number=first17 + check_character(first17),
        issuer="南部县公安局",
        valid_from=issued,
        valid_until=None if elderly else dt.date(2036, 3, 1),
    )


DEMO_CARDS: tuple[IdCard, ...] = (
    _demo_card(
        "张伟", "男", dt.date(1985, 6, 12), "51132119850612003", "四川省南部县大桥镇青龙村3组21号"
    ),
    _demo_card(
        "李秀英", "女", dt.date(1946, 2, 3), "51132119460203002", "四川省南部县大桥镇青龙村5组8号"
    ),
    _demo_card(
        "欧阳娜娜",
        "女",
        dt.date(2001, 10, 30),
        "51132120011030004",
        "四川省南部县大桥镇石桥村1组2号",
    ),
)


class DemoCardReader:
    """An `IdCardReader` whose card is placed by code. Thread-safe."""

    def __init__(self, read_time_s: float = 0.4) -> None:
        self._read_time_s = read_time_s  # a real SAM read of text + photo takes about this
        self._lock = threading.Lock()
        self._card: IdCard | None = None
        self._next_error: IdCardError | None = None

    def place(self, card: IdCard) -> None:
        with self._lock:
            self._card = card

    def lift(self) -> None:
        with self._lock:
            self._card = None

    def fail_next_read(self, error: IdCardError) -> None:
        """Make the next `read_card` raise `error`, as a badly placed card would."""
        with self._lock:
            self._next_error = error

    def find_card(self) -> bool:
        with self._lock:
            return self._card is not None

    def read_card(self) -> IdCard:
        time.sleep(self._read_time_s)
        with self._lock:
            error, self._next_error = self._next_error, None
            if error is not None:
                raise error
            if self._card is None:
                raise NoCardError("card lifted during the read")
            return self._card

    def sam_id(self) -> str:
        return "demo-sam-0001"

    def close(self) -> None:
        self.lift()
