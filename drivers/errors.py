"""What every driver's failures share: a message for the resident, one for the technician."""

from __future__ import annotations

import termios

import serial

# A vanished tty fails with OSError (EIO), pyserial's own error, or termios.error (tcflush).
SERIAL_PORT_ERRORS = (serial.SerialException, OSError, termios.error)


class DeviceError(Exception):
    """A device operation that failed. Subclasses set `resident_message` (plain Chinese; the
    UI translates it); `technician_message` says what failed and where."""

    resident_message: str  # a class attribute, or per instance where a table decides

    def __init__(self, technician_message: str) -> None:
        super().__init__(technician_message)
        self.technician_message = technician_message
