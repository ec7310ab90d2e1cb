"""`kiosk`: the touchscreen app. Builds the core (kiosk.app) and puts the windows on top."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.app import build_core
from kiosk.config import ConfigError, load
from ui.executor import QtExecutor
from ui.fonts import FontMissingError, chinese_font_family
from ui.window import KioskWindow

log = logging.getLogger(__name__)

DEFAULT_CONFIG_PATH = Path("/etc/village-kiosk/kiosk.toml")
EXIT_USAGE = 2
EXIT_NO_FONT = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="The village service kiosk's touchscreen app (政务服务自助终端)."
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="simulated devices and demo residents; needs no config file",
    )
    parser.add_argument(
        "--config",
        type=Path,
        help=f"kiosk TOML file (default: {DEFAULT_CONFIG_PATH} when it exists)",
    )
    parser.add_argument(
        "--windowed",
        action="store_true",
        help="an ordinary window instead of the full-screen kiosk (development)",
    )
    parser.add_argument(
        "--tour",
        type=Path,
        metavar="DIR",
        help="run offscreen through every screen, write one PNG per screen into DIR, exit",
    )
    parser.add_argument("--bench-first-paint", action="store_true", help=argparse.SUPPRESS)
    return parser


class FirstPaintProbe(QObject):
    """For `python -m bench`: print the monotonic time of the first painted frame, then quit."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            stamp = time.monotonic()
            QTimer.singleShot(
                0, lambda: (print(f"first-paint {stamp:.6f}", flush=True), QApplication.quit())
            )
        return False


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.tour and not args.demo:
        parser.error("--tour needs --demo: the tour lays demo cards on the simulated reader")
    if args.tour:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not any(os.environ.get(v) for v in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")):
        # Qt would abort with a misleading message about libxcb-cursor0.
        print(
            "kiosk: no display: set DISPLAY or WAYLAND_DISPLAY, run under Xvfb (make demo "
            "does), or set QT_QPA_PLATFORM=offscreen",
            file=sys.stderr,
        )
        return EXIT_USAGE
    config_path = args.config
    if config_path is None and not args.demo and DEFAULT_CONFIG_PATH.exists():
        config_path = DEFAULT_CONFIG_PATH
    try:
        config = load(config_path)
    except ConfigError as error:
        for problem in error.problems:
            print(f"kiosk: config: {problem}", file=sys.stderr)
        return EXIT_USAGE

    app = QApplication(sys.argv[:1])
    app.setApplicationName("village-kiosk")
    core = build_core(config, demo=args.demo, executor=QtExecutor())
    core.crash.install()
    try:
        family = chinese_font_family()
    except FontMissingError as error:
        log.critical("%s", error)
        return EXIT_NO_FONT
    app.setFont(QFont(family))
    windowed = args.windowed or args.tour is not None
    window = KioskWindow(core, family, kiosk_mode=not windowed)
    window.resize(config.screen.width_px, config.screen.height_px)
    if args.bench_first_paint:
        probe = FirstPaintProbe(window)
        window.attract.installEventFilter(probe)
    else:
        # The core's central parts import requests and pydantic: after the first frame.
        window.first_painted.connect(core.start, Qt.ConnectionType.QueuedConnection)
    if args.tour is not None:
        from ui.tour import Tour

        tour = Tour(window, args.tour)
        window.show()
        tour.start()
    elif windowed:
        window.show()
    else:
        window.showFullScreen()
    # systemd stops the kiosk with SIGTERM: leave the event loop, then wipe and stop the core.
    # exit(), not quit(): quit() asks the windows, and the kiosk window refuses to close.
    # (Python runs the handler at the next Python callback; the clock's timer ticks each second.)
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda number, frame: QApplication.exit(0))
    log.info("kiosk started (demo=%s, windowed=%s)", args.demo, windowed)
    status = app.exec()
    log.info("kiosk stopping")
    core.stop()
    if args.tour is not None:
        return 0 if tour.succeeded else 1
    return status


if __name__ == "__main__":
    sys.exit(main())
