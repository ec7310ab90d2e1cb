"""The voice's policy with the real engine (espeak-ng through pyttsx3) and a stand-in player
that keeps time like aplay (tests/rigs/speaker.py): what is said, how fast it starts, what
interrupts it, and silence, never a crash, when a part is missing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.speech import Synthesizer, Utterance, phonemes, wav_duration_s
from kiosk.devices.status import Level
from kiosk.voice import Prompts, VoiceGuide, scaled, speakable

SPEAKER = Path(__file__).parents[1] / "rigs" / "speaker.py"
ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("¥1,234.50", "一千二百三十四元五角"),
        ("¥0", "零元"),
        ("¥0.05", "五分"),
        ("¥10.00", "十元"),
        ("¥15", "十五元"),
        ("¥101", "一百零一元"),
        ("¥1,000,000.05", "一百万元零五分"),
        ("-¥12.30", "负十二元三角"),
        ("¥-8.00", "负八元"),
        ("共1,000,000人", "共一百万人"),
        ("1,000,000.05", "一百万点零五"),
        ("2024年03月", "二零二四年三月"),
        ("2024年03月15日", "二零二四年三月十五日"),
        ("第2页，共5页", "第二页，共五页"),
        ("0", "零"),
        ("10", "十"),
        ("15", "十五"),
        ("101", "一百零一"),
        ("-3", "负三"),
        ("缴费金额 1,234.50元", "缴费金额 一千二百三十四元五角"),
    ],
)
def test_numbers_money_and_dates_are_read_as_a_person_would(written: str, said: str) -> None:
    assert speakable(written, "zh_CN") == said


@pytest.mark.parametrize(
    "written",
    [
        "身份证号码 110101199003071234",
        "身份证号码 11010119900307123X",
        "身份证 110***********1234",
        "手机 138****0000",
        "手机 13800138000",
        "老证件 110101900307123",
    ],
)
def test_id_numbers_phone_numbers_and_masked_values_are_never_said(written: str) -> None:
    said = speakable(written, "zh_CN")
    assert not any(ch.isdigit() or ch == "*" for ch in said), said
    assert not any(word in said for word in ("一一零", "一三八", "一千", "星"))


def test_a_masked_name_is_read_as_the_screen_shows_it_without_the_mask() -> None:
    assert speakable("张*伟，您好", "zh_CN") == "张伟，您好"


def test_english_reads_money_in_yuan() -> None:
    assert speakable("Paid ¥1,234.50 in Mar 2024", "en") == "Paid 1,234.50 yuan in Mar 2024"


def test_every_prompt_has_both_languages_and_says_nothing_personal() -> None:
    prompts = Prompts.load()
    assert {"attract", "menu", "records", "done", "error", "timeout_warning"} <= set(prompts.ids)
    for prompt_id in prompts.ids:
        for language in ("zh_CN", "en"):
            text = prompts.template(prompt_id, language)
            assert text.strip(), (prompt_id, language)
            fields = prompts.fields(prompt_id)
            assert not fields & {"id_number", "phone", "masked_id"}, prompt_id
            if "name" in fields:
                assert prompt_id == "menu", "a name is said only in the resident's greeting"


def test_every_mandarin_prompt_is_read_as_mandarin() -> None:
    """espeak-ng's phonemes of each prompt (as spoken: numbers in words) switch to English
    nowhere: `(en)` would mean pinyin read as English words."""
    prompts = Prompts.load()
    for prompt_id in prompts.ids:
        sample = {name: "3" for name in prompts.fields(prompt_id)}
        text = speakable(prompts.text(prompt_id, "zh_CN", sample), "zh_CN")
        assert "(en)" not in phonemes(Utterance(text, "zh_CN")), prompt_id


# --- the voice with a player ------------------------------------------------------------


class Speaker:
    """The stand-in player's log: when each prompt started and first made a sound."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.command = (sys.executable, "-I", str(SPEAKER), str(log))

    def lines(self, kind: str) -> list[list[str]]:
        if not self.log.exists():
            return []
        rows = [line.split() for line in self.log.read_text().splitlines()]
        return [row[1:] for row in rows if row and row[0] == kind]

    def wait_for(self, kind: str, count: int, timeout_s: float = 10) -> list[list[str]]:
        deadline = time.monotonic() + timeout_s
        while len(found := self.lines(kind)) < count:
            assert time.monotonic() < deadline, f"no {count} {kind!r} lines: {self.lines(kind)}"
            time.sleep(0.005)
        return found


