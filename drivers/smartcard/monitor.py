"""Reader hot-plug and card insert/remove, as plain callbacks (the UI adapts them to Qt).

Readers come from pyscard's `ReaderMonitor` (its thread stops with the last observer).
Cards do not come from pyscard's `CardMonitor`: that one is a process-wide thread that never
stops (it blocks up to 60 s per wait) and prints a traceback when pcscd goes away. A small
thread of ours waits on `SCardGetStatusChange` with a short timeout instead, so `stop()`
returns within one interval. Callbacks run on these threads: keep them quick, thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from smartcard import scard  # type: ignore[import-untyped]
from smartcard.ReaderMonitoring import (  # type: ignore[import-untyped]
    ReaderMonitor,
    ReaderObserver,
)

from drivers.smartcard.base import PcscUnavailableError
from drivers.smartcard.pcsc import list_readers

READER_POLL_INTERVAL_S = 0.5
CARD_WAIT_INTERVAL_S = 0.2  # longest SCardGetStatusChange wait: bounds stop() and new readers

ReaderCallback = Callable[[str], None]
CardCallback = Callable[[str, bytes], None]  # reader name, ATR


def _ignore_reader(reader: str) -> None:
    return None


def _ignore_card(reader: str, atr: bytes) -> None:
    return None


def _readers_or_none() -> list[str]:
    """pcscd gone looks like every reader unplugged (they come back with it)."""
    try:
        return list_readers()
    except PcscUnavailableError:
        return []


class _Readers(ReaderObserver):  # type: ignore[misc]
    def __init__(self, added: ReaderCallback, removed: ReaderCallback) -> None:
        self._added, self._removed = added, removed

    def update(self, observable: Any, changes: tuple[list[str], list[str]]) -> None:
        for reader in changes[0]:
            self._added(reader)
        for reader in changes[1]:
            self._removed(reader)


class _CardWatch(threading.Thread):
    """Reports a card when a reader's SCARD_STATE_PRESENT turns on, and its removal."""

    def __init__(self, inserted: CardCallback, removed: CardCallback, wait_s: float) -> None:
        super().__init__(name="smartcard-watch", daemon=True)
        self._inserted, self._removed = inserted, removed
        self._wait_ms = int(wait_s * 1000)
        self.stopping = threading.Event()
        self._present: dict[str, bytes] = {}  # reader → ATR of the card in it
        self._states: dict[str, int] = {}

    def run(self) -> None:
        context = None
        while not self.stopping.is_set():
            if context is None:
                result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
                if result != scard.SCARD_S_SUCCESS:
                    context = None
                    self._update({})
                    self.stopping.wait(self._wait_ms / 1000)
                    continue
            if not self._poll(context):
                scard.SCardReleaseContext(context)
                context = None
        if context is not None:
            scard.SCardReleaseContext(context)

    def _poll(self, context: Any) -> bool:
        result, readers = scard.SCardListReaders(context, [])
        if result == scard.SCARD_E_NO_READERS_AVAILABLE:
            readers = []
        elif result != scard.SCARD_S_SUCCESS:
            self._update({})
            return False
        # a reader unplugged takes its card with it, whether or not a state change follows
        self._update({r: atr for r, atr in self._present.items() if r in readers})
        if not readers:
            self.stopping.wait(self._wait_ms / 1000)
            return True
        asked = [(r, self._states.get(r, scard.SCARD_STATE_UNAWARE)) for r in readers]
        result, states = scard.SCardGetStatusChange(context, self._wait_ms, asked)
        if result == scard.SCARD_E_TIMEOUT:
            return True
        if result == scard.SCARD_E_UNKNOWN_READER:  # unplugged since the list: list again
            self._states = {}
            return True
        if result != scard.SCARD_S_SUCCESS:
            self._update({})
            return False
        self._states = {r: state & ~scard.SCARD_STATE_CHANGED for r, state, _ in states}
        self._update({r: bytes(atr) for r, s, atr in states if s & scard.SCARD_STATE_PRESENT})
        return True

    def _update(self, present: dict[str, bytes]) -> None:
        for reader, atr in list(self._present.items()):
            if reader not in present:
                del self._present[reader]
                self._removed(reader, atr)
        for reader, atr in present.items():
            if reader not in self._present:
                self._present[reader] = atr
                self._inserted(reader, atr)


class SmartCardWatcher:
    """Calls back on reader plugged/unplugged and card inserted/removed, until `stop()`.

    At `start()` the readers and cards already present are reported as added/inserted.
    While pcscd is unreachable, every reader and card counts as removed.
    """

    def __init__(
        self,
        *,
        on_reader_added: ReaderCallback = _ignore_reader,
        on_reader_removed: ReaderCallback = _ignore_reader,
        on_card_inserted: CardCallback = _ignore_card,
        on_card_removed: CardCallback = _ignore_card,
        reader_poll_interval_s: float = READER_POLL_INTERVAL_S,
        card_wait_interval_s: float = CARD_WAIT_INTERVAL_S,
    ) -> None:
        self._readers = _Readers(on_reader_added, on_reader_removed)
        self._card_callbacks = (on_card_inserted, on_card_removed)
        self._reader_poll_s = reader_poll_interval_s
        self._card_wait_s = card_wait_interval_s
        self._reader_monitor: Any = None
        self._card_watch: _CardWatch | None = None

    def start(self) -> None:
        self._reader_monitor = ReaderMonitor(
            startOnDemand=True, readerProc=_readers_or_none, period=self._reader_poll_s
        )
        self._reader_monitor.addObserver(self._readers)
        self._card_watch = _CardWatch(*self._card_callbacks, self._card_wait_s)
        self._card_watch.start()

    def stop(self) -> None:
        if self._card_watch is not None:
            self._card_watch.stopping.set()
            self._card_watch.join()
            self._card_watch = None
        if self._reader_monitor is not None:
            self._reader_monitor.deleteObserver(self._readers)
            self._reader_monitor = None

    def __enter__(self) -> SmartCardWatcher:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
