"""The suite's own exit: a run that has ended but cannot exit says where it waits and fails,
instead of hanging until CI's limit (tests/conftest.py, pytest_unconfigure)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_with_the_suite_conftest(tmp_path: Path, test_body: str) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_inner.py"
    test_file.write_text(test_body, encoding="utf-8")
    options = ["-q", "-c", os.devnull, "-p", "tests.conftest", "-p", "no:cacheprovider"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *options, "--rootdir", str(tmp_path), str(test_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "KIOSK_TEST_EXIT_GRACE_S": "2"},
    )


def test_a_run_that_cannot_exit_prints_every_stack_and_fails(tmp_path: Path) -> None:
    done = run_with_the_suite_conftest(
        tmp_path,
        "import threading, time\n\n"
        "def test_leaves_a_worker_behind():\n"
        "    threading.Thread(target=time.sleep, args=(3600,), name='forgotten').start()\n",
    )
    assert "1 passed" in done.stdout
    assert done.returncode == 1
    assert "Timeout (0:00:02)!" in done.stderr
    # The main thread waits in the interpreter's shutdown for the forgotten worker.
    assert "in _shutdown" in done.stderr and done.stderr.count("Thread 0x") >= 2


@pytest.mark.parametrize("outcome, code", [("pass", 0), ("fail", 1)])
def test_a_run_that_can_exit_keeps_its_own_exit_code(
    tmp_path: Path, outcome: str, code: int
) -> None:
    done = run_with_the_suite_conftest(
        tmp_path, f"def test_one():\n    assert {outcome == 'pass'}\n"
    )
    assert done.returncode == code, done.stderr[-2000:]
    assert "Timeout" not in done.stderr
