"""`kiosk-diag smartcard` through a real pcscd + vpcd, as a technician runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.rigs.pcsc import PcscRig

DIAG = str(Path(sys.executable).with_name("kiosk-diag"))


def diag(*args: str) -> subprocess.CompletedProcess[str]:
    # The rig has pointed PCSCLITE_CSOCK_NAME at its private pcscd; the child inherits it.
    return subprocess.run(
        [DIAG, *args], capture_output=True, text=True, timeout=60, env=dict(os.environ)
    )


def test_smartcard_prints_the_demo_card_as_json(pcsc: PcscRig) -> None:
    pcsc.insert()
    done = diag("--json", "smartcard")
    assert done.returncode == 0, done.stderr
    card = json.loads(done.stdout)
    assert card["name"] == "张伟"
    assert card["social_security_number"] == "511321198506120030"
    assert card["card_number"] == "A12345678"


def test_smartcard_without_a_card_says_so_in_one_line(pcsc: PcscRig) -> None:
    done = diag("smartcard")
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("kiosk-diag: smartcard: ")