@pytest.fixture
def speaker(tmp_path: Path) -> Speaker:
    return Speaker(tmp_path / "speaker.log")


@pytest.fixture
def voice(speaker: Speaker, tmp_path: Path) -> Iterator[VoiceGuide]:
    guide = VoiceGuide(Prompts.load(), player_command=speaker.command, pack_dir=tmp_path / "pack")
    guide.set_enabled(True)
    yield guide
    guide.close()


def test_a_screen_prompt_is_heard_and_the_next_screen_interrupts_it_within_200_ms(
    voice: VoiceGuide, speaker: Speaker
) -> None:
    heard = []
    voice.on_said(heard.append)
    voice.say("attract", "zh_CN")
    speaker.wait_for("first", 1)
    first_player = voice._player._process
    assert first_player is not None
    changed = time.monotonic()
    voice.say("identifying", "zh_CN")
    while first_player.poll() is None:
        assert time.monotonic() - changed < 0.2, "the old screen's prompt is still playing"
        time.sleep(0.002)
    speaker.wait_for("first", 2)
    assert speaker.lines("end") == []  # the attract prompt never played to its end
    assert [said.prompt_id for said in heard] == ["attract", "identifying"]


def test_the_cache_makes_the_second_showing_start_sooner_than_the_first(
    voice: VoiceGuide, speaker: Speaker
) -> None:
    def start_delay(count: int) -> float:
        asked = time.monotonic()
        voice.say("certificate", "zh_CN")
        first = speaker.wait_for("first", count)[-1]
        voice.stop()
        return float(first[0]) - asked

    uncached = start_delay(1)
    cached = start_delay(2)
    assert cached < uncached
    assert cached < 0.15, f"a cached prompt took {cached * 1000:.0f} ms to start"


def test_warmed_up_prompts_start_within_150_ms(voice: VoiceGuide, speaker: Speaker) -> None:
    voice.warm_up(("zh_CN",))
    deadline = time.monotonic() + 30
    fixed = [p for p in voice.prompts.ids if voice.prompts.is_fixed(p)]
    while voice.cached < len(fixed):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    delays = []
    for count, prompt_id in enumerate(("done", "preview", "crash"), start=1):
        asked = time.monotonic()
        voice.say(prompt_id, "zh_CN")
        delays.append(float(speaker.wait_for("first", count)[-1][0]) - asked)
    assert max(delays) < 0.15, delays


def test_repeat_says_the_current_prompt_again_with_its_fields(
    voice: VoiceGuide, speaker: Speaker
) -> None:
    heard = []
    voice.on_said(heard.append)
    voice.say("menu", "zh_CN", name="张*伟")
    speaker.wait_for("first", 1)
    voice.repeat()
    speaker.wait_for("first", 2)
    assert [said.text for said in heard] == ["张*伟，您好。请选择要办理的业务。"] * 2


def test_a_voice_turned_off_says_nothing_and_turned_on_says_the_current_screen(
    speaker: Speaker, tmp_path: Path
) -> None:
    guide = VoiceGuide(Prompts.load(), player_command=speaker.command, pack_dir=tmp_path)
    try:
        guide.say("attract", "zh_CN")
        time.sleep(0.3)
        assert speaker.lines("start") == []
        guide.set_enabled(True)
        speaker.wait_for("first", 1)
    finally:
        guide.close()


def test_volume_and_rate_steps_stay_in_bounds(voice: VoiceGuide) -> None:
    for _ in range(10):
        voice.change_volume(+1)
    assert voice.volume == 1.0
    for _ in range(10):
        voice.change_volume(-1)
    assert voice.volume == 0.2
    voice.change_rate(-10)
    assert voice.rate == 80
    voice.reset()
    assert (voice.rate, voice.volume, voice.enabled, voice.current) == (150, 0.8, False, None)


