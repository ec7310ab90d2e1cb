"""Speech through the real engine: pyttsx3 on espeak-ng writing WAV files, checked with sox;
the player stopped mid-sentence (a stand-in plays in real time: this machine has no sound
card, and aplay to ALSA's null device does not keep time)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from drivers.speech import (
    Player,
    PlayerUnavailableError,
    SpeechUnavailableError,
    Synthesizer,
    Utterance,
    phonemes,
    wav_duration_s,
)

PROMPT = "请将身份证放在感应区"


@pytest.fixture(scope="module")
def synthesizer() -> Synthesizer:
    return Synthesizer()


def rms_amplitude(path: Path) -> float:
    """sox's own measure of the file's loudness (0: silence)."""
    stat = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True)
    found = re.search(r"RMS\s+amplitude:\s+([0-9.]+)", stat.stderr)
    assert found, stat.stderr
    return float(found.group(1))


@pytest.mark.parametrize(
    ("language", "text"), [("zh_CN", PROMPT), ("en", "Please place your ID card on the reader")]
)
def test_a_prompt_becomes_a_wav_that_holds_speech(
    synthesizer: Synthesizer, tmp_path: Path, language: str, text: str
) -> None:
    path = synthesizer.synthesize(Utterance(text, language), tmp_path / "prompt.wav")
    assert 0.8 < wav_duration_s(path) < 10
    assert rms_amplitude(path) > 0.02


def test_mandarin_is_read_as_mandarin_not_as_english_pinyin() -> None:
    assert "(en)" not in phonemes(Utterance(PROMPT, "zh_CN"))
    # espeak-ng's plain `cmn` voice, which the kiosk does not use, reads the same as English:
    plain = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", "cmn", PROMPT], capture_output=True, text=True
    )
    assert "(en)" in plain.stdout


def test_volume_and_rate_change_the_audio(synthesizer: Synthesizer, tmp_path: Path) -> None:
    loud = synthesizer.synthesize(Utterance(PROMPT), tmp_path / "loud.wav")
    quiet = synthesizer.synthesize(Utterance(PROMPT, volume=0.3), tmp_path / "quiet.wav")
    slow = synthesizer.synthesize(Utterance(PROMPT, rate=100), tmp_path / "slow.wav")
    assert rms_amplitude(quiet) < 0.6 * rms_amplitude(loud)
    assert wav_duration_s(slow) > 1.2 * wav_duration_s(loud)


def test_synthesizers_on_many_threads_at_once_all_get_their_audio() -> None:
    """The voice, kiosk-diag and a warm-up may each hold a Synthesizer; libespeak-ng entered
    from two threads at once broke ("phondata: Bad address") and then hung every later start."""

    def say(index: int) -> float:
        return wav_duration_s(Synthesizer().render(Utterance(f"第{index}句", "zh_CN")))

    with ThreadPoolExecutor(8) as pool:
        durations = list(pool.map(say, range(24), timeout=60))
    assert all(seconds > 0.3 for seconds in durations), durations


def test_nothing_to_say_is_an_error_not_a_silent_file(
    synthesizer: Synthesizer, tmp_path: Path
) -> None:
    with pytest.raises(SpeechUnavailableError):
        synthesizer.synthesize(Utterance("  "), tmp_path / "empty.wav")
    assert not (tmp_path / "empty.wav").exists()


SLEEPER = (sys.executable, "-c", "import time; time.sleep(30)")  # "plays" anything for 30 s


def test_the_player_stops_within_200_ms() -> None:
    player = Player(SLEEPER)
    player.play(b"RIFF")
    assert player.playing
    started = time.monotonic()
    player.stop()
    assert time.monotonic() - started < 0.2
    assert not player.playing


def test_a_new_prompt_interrupts_the_one_playing() -> None:
    player = Player(SLEEPER)
    player.play(b"RIFF first")
    first = player._process
    started = time.monotonic()
    player.play(b"RIFF second")
    assert first is not None
    while first.poll() is None and time.monotonic() - started < 1:
        time.sleep(0.005)
    assert time.monotonic() - started < 0.2, "the first prompt's player is still alive"
    assert player.playing
    player.stop()


def test_without_a_player_program_speech_is_unavailable() -> None:
    with pytest.raises(PlayerUnavailableError, match="no no-such-player"):
        Player(("no-such-player",)).play(b"RIFF")


def test_a_player_that_cannot_open_a_device_says_why() -> None:
    failing = (sys.executable, "-c", "import sys; sys.exit('cannot find card 0')")
    failures: list[str] = []
    player = Player(failing, on_failure=failures.append)
    player.play(b"RIFF")
    with pytest.raises(PlayerUnavailableError, match="cannot find card 0"):
        player.wait(5)
    assert failures == [f"{failing[0]} exited 1: cannot find card 0"]


def test_the_player_gets_the_whole_wav_on_its_input(
    synthesizer: Synthesizer, tmp_path: Path
) -> None:
    """More audio than a pipe holds (64 KiB) reaches the player whole."""
    wav = synthesizer.render(Utterance(PROMPT * 4))
    assert len(wav) > 200_000
    copy = tmp_path / "heard.wav"
    player = Player(("sh", "-c", f"cat > {copy}"))
    player.play(wav)
    player.wait(10)
    assert copy.read_bytes() == wav
