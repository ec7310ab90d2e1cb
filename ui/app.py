"""`kiosk`: the touchscreen app. Reads its arguments and configuration, then starts the windows
(ui.startup), which build the core (kiosk.app) after the first frame.

Nothing here loads Qt: a bad argument or configuration is reported before it would.

Start-up makes some 85,000 objects that live as long as the kiosk (modules, classes, PySide's
enums) and next to no garbage. The cyclic garbage collector is off until the core is built, then
what start-up made is frozen out of its reach (ui.startup `collect_from_now_on`): a full
collection, which Python starts on whichever thread happens to allocate, then holds the GUI
thread about 16 ms instead of 68 (`python -m bench`), and start-up skips its passes.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from dataclasses import replace
from pathlib import Path

TOUR_PLAYER = "sox -q -t wav - -t null -"

DEFAULT_CONFIG_PATH = Path("/etc/village-kiosk/kiosk.toml")
EXIT_USAGE = 2


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


def main(argv: list[str] | None = None) -> int:
    gc.disable()  # until the core is built; back on whichever way this returns
    try:
        return _start(argv)
    finally:
        gc.enable()


def _start(argv: list[str] | None) -> int:
    from kiosk.config import ConfigError, load

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
    if args.tour:
        # Screenshots need no sound card, but the voice's buttons must show as they do on a
        # kiosk that has one: the tour's prompts go to sox's null output.
        config = replace(config, voice=replace(config.voice, player=TOUR_PLAYER))

    from ui.startup import run  # Qt from here on: a bad config is reported without loading it

    return run(
        config,
        demo=args.demo,
        windowed=args.windowed or args.tour is not None,
        tour_dir=args.tour,
        bench_first_paint=args.bench_first_paint,
    )


if __name__ == "__main__":
    sys.exit(main())
