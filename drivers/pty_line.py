"""What a simulator on a pseudo-terminal hears: only bytes sent at its own line rate.

A real device at 9600 bd sees nothing but framing errors from a program talking at 115200.
On Linux a pty's master and slave share one termios, so the rate the driver set on the slave
(pyserial's `baudrate`) is read on the master; the simulators drop what comes at another rate,
which is what lets `kiosk-diag scan-serial` and the drivers' rate scans be tested for real.
"""

from __future__ import annotations

import termios

RATES = (1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200, 230_400)
_RATE_OF_CONSTANT = {getattr(termios, f"B{rate}"): rate for rate in RATES}


def line_rate(master: int) -> int | None:
    """The rate set on the pty now; None when it cannot be read (a closed end)."""
    try:
        return _RATE_OF_CONSTANT.get(termios.tcgetattr(master)[4])
    except termios.error:
        return None


def heard(master: int, data: bytes, rate: int) -> bytes:
    """`data` as a device at `rate` hears it: all of it, or nothing at a mismatched rate."""
    actual = line_rate(master)
    return data if actual is None or actual == rate else b""
