"""Voice guidance: how soon a screen's prompt is heard, what synthesis costs, and the GUI thread
while the kiosk speaks through a whole journey.

The player is the stand-in of the tests (tests/rigs/speaker.py: reads the WAV on its standard
input like aplay and writes when the first sample arrived; this machine has no sound card).

* screen change → first audio sample of its prompt, cached (warmed up after the first frame, as
  the kiosk does) and uncached (synthesized on the spot). Floor: the player's own start, from
  starting it with a WAV in hand to its first sample.
* synthesis per character of Mandarin, through the voice's thread. Floor: the audio it makes,
  per character (below 1: faster than it is spoken).
* the longest GUI stall while prompts are synthesized and played through a driven elder-mode
  journey, against the 50 ms budget.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.driven import run_demo_script

TITLE = "voice"
SPEAKER = Path(__file__).resolve().parents[1] / "tests" / "rigs" / "speaker.py"
PROMPTS = ("attract", "identifying", "certificate", "done", "preview", "rating", "in_service")
BUDGET_MS = 50.0


def _speaker(log: Path) -> tuple[str, ...]:
    return (sys.executable, "-I", str(SPEAKER), str(log))


def _firsts(log: Path) -> list[float]:
    if not log.exists():
        return []
    return [float(line.split()[1]) for line in log.read_text().splitlines() if line[:5] == "first"]


def _wait_first(log: Path, count: int, timeout_s: float = 10.0) -> float:
    deadline = time.monotonic() + timeout_s
    while len(found := _firsts(log)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the stand-in player never started ({log})")
        time.sleep(0.001)
    return found[-1]


def _player_floor(folder: Path, wav: bytes) -> float:
    from drivers.speech import Player

    log = folder / "floor.log"
    player = Player(_speaker(log))
    delays = []
    for count in range(1, len(PROMPTS) + 1):
        started = time.monotonic()
        player.play(wav)
        delays.append(_wait_first(log, count) - started)
        player.stop()
    return statistics.median(delays) * 1000


def _prompt_delays(folder: Path, *, warm: bool) -> float:
    from kiosk.voice import Prompts, VoiceGuide

    log = folder / f"prompts-{warm}.log"
    voice = VoiceGuide(Prompts.load(), player_command=_speaker(log), pack_dir=folder)
    try:
        voice.set_enabled(True)
        if warm:
            voice.warm_up(("zh_CN",))
            deadline = time.monotonic() + 60
            fixed = [p for p in voice.prompts.ids if voice.prompts.is_fixed(p)]
            while voice.cached < len(fixed):
                if time.monotonic() > deadline:
                    raise RuntimeError("the voice's warm-up did not finish in 60 s")
                time.sleep(0.01)
        delays = []
        for count, prompt_id in enumerate(PROMPTS, start=1):
            started = time.monotonic()
            voice.say(prompt_id, "zh_CN")
            delays.append(_wait_first(log, count) - started)
            voice.stop()
        return statistics.median(delays) * 1000
    finally:
        voice.close()


def _synthesis_per_character() -> tuple[float, float]:
    """(ms of synthesis, ms of audio) per character of the Mandarin prompts."""
    from drivers.speech import Synthesizer, Utterance, wav_duration_s
    from kiosk.voice import Prompts, speakable

    prompts = Prompts.load()
    texts = [
        speakable(prompts.text(p, "zh_CN", {}), "zh_CN") for p in prompts.ids if prompts.is_fixed(p)
    ]
    synthesizer = Synthesizer()
    synthesizer.render(Utterance("预热"))  # libespeak-ng's start-up is not per character
    started = time.monotonic()
    audio_s = sum(wav_duration_s(synthesizer.render(Utterance(text))) for text in texts)
    spent_s = time.monotonic() - started
    characters = sum(len(text) for text in texts)
    return spent_s * 1000 / characters, audio_s * 1000 / characters


STALL_SCRIPT = r"""
from bench.driven import StallProbe, demo_window, drive, records_page_shown, tap_service
from kiosk.session import State

app, core, window = demo_window()
journey = window.journey
probe = StallProbe()
said = []
journey.bridge.voice_said.connect(lambda s: said.append(s.prompt_id))
session, demo = core.session, core.demo_controls

def records_page(number):
    return records_page_shown(core, number)

def heard(prompt_id):
    return lambda: said[-1:] == [prompt_id]

def tile(service_id):
    return lambda: tap_service(journey, service_id)

steps = [
    (lambda: None, lambda: bool(core.catalog.current.services)),
    (probe.start, lambda: True),
    (window.attract.elder_button.click, heard("attract")),
    (window.attract.preview_button.click, heard("preview")),
    (journey.preview.back_button.click, heard("attract")),
    (lambda: demo.place_card(2), heard("menu")),
    (tile("si-contrib"), lambda: records_page(1) and said[-1:] == ["records"]),
    (journey.records.read_button.click, heard("records_row")),
    (journey.records.next_button.click, lambda: records_page(2) and said[-1:] == ["records"]),
    (journey.voice_bar.repeat_button.click, lambda: True),
    (journey.records.back_button.click, heard("menu_group")),
    (tile("si-cert"), lambda: journey.certificate.print_button.isEnabled()),
    (journey.certificate.print_button.click, lambda: session.state is State.DONE),
    (lambda: None, heard("done")),
    (journey.done.rating_buttons[2].click, heard("rating")),
    (journey.rating.submit_button.click, heard("thanks")),
    (demo.lift_card, lambda: True),
]
drive(
    app,
    steps,
    lambda: print(f"max-gap-ms {probe.longest_ms:.1f} said {len(said)}", flush=True),
    poll_ms=20,
    timeout_s=120,
)
app.exec()
core.stop()
"""


def _stall_while_speaking(folder: Path) -> float:
    player = " ".join(_speaker(folder / "journey.log"))
    previous = os.environ.get("KIOSK_VOICE_PLAYER")
    os.environ["KIOSK_VOICE_PLAYER"] = player
    try:
        output = run_demo_script(STALL_SCRIPT, timeout_s=180)
    finally:
        if previous is None:
            del os.environ["KIOSK_VOICE_PLAYER"]
        else:
            os.environ["KIOSK_VOICE_PLAYER"] = previous
    for line in output.splitlines():
        if line.startswith("max-gap-ms "):
            return float(line.split()[1])
    raise RuntimeError(f"the spoken journey did not complete: {output}")


def run() -> list[tuple[str, float, float, str]]:
    from drivers.speech import Synthesizer, Utterance

    with tempfile.TemporaryDirectory(prefix="bench-voice-") as scratch:
        folder = Path(scratch)
        wav = Synthesizer().render(Utterance("请将身份证放在感应区"))
        floor = _player_floor(folder, wav)
        cached = _prompt_delays(folder, warm=True)
        uncached = _prompt_delays(folder, warm=False)
        synthesis_ms, audio_ms = _synthesis_per_character()
        stall = _stall_while_speaking(folder)
    return [
        ("screen → prompt audio, cached", cached, floor, "ms"),
        ("screen → prompt audio, uncached", uncached, floor, "ms"),
        ("synthesis per character, vs its audio", synthesis_ms * 1000, audio_ms * 1000, "µs"),
        ("longest GUI stall while speaking", stall, BUDGET_MS, "ms"),
    ]
