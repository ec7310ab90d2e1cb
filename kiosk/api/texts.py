"""The centre's own words for residents in English.

A refusal carries its message in both languages (`ErrorAnswer.text`); the core passes the
Chinese one on, as every resident message, and the screens translate it. For the centre's
messages that translation is learnt here, from the answers themselves, and the UI looks it up
when a resident chose English. Bounded: the newest `LIMIT` messages are kept. Nothing here is
personal: refusals speak of services, cards and codes, never of a resident.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Final

LIMIT: Final = 256


class CentreTexts:
    """Chinese → English, learnt from the centre's answers; safe from any thread."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._limit = limit
        self._english: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def learn(self, chinese: str, english: str) -> None:
        if not chinese or not english:
            return
        with self._lock:
            self._english[chinese] = english
            self._english.move_to_end(chinese)
            while len(self._english) > self._limit:
                self._english.popitem(last=False)

    def english(self, chinese: str) -> str | None:
        with self._lock:
            return self._english.get(chinese)
