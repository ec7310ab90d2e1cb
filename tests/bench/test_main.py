"""`python -m bench` when one of its benchmarks cannot run: the others still print."""

from __future__ import annotations

import sys
import types

import pytest

from bench import __main__ as bench_main


def fake_benchmark(name: str, run: types.FunctionType, title: str) -> None:
    module = types.ModuleType(f"bench.{name}")
    module.TITLE = title  # type: ignore[attr-defined]
    module.run = run  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module


def test_a_benchmark_that_cannot_run_prints_its_reason_and_the_others_still_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> list[tuple[str, float, float, str]]:
        raise RuntimeError("cupsd exited (1):\nE [...] Missing value for Printcap on line 9")

    def working() -> list[tuple[str, float, float, str]]:
        return [("something measured", 3.0, 2.0, "ms")]

    fake_benchmark("fake_broken", broken, "print → CUPS accepted")  # type: ignore[arg-type]
    fake_benchmark("fake_working", working, "something")  # type: ignore[arg-type]
    monkeypatch.setattr(bench_main, "BENCHMARKS", ("fake_broken", "no_such_module", "fake_working"))
    try:
        status = bench_main.main()
    finally:
        del sys.modules["bench.fake_broken"], sys.modules["bench.fake_working"]
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert status == 1
    assert lines[1] == (
        "print → CUPS accepted                  not measured: RuntimeError: cupsd exited (1): "
        "E [...] Missing value for Printcap on line 9"
    )
    assert lines[2].startswith("no_such_module") and "ModuleNotFoundError" in lines[2]
    assert lines[3].split() == ["something", "measured", "3.0", "ms", "2.0", "ms", "1.50"]
    assert "Traceback" in err and "2 of 3 not measured" in err


def test_every_benchmark_names_its_row_for_when_it_cannot_run() -> None:
    import importlib

    for name in bench_main.BENCHMARKS:
        module = importlib.import_module(f"bench.{name}")
        assert isinstance(module.TITLE, str) and len(module.TITLE) <= bench_main.NAME_WIDTH


def test_the_driven_session_benchmark_still_finds_its_way_through_the_screens() -> None:
    """The benchmarks tap the screens as a finger would: a screen that changes under them
    (the menu grouped its services) must fail here, not hang `python -m bench` for minutes."""
    from bench import gui_stall

    rows = gui_stall.run()
    assert [name for name, *_ in rows] == [
        "longest GUI stall, vs its budget",
        "full GC, start-up frozen (as run)",
        "full GC, nothing frozen",
    ]
    assert all(figure > 0 for _, figure, _, _ in rows)
