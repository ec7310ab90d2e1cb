"""`python -m bench`: run every benchmark and print figure, floor and ratio."""

from __future__ import annotations

from bench import central, gui_stall, startup

BENCHMARKS = (startup, gui_stall, central)


def main() -> None:
    print(f"{'benchmark':<36} {'figure':>10} {'floor':>10} {'ratio':>6}")
    for module in BENCHMARKS:
        for name, figure, floor, unit in module.run():
            ratio = figure / floor
            print(f"{name:<36} {figure:>7.0f} {unit:<2} {floor:>7.0f} {unit:<2} {ratio:>6.2f}")


if __name__ == "__main__":
    main()
