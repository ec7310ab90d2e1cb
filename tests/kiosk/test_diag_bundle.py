"""`kiosk-diag bundle`, as a technician sends it: the zip holds the logs, the configuration,
the devices and the versions, and no ID number, phone number or secret, wherever one was."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

DIAG = str(Path(sys.executable).with_name("kiosk-diag"))
ID_NUMBER = "511321198506120030"
PHONE = "13808170001"
SECRET = "bundle-test-secret-0123456789abcdef"


def test_the_bundle_holds_what_a_technician_needs_and_nothing_of_a_resident(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    (state / "logs").mkdir(parents=True)
    (state / "logs" / "kiosk.log").write_text(
        f"2026-12-02 INFO driver: read {ID_NUMBER} for 张伟, phone {PHONE}\n", encoding="utf-8"
    )
    (state / "logs" / "kiosk.log.1").write_text(f"old line {ID_NUMBER[:17]}X\n", encoding="utf-8")
    out = tmp_path / "support.zip"
    env = {**os.environ, "KIOSK_STATE_DIR": str(state), "KIOSK_DEVICE_SECRET": SECRET}
    done = subprocess.run(
        [DIAG, "--demo", "--json", "bundle", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    with zipfile.ZipFile(out) as bundle:
        names = set(bundle.namelist())
        assert {"config.json", "devices.json", "outbox.json", "versions.json"} <= names
        assert {"logs/kiosk.log", "logs/kiosk.log.1", "print-jobs.json"} <= names
        everything = "\n".join(bundle.read(name).decode() for name in names)
        config = json.loads(bundle.read("config.json"))
        devices = json.loads(bundle.read("devices.json"))
        versions = json.loads(bundle.read("versions.json"))
    assert ID_NUMBER not in everything and ID_NUMBER[:17] not in everything
    assert PHONE not in everything and SECRET not in everything
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", everything)
    assert "[ID]" in everything and "[PHONE]" in everything  # masked, not dropped
    assert config["kiosk"]["device_secret"] == "(set)"
    assert {row["device"] for row in devices} >= {"idcard", "printer", "speech"}
    assert versions["python"].startswith("3.") and versions["qt"].startswith("6.")
    assert versions["espeak-ng"] not in ("", "not installed")


def test_a_bundle_that_cannot_be_written_cannot_run(tmp_path: Path) -> None:
    env = {**os.environ, "KIOSK_STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run(
        [DIAG, "--demo", "bundle", "--out", str(tmp_path / "no-such-dir" / "x.zip")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 2 and "cannot write" in done.stdout
