"""`kiosk-diag idcard` against the SAM simulator, as a technician runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.simulator import SamSimulator

DIAG = str(Path(sys.executable).with_name("kiosk-diag"))


def diag(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_STATE_DIR": str(tmp_path / "state")}
    return subprocess.run([DIAG, *args], capture_output=True, text=True, timeout=60, env=env)


def test_idcard_prints_the_card_as_json(simulator: SamSimulator, tmp_path: Path) -> None:
    simulator.place(DEMO_CARDS[1])
    done = diag("--json", "idcard", "--port", simulator.port, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "card_type": "resident",
        "name": "李秀英",
        "gender": "女",
        "ethnicity": "汉",
        "birth_date": "1946-02-03",
        "address": DEMO_CARDS[1].address,
        "id_number": DEMO_CARDS[1].id_number,
        "authority": "南部县公安局",
        "valid_from": "2016-03-01",
        "valid_to": None,
    }


def test_options_may_follow_the_subcommand_as_technicians_type_them(
    simulator: SamSimulator, tmp_path: Path
) -> None:
    simulator.place(DEMO_CARDS[1])
    before = diag("--json", "idcard", "--port", simulator.port, tmp_path=tmp_path)
    after = diag("idcard", "--port", simulator.port, "--json", tmp_path=tmp_path)
    assert after.returncode == before.returncode == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert json.loads(after.stdout)["name"] == "李秀英"


def test_idcard_without_a_card_says_so_in_one_line(simulator: SamSimulator, tmp_path: Path) -> None:
    done = diag("idcard", "--port", simulator.port, tmp_path=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"kiosk-diag: idcard: {simulator.port}: no card on the reader"
    ]


def test_idcard_names_a_silent_reader(simulator: SamSimulator, tmp_path: Path) -> None:
    simulator.go_silent()
    done = diag("idcard", "--port", simulator.port, tmp_path=tmp_path)
    assert done.returncode == 1
    assert "find card: no answer within 0.5 s" in done.stderr


def test_scan_finds_the_sam_and_its_rate(simulator: SamSimulator, tmp_path: Path) -> None:
    done = diag("--json", "idcard", "--scan", "--port", simulator.port, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"port": simulator.port, "baud": 115200, "sam_id": "05.01-20101028-0012345678-0000001904"}
    ]
