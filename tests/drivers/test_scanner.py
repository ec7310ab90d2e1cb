"""Document capture through SANE's own `test` backend in a private configuration directory:
a page becomes a compact JPEG within its budget at a legible resolution, and a jam, an empty
feeder, an open cover and a missing device each reach the resident as words, the technician
as SANE's own status."""

from __future__ import annotations

import io
import signal
from collections.abc import Iterator

import pytest
from PIL import Image

from drivers import scanner
from drivers.scanner import (
    PAGE_BUDGET_BYTES,
    CoverOpenError,
    NoDocumentError,
    PaperJamError,
    SaneScanner,
    ScannerUnavailableError,
)


@pytest.fixture(scope="module", autouse=True)
def test_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    scanner.use_private_test_backend(tmp_path_factory.mktemp("sane"))
    yield


def test_the_test_devices_are_found() -> None:
    assert {"test:0", "test:1"} <= set(scanner.devices())


def test_a_page_is_a_legible_jpeg_within_its_budget() -> None:
    page = SaneScanner("test:0").capture()
    image = Image.open(io.BytesIO(page.jpeg))
    assert image.format == "JPEG" and page.jpeg[:3] == b"\xff\xd8\xff"
    assert len(page.jpeg) <= PAGE_BUDGET_BYTES
    assert (image.width, image.height) == (page.width_px, page.height_px)
    assert page.dpi == 150 and image.width >= 1000  # the whole glass (200 mm) at 150 dpi


def test_a_page_over_the_budget_is_made_smaller_not_refused() -> None:
    page = SaneScanner("test:0", dpi=300, budget=60 * 1024).capture()
    assert len(page.jpeg) <= 60 * 1024


@pytest.mark.parametrize(
    ("status", "error", "words"),
    [
        ("SANE_STATUS_JAMMED", PaperJamError, "卡住"),
        ("SANE_STATUS_NO_DOCS", NoDocumentError, "放好"),
        ("SANE_STATUS_COVER_OPEN", CoverOpenError, "盖板"),
    ],
)
def test_a_fault_reaches_the_resident_in_words(
    status: str, error: type[Exception], words: str
) -> None:
    faulty = SaneScanner("test:1", options={"read_return_value": status})  # the backend's own
    with pytest.raises(error) as raised:
        faulty.capture()
    assert words in raised.value.resident_message  # type: ignore[attr-defined]
    assert "test:1: scan failed" in raised.value.technician_message  # type: ignore[attr-defined]


def test_a_missing_device_says_so() -> None:
    with pytest.raises(ScannerUnavailableError, match="no-such-device"):
        SaneScanner("no-such-device").capture()


def sigpipe_ignored() -> bool:
    """Whether this process ignores SIGPIPE (/proc's mask: what C sees, not Python's view)."""
    with open("/proc/self/status", encoding="ascii") as status:
        mask = next(line for line in status if line.startswith("SigIgn:")).split()[1]
    return bool(int(mask, 16) >> (signal.SIGPIPE - 1) & 1)


def test_a_scan_leaves_sigpipe_ignored_so_a_closed_pipe_cannot_kill_the_kiosk() -> None:
    assert sigpipe_ignored()
    SaneScanner("test:0").capture()
    with pytest.raises(PaperJamError):
        SaneScanner("test:1", options={"read_return_value": "SANE_STATUS_JAMMED"}).capture()
    SaneScanner("test:0").check()
    assert scanner.devices()
    assert sigpipe_ignored()  # libsane had set it back to the default (death) each time
