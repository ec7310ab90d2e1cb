"""`kiosk-diag speak`, as a technician runs it: the real engine, a WAV checked with sox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.drivers.speech.test_speech import rms_amplitude

DIAG = str(Path(sys.executable).with_name("kiosk-diag"))


def diag(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DIAG, *args], capture_output=True, text=True, timeout=60)


def test_speak_writes_what_the_kiosk_would_say_and_reports_it(tmp_path: Path) -> None:
    out = tmp_path / "prompt.wav"
    done = diag("speak", "请将身份证放在感应区", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # nothing else on stdout: the engine's chatter is logged
    assert report["engine"] == "pyttsx3 on espeak-ng"
    assert report["voice"] == "sit/cmn-latn-pinyin"
    assert report["language_switches"] == [] and report["ok"] is True
    assert 1.0 < report["duration_s"] < 10
    assert rms_amplitude(out) > 0.02


def test_speak_in_english_uses_the_english_voice(tmp_path: Path) -> None:
    out = tmp_path / "en.wav"
    done = diag("speak", "--language", "en", "Please place your ID card", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "gmw/en" in done.stdout and "ok" in done.stdout
    assert rms_amplitude(out) > 0.02


def test_speak_without_a_sound_card_cannot_run_and_says_what_to_do() -> None:
    done = diag("speak", "您好")
    if done.returncode == 0:  # a machine with a sound card played it
        assert "played through aplay" in done.stdout
        return
    assert done.returncode == 2, done.stdout + done.stderr
    assert "aplay exited" in done.stdout and "apt-get install" in done.stdout


def test_speak_says_money_and_dates_in_words_and_never_an_id_number(tmp_path: Path) -> None:
    out = tmp_path / "money.wav"
    done = diag("speak", "2024年03月 缴费 ¥1,234.50", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["said"] == "二零二四年三月 缴费 一千二百三十四元五角"
    only_a_number = diag("speak", "511321198506120030", "--out", str(out), "--json")
    assert only_a_number.returncode == 2
    assert "nothing to say" in json.loads(only_a_number.stdout)["error"]
