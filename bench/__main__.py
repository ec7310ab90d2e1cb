"""`python -m bench`: run every benchmark and print figure, floor and ratio.

A benchmark that cannot run (cupsd does not start, a package is missing) prints its row with
the reason, its traceback goes to stderr, the others still run, and the exit status is 1.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from types import ModuleType

BENCHMARKS = (
    "startup",
    "gui_stall",
    "journey",
    "voice",
    "central",
    "applications",
    "idcard",
    "render",
    "printing",
    "diag",
    "watchdog",
)
NAME_WIDTH = 38
REASON_CHARS = 160


def main() -> int:
    print(f"{'benchmark':<{NAME_WIDTH}} {'figure':>13} {'floor':>13} {'ratio':>6}")
    not_measured = 0
    for name in BENCHMARKS:
        module: ModuleType | None = None
        try:
            module = importlib.import_module(f"bench.{name}")
            rows = module.run()
        except Exception as error:
            not_measured += 1
            title = getattr(module, "TITLE", name)
            print(f"{title:<{NAME_WIDTH}} not measured: {_reason(error)}", flush=True)
            traceback.print_exc()
            continue
        for row_name, figure, floor, unit in rows:
            ratio = figure / floor
            digits = 1 if max(figure, floor) < 100 else 0
            print(
                f"{row_name:<{NAME_WIDTH}} {figure:>8.{digits}f} {unit:<4} "
                f"{floor:>8.{digits}f} {unit:<4} {ratio:>6.{2 if ratio >= 0.01 else 4}f}",
                flush=True,
            )
    if not_measured:
        print(f"bench: {not_measured} of {len(BENCHMARKS)} not measured", file=sys.stderr)
        return 1
    return 0


def _reason(error: BaseException) -> str:
    """The error on one line, shortened: `RuntimeError: cupsd exited (1): E [...] Missing…`."""
    reason = " ".join(f"{type(error).__name__}: {error}".split())
    return reason if len(reason) <= REASON_CHARS else reason[: REASON_CHARS - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
