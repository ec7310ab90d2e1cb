"""`kiosk-diag all`, as a technician runs it on arrival: every check that needs no resident in
one table, against the simulators and the demo centre, and failing where a part is missing."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

DIAG = str(Path(sys.executable).with_name("kiosk-diag"))


def diag(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_STATE_DIR": str(tmp_path / "state")}
    return subprocess.run(
        [DIAG, *args, "all"], capture_output=True, text=True, timeout=120, env=env
    )


def test_with_every_simulator_and_the_demo_centre_all_checks_pass(tmp_path: Path) -> None:
    done = diag(tmp_path, "--demo", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    names = [check["check"] for check in report["checks"]]
    devices = ["idcard", "receipt", "scanner", "printer", "speech"]
    assert names[:5] == [f"device {device}" for device in devices]
    assert names[5:] == ["central service", "outbox", "voice engine"]
    assert all(check["ok"] for check in report["checks"]) and report["seconds"] < 30
    text = diag(tmp_path, "--demo").stdout.splitlines()
    assert all("正常 ok" in line for line in text[:-1])
    assert text[-1].startswith("result") and "all passed / 全部正常" in text[-1]


def test_a_missing_reader_and_an_unreachable_centre_fail_with_their_reasons(
    tmp_path: Path,
) -> None:
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[central]\nurl = "http://127.0.0.1:{port}"\n[devices]\nidcard_reader = "none"\n',
        encoding="utf-8",
    )
    done = diag(tmp_path, "--config", str(config), "--json")
    assert done.returncode == 1
    checks = {check["check"]: check for check in json.loads(done.stdout)["checks"]}
    assert not checks["device idcard"]["ok"]
    assert "no reader configured" in checks["device idcard"]["detail"]
    assert not checks["central service"]["ok"] and checks["central service"]["detail"]
    text = diag(tmp_path, "--config", str(config)).stdout
    assert "异常 FAILED" in text and text.splitlines()[-1].startswith("do")
