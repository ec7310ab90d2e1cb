"""Document capture through SANE (python-sane): flatbed scanners, and through SANE's v4l
backend the UVC document cameras (高拍仪) kiosks carry; the tests and the demo use SANE's own
`test` backend in a private configuration directory (`private_test_config`).

A captured page becomes one compact JPEG within a size budget at a legible resolution, in
memory only: a resident's household register is never written to disk. `capture()` blocks for
the scan (the kiosk calls it on a worker).
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drivers.errors import DeviceError

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger(__name__)

DPI = 150  # legible print at about 1:1, a page's JPEG well under the budget
PAGE_BUDGET_BYTES = 300 * 1024
QUALITIES = (80, 70, 60, 50, 40)
TEST_DEVICE = "test:0"
# The test device's default page is solid black; its grid reads as a page, and its
# bytes differ from a blank one, as a document's would.
TEST_DEVICE_OPTIONS: dict[str, object] = {"test_picture": "Grid", "mode": "Gray"}
_init_lock = threading.Lock()
_initialised = False


class ScannerError(DeviceError):
    resident_message = "拍摄设备暂时无法使用，请联系工作人员"


class ScannerUnavailableError(ScannerError):
    """No SANE library, or no such device."""


class PaperJamError(ScannerError):
    resident_message = "材料卡住了，请取出材料后重试"


class NoDocumentError(ScannerError):
    resident_message = "请先把材料放好，再点拍摄"


class CoverOpenError(ScannerError):
    resident_message = "请合上扫描仪盖板后重试"


# SANE's status texts (sane_strstatus) → what the resident is told.
_FAULTS: tuple[tuple[str, type[ScannerError]], ...] = (
    ("jammed", PaperJamError),
    ("out of documents", NoDocumentError),
    ("no more", NoDocumentError),
    ("cover", CoverOpenError),
)


@dataclass(frozen=True)
class Page:
    jpeg: bytes
    width_px: int
    height_px: int
    dpi: int


def private_test_config(directory: Path) -> Path:
    """A SANE configuration directory that knows only the `test` backend (the system one has it
    commented out, and probing every backend takes seconds); point SANE_CONFIG_DIR at it
    before the first scan."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "dll.conf").write_text("test\n", encoding="ascii")
    system = Path("/etc/sane.d/test.conf")
    if system.exists():
        (directory / "test.conf").write_text(system.read_text(encoding="ascii"), encoding="ascii")
    return directory


def _ignore_sigpipe() -> None:
    """libsane (its reader thread or process) sets SIGPIPE back to the default, which kills a
    process writing to a closed pipe: the voice's player, a socket. Python ignores SIGPIPE and
    raises BrokenPipeError instead; put that back, process-wide and from any thread (C's
    signal(), since Python's may be called from the main thread only)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.signal.restype = ctypes.c_void_p
    libc.signal.argtypes = (ctypes.c_int, ctypes.c_void_p)
    libc.signal(signal.SIGPIPE, ctypes.c_void_p(int(signal.SIG_IGN)))


@contextlib.contextmanager
def _sigpipe_kept_ignored() -> Iterator[None]:
    try:
        yield
    finally:
        _ignore_sigpipe()


def _sane() -> Any:
    global _initialised
    try:
        import sane  # type: ignore[import-untyped]  # no stubs; its C module is small
    except ImportError as error:
        raise ScannerUnavailableError(f"python-sane missing: {error}") from error
    with _init_lock, _sigpipe_kept_ignored():
        if not _initialised:
            sane.init()
            _initialised = True
    return sane


def devices() -> list[str]:
    """The SANE device names found now (`test:0`, `v4l:/dev/video0` …)."""
    sane = _sane()
    with _sigpipe_kept_ignored():
        return [entry[0] for entry in sane.get_devices()]


class SaneScanner:
    def __init__(
        self,
        device: str = "",
        dpi: int = DPI,
        budget: int = PAGE_BUDGET_BYTES,
        options: dict[str, object] | None = None,
    ) -> None:
        self.device = device  # "": the first SANE finds
        self.dpi = dpi
        self.budget = budget
        self.options = options or {}  # the device's own, e.g. source="ADF" (underscored)
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.device or "first SANE device"

    def capture(self) -> Page:
        """Scan one page; ScannerError (with both messages) when it cannot."""
        with self._lock, _sigpipe_kept_ignored():
            image = self._scan()
        jpeg, size = compact(image, self.budget)
        log.info("page captured on %s: %dx%d, %d bytes", self.name, *size, len(jpeg))
        return Page(jpeg, size[0], size[1], self.dpi)

    def check(self) -> None:
        """Open the device and close it again: ScannerError when it is not there."""
        with self._lock, _sigpipe_kept_ignored():
            self._open().close()

    def _open(self) -> Any:
        sane = _sane()
        name = self.device
        try:
            if not name:
                found = sane.get_devices()
                if not found:
                    raise ScannerUnavailableError("SANE finds no scanner or document camera")
                name = found[0][0]
            return sane.open(name)
        except (RuntimeError, sane._sane.error) as error:
            raise ScannerUnavailableError(f"{name}: cannot open: {error}") from error

    def _scan(self) -> Image:
        sane = _sane()
        device = self._open()
        try:
            _set(device, "mode", "Color")
            for name, value in self.options.items():  # before the geometry, which they may set
                _set(device, name, value)
            _set(device, "resolution", self.dpi)
            for corner, which in (("br_x", 1), ("br_y", 1)):  # the whole glass
                option = device.opt.get(corner)
                if option is not None and isinstance(option.constraint, tuple):
                    _set(device, corner, option.constraint[which])
            image: Image = device.scan()
            return image
        except (RuntimeError, sane._sane.error) as error:
            text = str(error)
            kind = next((k for words, k in _FAULTS if words in text.lower()), ScannerError)
            raise kind(f"{self.name}: scan failed: {text}") from error
        finally:
            device.close()


def _set(device: Any, option: str, value: object) -> None:
    if option in device.opt:
        try:
            setattr(device, option, value)
        except (AttributeError, ValueError, TypeError) as error:
            log.info("scanner option %s=%r not taken: %s", option, value, error)


def compact(image: Image, budget: int) -> tuple[bytes, tuple[int, int]]:
    """The page as JPEG within `budget` bytes: the quality stepped down first, then the size
    by a fifth at a time (never below a third of its width: it must stay legible)."""
    image = image.convert("RGB")
    smallest_width = max(1, image.width // 3)
    while True:
        for quality in QUALITIES:
            out = io.BytesIO()
            image.save(out, "JPEG", quality=quality, optimize=True)
            if out.tell() <= budget:
                return out.getvalue(), image.size
        if image.width * 4 // 5 < smallest_width:
            return out.getvalue(), image.size  # as small as it may get
        image = image.resize((image.width * 4 // 5, image.height * 4 // 5))


def use_private_test_backend(state_dir: Path) -> None:
    """Demo and tests: SANE's `test` device only, configured under `state_dir`."""
    os.environ["SANE_CONFIG_DIR"] = str(private_test_config(state_dir / "sane.d"))
