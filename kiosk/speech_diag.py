"""`kiosk-diag speak TEXT`: say what the kiosk would say, through the kiosk's own engine and
voice, or write it to a WAV (`--out`). With `--json`: the engine, the voice, the duration and
the language switches in espeak-ng's phonemes (a Mandarin prompt must have none: `(en)` means
espeak-ng read part of it as English).

Exit 0 when it spoke (or wrote the file) in its own language, 1 when the phonemes switch
language, 2 when it cannot run (no engine, no voice, no player or audio device).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from drivers.speech import (
    ENGINE,
    VOICES,
    Player,
    PlayerUnavailableError,
    SpeechUnavailableError,
    Synthesizer,
    Utterance,
    phonemes,
    wav_duration_s,
    write_wav,
)
from kiosk.voice import speakable

COMMAND = "speak"
EXIT_OK, EXIT_FAIL, EXIT_CANNOT_RUN = 0, 1, 2
_SWITCH = re.compile(r"\(([a-z-]+)\)")  # espeak-ng marks a change of language as (en), (cmn)
PLAY_MARGIN_S = 5.0


def add_command(commands: Any) -> None:
    speak = commands.add_parser(COMMAND, help="say TEXT as the kiosk would, or write it to a WAV")
    speak.add_argument("text", help="what to say")
    speak.add_argument("--language", choices=sorted(VOICES), default="zh_CN")
    speak.add_argument("--out", type=Path, metavar="FILE.wav", help="write here instead of playing")


def run(args: argparse.Namespace) -> tuple[int, dict[str, Any], str]:
    """The exit status, the JSON answer and the text for a person."""
    # As the kiosk would say it: numbers, money and dates in words, no ID or phone number.
    utterance = Utterance(speakable(args.text, args.language), args.language)
    synthesizer = Synthesizer()
    report: dict[str, Any] = {
        "engine": ENGINE,
        "voice": utterance.voice,
        "said": utterance.text,
        "ok": False,
    }
    try:
        wav = synthesizer.render(utterance)
        duration = wav_duration_s(wav)
        switches = _SWITCH.findall(phonemes(utterance))
        report.update(
            duration_s=round(duration, 2),
            language_switches=switches,
            out=str(args.out) if args.out else None,
        )
        if args.out is not None:
            write_wav(args.out, wav)
        else:
            player = Player()
            player.play(wav)
            player.wait(duration + PLAY_MARGIN_S)
    except (SpeechUnavailableError, PlayerUnavailableError) as error:
        report["error"] = error.technician_message
        return EXIT_CANNOT_RUN, report, _text(report, "cannot run / 无法运行")
    report["ok"] = not switches
    if switches:
        return EXIT_FAIL, report, _text(report, "FAILED / 失败: the voice switched language")
    return EXIT_OK, report, _text(report, "ok / 正常")


def _text(report: dict[str, Any], verdict: str) -> str:
    rows = [
        ("engine", report["engine"]),
        ("voice", report["voice"]),
        ("said", report["said"]),
        ("duration", f"{report['duration_s']:.2f} s" if "duration_s" in report else "—"),
        ("switches", ", ".join(report.get("language_switches", [])) or "none"),
        ("output", report.get("out") or "played through aplay"),
        ("result", verdict),
    ]
    if "error" in report:
        rows.append(("reason", report["error"]))
        rows.append(("do", "apt-get install espeak-ng alsa-utils; check the sound card (aplay -l)"))
    return "\n".join(f"{name:<10} {value}" for name, value in rows)
