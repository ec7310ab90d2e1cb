"""`python -m bench`: run every benchmark and print figure, floor and ratio."""

from __future__ import annotations

from bench import central, gui_stall, idcard, printing, render, startup

BENCHMARKS = (startup, gui_stall, central, idcard, render, printing)


def main() -> None:
    print(f"{'benchmark':<38} {'figure':>13} {'floor':>13} {'ratio':>6}")
    for module in BENCHMARKS:
        for name, figure, floor, unit in module.run():
            ratio = figure / floor
            digits = 1 if max(figure, floor) < 100 else 0
            print(
                f"{name:<38} {figure:>8.{digits}f} {unit:<4} {floor:>8.{digits}f} {unit:<4}"
                f" {ratio:>6.2f}"
            )


if __name__ == "__main__":
    main()
