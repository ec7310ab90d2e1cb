"""The 80 mm receipt printer: ESC/POS over a serial port, with real-time status.

A small builder of the ~15 byte sequences a receipt needs and our own decoding of DLE EOT
(reference/printers.md §2). python-escpos was weighed and not taken: it pulls Pillow, pyusb,
pyyaml and more, sends Chinese without choosing the printer's mode, and its paper_status()
answers "adequate" when the printer says nothing, which would make an unplugged printer look
fine. Status is asked before and after every job.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field

import serial

from drivers.errors import SERIAL_PORT_ERRORS, DeviceError

log = logging.getLogger(__name__)

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C
STATUS_TIMEOUT_S = 1.0  # no answer within this: absent or off, never "ok"


class ReceiptPrinterError(DeviceError):
    resident_message = "回执打印机暂时无法使用，请联系工作人员"


class ReceiptPrinterUnavailableError(ReceiptPrinterError):
    """No answer to DLE EOT, or the port is gone."""


class PaperEndError(ReceiptPrinterError):
    resident_message = "回执打印机缺纸，请联系工作人员"


class CoverOpenError(ReceiptPrinterError):
    resident_message = "回执打印机盖未关好，请联系工作人员"


class PrinterFaultError(ReceiptPrinterError):
    resident_message = "回执打印机故障，请联系工作人员"


@dataclass(frozen=True, slots=True)
class ReceiptStatus:
    """DLE EOT 1, 2 and 4 decoded (bit 0 is the least significant), with the bytes as read
    for a technician."""

    offline: bool
    cover_open: bool
    paper_end: bool
    paper_near_end: bool
    error: bool
    raw: tuple[int, int, int] = field(default=(0, 0, 0), compare=False)

    @classmethod
    def decode(cls, printer: int, offline_cause: int, paper: int) -> ReceiptStatus:
        return cls(
            offline=bool(printer & 0x08),  # n=1 bit 3
            cover_open=bool(offline_cause & 0x04),  # n=2 bit 2
            paper_end=bool(offline_cause & 0x20) or paper & 0x60 == 0x60,  # n=2 b5, n=4 b5+6
            paper_near_end=paper & 0x0C == 0x0C,  # n=4 bits 2 and 3
            error=bool(offline_cause & 0x40),  # n=2 bit 6
            raw=(printer, offline_cause, paper),
        )

    def raise_if_unusable(self, where: str) -> None:
        if self.paper_end:
            raise PaperEndError(f"{where}: paper end (DLE EOT 2/4)")
        if self.cover_open:
            raise CoverOpenError(f"{where}: cover open (DLE EOT 2 bit 2)")
        if self.error or self.offline:
            raise PrinterFaultError(f"{where}: offline or error (DLE EOT 1 bit 3 / 2 bit 6)")


class EscPos:
    """Builds a receipt's bytes; Chinese goes out as GB18030 in the printer's Chinese mode."""

    def __init__(self) -> None:
        self._bytes = bytearray([ESC, 0x40, FS, 0x26])  # ESC @ init, FS & Chinese mode

    def align(self, where: str) -> EscPos:
        self._bytes += bytes([ESC, 0x61, {"left": 0, "center": 1, "right": 2}[where]])
        return self

    def style(self, *, bold: bool = False, double: bool = False) -> EscPos:
        self._bytes += bytes([ESC, 0x45, int(bold), GS, 0x21, 0x11 if double else 0x00])
        return self

    def line(self, text: str) -> EscPos:
        # ¥ has no GB2312 code and prints as junk on many printers: 元 or ￥ instead.
        self._bytes += text.replace("¥", "￥").encode("gb18030") + b"\n"
        return self

    def qr(self, data: str, module: int = 6) -> EscPos:
        payload = data.encode("ascii")
        store = len(payload) + 3
        self._bytes += bytes([GS, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0])  # model 2
        self._bytes += bytes([GS, 0x28, 0x6B, 3, 0, 0x31, 0x43, module])  # module size
        self._bytes += bytes([GS, 0x28, 0x6B, 3, 0, 0x31, 0x45, 0x31])  # error level M
        self._bytes += bytes([GS, 0x28, 0x6B, store & 0xFF, store >> 8, 0x31, 0x50, 0x30])
        self._bytes += payload
        self._bytes += bytes([GS, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30])  # print it
        return self

    def feed_and_cut(self, lines: int = 4) -> EscPos:
        self._bytes += bytes([ESC, 0x64, lines, GS, 0x56, 0x00])
        return self

    def build(self) -> bytes:
        return bytes(self._bytes)


class ReceiptPrinter:
    """Blocking; one thread at a time. The port is opened per job and closed after."""

    def __init__(self, port: str, baud: int = 115_200) -> None:
        self.port = port
        self.baud = baud

    def _open(self) -> serial.Serial:
        try:
            return serial.Serial(self.port, self.baud, timeout=STATUS_TIMEOUT_S)
        except SERIAL_PORT_ERRORS as error:
            raise ReceiptPrinterUnavailableError(f"{self.port}: cannot open: {error}") from error

    def status(self) -> ReceiptStatus:
        connection = self._open()
        try:
            return self._status(connection)
        finally:
            with contextlib.suppress(*SERIAL_PORT_ERRORS):
                connection.close()

    def _status(self, connection: serial.Serial) -> ReceiptStatus:
        answers = []
        try:
            connection.reset_input_buffer()
            for n in (1, 2, 4):
                connection.write(bytes([DLE, 0x04, n]))
                byte = connection.read(1)
                if not byte:
                    raise ReceiptPrinterUnavailableError(
                        f"{self.port}: no answer to DLE EOT {n} within {STATUS_TIMEOUT_S} s"
                    )
                answers.append(byte[0])
        except SERIAL_PORT_ERRORS as error:
            raise ReceiptPrinterUnavailableError(f"{self.port}: {error}") from error
        return ReceiptStatus.decode(*answers)

    def print_job(self, job: bytes) -> ReceiptStatus:
        """Check, print, check again; raises a typed error when the printer cannot do it."""
        connection = self._open()
        try:
            self._status(connection).raise_if_unusable(f"{self.port} before printing")
            try:
                connection.write(job)
                connection.flush()
            except SERIAL_PORT_ERRORS as error:
                raise ReceiptPrinterUnavailableError(f"{self.port}: {error}") from error
            after = self._status(connection)
            after.raise_if_unusable(f"{self.port} after printing")
            if after.paper_near_end:
                log.warning("receipt printer %s: paper near end", self.port)
            return after
        finally:
            with contextlib.suppress(*SERIAL_PORT_ERRORS):
                connection.close()