def test_a_recorded_prompt_replaces_the_synthesized_one(speaker: Speaker, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "zh_CN").mkdir(parents=True)
    recorded = Synthesizer().render(Utterance("录音", "zh_CN"))
    (pack / "zh_CN" / "done.wav").write_bytes(recorded)
    guide = VoiceGuide(Prompts.load(), player_command=speaker.command, pack_dir=pack, volume=1.0)
    try:
        guide.set_enabled(True)
        guide.say("done", "zh_CN")
        speaker.wait_for("end", 1)
        played = float(speaker.lines("end")[0][1])
        assert abs(played - wav_duration_s(recorded)) < 0.05  # the recording, not the prompt
    finally:
        guide.close()


def test_a_recording_in_the_wrong_format_is_logged_and_the_voice_synthesized(
    speaker: Speaker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pack = tmp_path / "pack"
    (pack / "zh_CN").mkdir(parents=True)
    with wave.open(str(pack / "zh_CN" / "done.wav"), "wb") as eight_bit:
        eight_bit.setnchannels(1)
        eight_bit.setsampwidth(1)
        eight_bit.setframerate(8000)
        eight_bit.writeframes(bytes(8000))
    guide = VoiceGuide(Prompts.load(), player_command=speaker.command, pack_dir=pack)
    try:
        guide.set_enabled(True)
        guide.say("done", "zh_CN")
        speaker.wait_for("first", 1)
        assert int(speaker.lines("first")[0][1]) == 22050  # espeak-ng's, not the 8 kHz file
        assert "done.wav is not a 16-bit PCM WAV" in caplog.text
    finally:
        guide.close()


def test_scaling_a_recording_lowers_its_samples() -> None:
    loud = Synthesizer().render(Utterance("音量", "zh_CN"))
    quiet = scaled(loud, 0.5)
    assert len(quiet) == len(loud)
    assert max(quiet[44:]) <= max(loud[44:])


def test_without_a_player_the_voice_is_silent_with_a_reason(tmp_path: Path) -> None:
    guide = VoiceGuide(Prompts.load(), player_command=("no-such-player",), pack_dir=tmp_path)
    try:
        guide.set_enabled(True)
        guide.say("attract", "zh_CN")  # no exception, no stall
        assert guide.status.status.level is Level.OFFLINE
        assert "语音播报不可用" in guide.status.status.reason
        assert "no-such-player" in guide.status.status.reason
    finally:
        guide.close()


def test_a_player_that_fails_silences_the_voice_once(tmp_path: Path) -> None:
    failing = (sys.executable, "-c", "import sys; sys.exit('audio open error: no card')")
    guide = VoiceGuide(Prompts.load(), player_command=failing, pack_dir=tmp_path)
    try:
        guide.set_enabled(True)
        guide.say("attract", "zh_CN")
        deadline = time.monotonic() + 10
        while guide.available:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert "audio open error: no card" in guide.status.status.reason
    finally:
        guide.close()


def test_without_espeak_ng_the_voice_is_silent_with_a_reason(speaker: Speaker) -> None:
    """libespeak-ng hidden from the process, as on a machine without espeak-ng."""
    script = textwrap.dedent(
        f"""
        import ctypes, json, time
        load = ctypes.cdll.LoadLibrary
        def hidden(name, *args):
            if "espeak" in str(name):
                raise OSError(f"{{name}}: cannot open shared object file")
            return load(name, *args)
        ctypes.cdll.LoadLibrary = hidden
        from kiosk.voice import Prompts, VoiceGuide
        guide = VoiceGuide(Prompts.load(), player_command={speaker.command!r})
        guide.set_enabled(True)
        guide.say("attract", "zh_CN")
        deadline = time.monotonic() + 10
        while guide.available and time.monotonic() < deadline:
            time.sleep(0.01)
        print(json.dumps(guide.status.status.reason))
        guide.close()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    reason = json.loads(done.stdout)
    assert reason.startswith("语音播报不可用") and "espeak" in reason.lower()
    assert speaker.lines("start") == []
