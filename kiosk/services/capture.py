"""Document capture as the kiosk uses it: the configured SANE device (in demo mode SANE's own
test device, configured under the state directory), its status among the devices, and one page
captured on the executor for the diagnostics screen's test. Nothing of a page touches the disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.devices.status import DeviceStatus, Level, StatusReporter

if TYPE_CHECKING:
    from drivers.scanner import Page, SaneScanner
    from kiosk.config import Config

DEVICE_NAME = "scanner"


class DocumentCapture:
    def __init__(self, scanner: SaneScanner) -> None:
        self.scanner = scanner
        self._reporter = StatusReporter(DEVICE_NAME, "document capture (scanner)")

    @property
    def status(self) -> DeviceStatus:
        return self._reporter.status

    def check(self) -> DeviceStatus:
        """Open the device now (a worker, or kiosk-diag): present or not, and why."""
        from drivers.scanner import ScannerError

        try:
            self.scanner.check()
        except ScannerError as error:
            return self._reporter.set(Level.OFFLINE, error.technician_message)
        return self._reporter.set(Level.OK)

    def capture(self) -> Page:
        """One page (blocking: call it on a worker); ScannerError says why not."""
        from drivers.scanner import ScannerError

        try:
            page = self.scanner.capture()
        except ScannerError as error:
            self._reporter.set(Level.OFFLINE, error.technician_message)
            raise
        self._reporter.set(Level.OK)
        return page


def configured(config: Config, demo: bool) -> DocumentCapture | None:
    from drivers.scanner import (
        TEST_DEVICE,
        TEST_DEVICE_OPTIONS,
        SaneScanner,
        use_private_test_backend,
    )

    if demo:
        use_private_test_backend(config.state_dir)
        return DocumentCapture(SaneScanner(TEST_DEVICE, options=TEST_DEVICE_OPTIONS))
    if config.devices.scanner == "sane":
        return DocumentCapture(SaneScanner(config.devices.scanner_device))
    return None
