from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.diag import _parser
from kiosk.pin import verify_pin
from tests.rigs.central import CentralServer
from tests.rigs.cups import CupsRig

DIAG = str(Path(sys.executable).with_name("kiosk-diag"))


def run_diag(
    args: list[str], tmp_path: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_STATE_DIR": str(tmp_path / "state")}
    return subprocess.run(
        [DIAG, *args], capture_output=True, text=True, timeout=60, env=env, input=stdin
    )


@pytest.mark.parametrize("command", ["devices", "status"])
def test_status_in_demo_mode_lists_the_reader_as_ok(tmp_path: Path, command: str) -> None:
    done = run_diag(["--demo", "--json", command], tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"device": "idcard", "level": "ok", "reason": ""},
        {"device": "receipt", "level": "ok", "reason": ""},
        {"device": "scanner", "level": "ok", "reason": ""},
        {"device": "printer", "level": "ok", "reason": ""},
        {"device": "speech", "level": "ok", "reason": ""},
    ]


def test_status_names_a_printer_out_of_paper(tmp_path: Path, rig: CupsRig) -> None:
    rig.set_reasons(rig.pdf_queue, ["media-empty-error"])
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[devices]\na4_printer = "cups"\na4_queue = "{rig.pdf_queue}"\n'
        f'cups_server = "{rig.server}"\n',
        encoding="utf-8",
    )
    done = run_diag(["--config", str(config), "--json", "status"], tmp_path)
    assert done.returncode == 1
    [printer] = [row for row in json.loads(done.stdout) if row["device"] == "printer"]
    assert printer["level"] == "offline" and "media-empty" in printer["reason"]


def test_status_without_a_reader_says_why_and_exits_1(tmp_path: Path) -> None:
    done = run_diag(["status"], tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["idcard", "异常", "offline"]
    assert "devices.idcard_reader = none" in lines[0]
    assert lines[1].split()[0] == "do" and "kiosk-diag scan-serial" in lines[1]


def test_config_hides_secrets(tmp_path: Path) -> None:
    env_secret = {"KIOSK_DEVICE_SECRET": "do-not-print-me"}
    done = subprocess.run(
        [DIAG, "--json", "config"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env_secret, "KIOSK_STATE_DIR": str(tmp_path)},
    )
    assert done.returncode == 0
    shown = json.loads(done.stdout)
    assert shown["kiosk"]["device_secret"] == "(set)"
    assert "do-not-print-me" not in done.stdout


def test_a_bad_config_file_exits_2_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[screen]\ndpi = 9000\n", encoding="utf-8")
    done = run_diag(["--config", str(path), "status"], tmp_path)
    assert done.returncode == 2
    assert "kiosk-diag: config: screen.dpi must be between 50 and 400, got 9000" in done.stderr


def test_hash_pin_makes_a_hash_the_config_accepts(tmp_path: Path) -> None:
    script = (
        "import getpass, sys; getpass.getpass = lambda prompt='': '135790';"
        "from kiosk.diag import main; sys.exit(main(['hash-pin']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    pin_hash = done.stdout.strip()
    assert verify_pin("135790", pin_hash)
    check = subprocess.run(
        [DIAG, "config"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "KIOSK_TECH_PIN_HASH": pin_hash, "KIOSK_STATE_DIR": str(tmp_path)},
    )
    assert check.returncode == 0, check.stderr


def test_network_reaches_the_centre_with_a_signed_request(
    tmp_path: Path, central_server: CentralServer
) -> None:
    env = {
        **os.environ,
        "KIOSK_STATE_DIR": str(tmp_path),
        "KIOSK_CENTRAL_URL": central_server.url,
        "KIOSK_DEVICE_SECRET": "demo-secret-0001",
    }
    done = subprocess.run(
        [DIAG, "--json", "network"], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["ok"] and answer["clock_ok"] and answer["services"] >= 9


def test_network_names_a_centre_that_refuses_the_kiosk(
    tmp_path: Path, central_server: CentralServer
) -> None:
    env = {
        **os.environ,
        "KIOSK_STATE_DIR": str(tmp_path),
        "KIOSK_CENTRAL_URL": central_server.url,
        "KIOSK_DEVICE_SECRET": "a-wrong-secret-for-this-kiosk",
    }
    done = subprocess.run([DIAG, "network"], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1
    assert "FAILED" in done.stdout and "401 auth_bad_signature" in done.stdout


SUBCOMMANDS = sorted(
    next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
)
REQUIRED = {
    "render-sample": ["--out", "sample.pdf"],
    "speak": ["您好"],
    "bundle": ["--out", "support.zip"],
    "scan": ["--out", "page.jpg"],
}


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_takes_the_common_options_before_or_after_it(command: str) -> None:
    parser = _parser()
    options = ["--json", "--demo", "--config", "kiosk.toml"]
    required = REQUIRED.get(command, [])
    before = vars(parser.parse_args([*options, command, *required]))
    after = vars(parser.parse_args([command, *required, *options]))
    assert before == after
    assert (after["json"], after["demo"], str(after["config"])) == (True, True, "kiosk.toml")
    plain = vars(parser.parse_args([command, *required]))
    assert (plain["json"], plain["demo"], plain["config"]) == (False, False, None)
    # Given before, not undone by the subcommand's own (absent) option:
    assert vars(parser.parse_args(["--json", command, *required]))["json"] is True


def test_the_subcommand_list_is_the_readmes() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for command in SUBCOMMANDS:
        assert f"`kiosk-diag {command}" in readme or f"`kiosk-diag [--json] {command}" in readme


def test_scan_captures_one_page_from_the_demos_sane_test_device(tmp_path: Path) -> None:
    out = tmp_path / "page.jpg"
    done = run_diag(["--demo", "--json", "scan", "--out", str(out)], tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["device"] == "test:0" and report["bytes"] == out.stat().st_size <= 300 * 1024
    assert out.read_bytes()[:3] == b"\xff\xd8\xff"
    none = run_diag(["scan", "--out", str(out)], tmp_path)  # no scanner configured
    assert none.returncode == 2 and "devices.scanner = none" in none.stderr
