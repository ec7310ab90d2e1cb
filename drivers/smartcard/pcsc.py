"""PC/SC readers through pyscard: discovery, connection, APDU exchange with 61xx/6Cxx.

pyscard has no type information; its objects stay inside this module.
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Any

from smartcard.CardRequest import CardRequest  # type: ignore[import-untyped]
from smartcard.CardType import AnyCardType  # type: ignore[import-untyped]
from smartcard.Exceptions import (  # type: ignore[import-untyped]
    CardConnectionException,
    CardRequestTimeoutException,
    NoCardException,
    SmartcardException,
)
from smartcard.pcsc.PCSCExceptions import BaseSCardException  # type: ignore[import-untyped]
from smartcard.System import readers as pcsc_readers  # type: ignore[import-untyped]

from drivers.smartcard.base import (
    CardRemovedError,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
    SmartCardError,
)
from drivers.smartcard.status import SW1_MORE_DATA, SW1_WRONG_LE

GET_RESPONSE = bytes([0x00, 0xC0, 0x00, 0x00])
MAX_GET_RESPONSES = 64  # 64 × 256 bytes: far beyond any record of the profile


def _pcsc_readers() -> list[Any]:
    try:
        return list(pcsc_readers())
    except (BaseSCardException, SmartcardException) as failed:
        raise PcscUnavailableError(f"PC/SC unavailable (is pcscd running?): {failed}") from failed


def list_readers() -> list[str]:
    """The PC/SC names of the readers, e.g. "Virtual PCD 00 00". Raises `PcscUnavailableError`."""
    return [str(reader) for reader in _pcsc_readers()]


def with_le(apdu: bytes, le: int) -> bytes:
    """The same short command APDU with its Le set (added, or replaced) to `le`."""
    if len(apdu) <= 5:  # case 1 (header only) or case 2 (header + Le)
        return apdu[:4] + bytes([le])
    body_end = 5 + apdu[4]  # case 3 or 4: header, Lc, data [, Le]
    return apdu[:body_end] + bytes([le])


class PcscConnection:
    """One card in one reader. Implements `drivers.smartcard.base.CardConnection`."""

    def __init__(self, reader_name: str, connection: Any) -> None:
        self._reader_name = reader_name
        self._connection = connection
        self._atr = bytes(connection.getATR())

    @property
    def reader_name(self) -> str:
        return self._reader_name

    @property
    def atr(self) -> bytes:
        return self._atr

    def _exchange(self, apdu: bytes) -> tuple[bytes, int]:
        try:
            data, sw1, sw2 = self._connection.transmit(list(apdu))
        except (CardConnectionException, BaseSCardException) as failed:
            raise CardRemovedError(f"{self._reader_name}: transmit failed: {failed}") from failed
        return bytes(data), sw1 << 8 | sw2

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send `apdu`; answer (data, SW). Never raises for a status word.

        6Cxx (wrong Le) re-sends the command once with Le = xx; 61xx (T=0: xx bytes wait)
        fetches them with GET RESPONSE until the card stops answering 61xx.
        Raises `CardRemovedError` when the card is gone.
        """
        data, sw = self._exchange(apdu)
        if sw >> 8 == SW1_WRONG_LE:
            data, sw = self._exchange(with_le(apdu, sw & 0xFF))
        for _ in range(MAX_GET_RESPONSES):
            if sw >> 8 != SW1_MORE_DATA:
                break
            more, sw = self._exchange(GET_RESPONSE + bytes([sw & 0xFF]))
            data += more
        return data, sw

    def close(self) -> None:
        _release(self._connection)

    def __enter__(self) -> PcscConnection:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _release(connection: Any) -> None:
    """Disconnect and free the connection's own PC/SC context now, not in pyscard's
    `__del__` (which raises when pcscd is gone by then). The card or the daemon may
    already be gone: then nothing is left to release."""
    with contextlib.suppress(SmartcardException, BaseSCardException):
        connection.release()


def _connect_card(name: str, connection: Any) -> PcscConnection:
    try:
        connection.connect()
        return PcscConnection(name, connection)
    except NoCardException as empty:
        _release(connection)
        raise NoCardError(f"{name}: no card") from empty
    except (CardConnectionException, BaseSCardException) as failed:
        _release(connection)
        raise CardRemovedError(f"{name}: connect failed: {failed}") from failed


def connect(reader_name: str | None = None, *, timeout_s: float = 0.0) -> PcscConnection:
    """Connect to the card in `reader_name`, or in the first reader that holds one.

    With `timeout_s` > 0, wait up to that long for a card. Raises `PcscUnavailableError`,
    `NoReaderError` (none, or the named one absent), `NoCardError`.
    """
    readers = _pcsc_readers()
    if reader_name is not None:
        readers = [r for r in readers if str(r) == reader_name]
    if not readers:
        raise NoReaderError(f"no PC/SC reader{f' named {reader_name!r}' if reader_name else ''}")
    if timeout_s > 0:
        return _wait_for_card(readers, timeout_s)
    for reader in readers:
        try:
            connection = reader.createConnection()  # its own PC/SC context
        except (SmartcardException, BaseSCardException) as failed:
            raise PcscUnavailableError(f"PC/SC context for {reader} failed: {failed}") from failed
        try:
            return _connect_card(str(reader), connection)
        except NoCardError:
            continue
    raise NoCardError(f"no card in {', '.join(str(r) for r in readers)}")


def _wait_for_card(readers: list[Any], timeout_s: float) -> PcscConnection:
    request = CardRequest(timeout=timeout_s, cardType=AnyCardType(), readers=readers)
    try:
        service = request.waitforcard()
    except CardRequestTimeoutException as late:
        raise NoCardError(f"no card within {timeout_s:g} s") from late
    except (BaseSCardException, SmartcardException) as failed:
        raise SmartCardError(f"waiting for a card failed: {failed}") from failed
    finally:
        # CardRequest has no public release; its PC/SC one frees the request's context.
        with contextlib.suppress(SmartcardException, BaseSCardException):
            request.pcsccardrequest.release()
    return _connect_card(str(service.connection.getReader()), service.connection)
