"""Voice guidance: what the kiosk says, when, and what it interrupts (DESIGN.md, "Layers").

Every screen has a prompt id; its words in each language are data (assets/voice/prompts.toml),
and a recorded prompt pack (assets/voice/<language>/<prompt id>.wav) replaces the synthesized
voice where a file exists. One prompt is heard at a time: the newest interrupts the one before
(a new screen stops the old screen's prompt at once). Synthesis and playback run on the voice's
own thread; the GUI thread only posts requests and never waits.

What is said is what a person would say: numbers, money and dates in words (¥1,234.50 →
一千二百三十四元五角, 2024年03月 → 二零二四年三月), and never an ID number, a phone number or a
masked value (`speakable`). Fixed prompts are synthesized once, after the first frame, into a
memory cache keyed by text, voice, rate and volume; prompts filled in with a resident's details
are never cached and never touch the disk.

No engine, no player, or a player that fails: the voice goes silent, logs one line and reports
the device status 语音播报不可用; it never raises into the screens.
"""

from __future__ import annotations

import array
import io
import logging
import re
import shlex
import shutil
import string
import sys
import threading
import tomllib
import wave
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import assets
from drivers.speech import (
    DEFAULT_RATE,
    VOICES,
    Player,
    PlayerUnavailableError,
    SpeechUnavailableError,
    Synthesizer,
    Utterance,
    wav_duration_s,
)
from kiosk.devices.status import DeviceStatus, Level, StatusReporter

log = logging.getLogger(__name__)

PLAYING_CHECK_S = 0.5  # a player that cannot play has failed by then

SPEECH_DEVICE = "speech"
LANGUAGES = tuple(VOICES)
VOICE_DIR = assets.ROOT / "voice"
PROMPTS_FILE = VOICE_DIR / "prompts.toml"
VOLUME_STEP = 0.2
MIN_VOLUME, MAX_VOLUME = 0.2, 1.0
RATE_STEP = 20
MIN_RATE, MAX_RATE = 80, 260
CACHE_ENTRIES = 96  # ~100 KB each: the fixed prompts of both languages at a few volumes
UNAVAILABLE = "语音播报不可用"

# --- what may be said -------------------------------------------------------------------

# A masked value (110***********1234, 138****0000): never spelled out, left out altogether.
_MASKED_NUMBER = re.compile(r"[0-9Xx]*\*{2,}[0-9Xx]*|[0-9Xx]+\*+[0-9Xx*]*")
# A full ID number (18 or 15 digits) or a mainland mobile number: never said.
_ID_OR_PHONE = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15}|1[3-9][0-9]{9})(?![0-9Xx])")
_MONEY = re.compile(
    r"(?:(?P<sign>[-−])\s*)?¥\s*(?P<sign2>[-−])?(?P<amount>[0-9][0-9,]*(?:\.[0-9]+)?)"
    r"|(?P<sign3>[-−])?(?P<yuan>[0-9][0-9,]*(?:\.[0-9]+)?)\s*元"
)
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
_FIELD = re.compile(r"\{(\w+)\}")


def speakable(text: str, language: str) -> str:
    """`text` as a person would read it aloud in `language`."""
    text = _ID_OR_PHONE.sub("", _MASKED_NUMBER.sub("", text))
    text = text.replace("*", "")  # what is left of a masked name (张*伟): the visible part
    if language != "zh_CN":
        return _MONEY.sub(_money_en, text)
    text = _MONEY.sub(_money_zh, text)
    text = _THOUSANDS.sub("", text)
    # ~100 ms of imports: on the voice's thread, never at start-up
    import cn2an  # type: ignore[import-untyped]

    try:
        return str(cn2an.transform(text, "an2cn"))
    except Exception:  # cn2an rejects odd mixtures; the digits are still read, one by one
        log.debug("cn2an could not read %r", text, exc_info=True)
        return text


def _amount(match: re.Match[str]) -> tuple[bool, Decimal] | None:
    digits = (match.group("amount") or match.group("yuan") or "").replace(",", "")
    negative = any(match.group(name) for name in ("sign", "sign2", "sign3"))
    try:
        return negative, Decimal(digits)
    except InvalidOperation:
        return None


def _money_zh(match: re.Match[str]) -> str:
    """¥1,234.50 → 一千二百三十四元五角; ¥1,000,000.05 → 一百万元零五分; ¥0 → 零元."""
    import cn2an

    parsed = _amount(match)
    if parsed is None:
        return match.group(0)
    negative, amount = parsed
    fen_total = int((amount * 100).quantize(Decimal(1)))
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    words = ""
    if yuan:
        words += f"{cn2an.an2cn(str(yuan))}元"
    if jiao:
        words += f"{cn2an.an2cn(str(jiao))}角"
    if fen:
        words += ("零" if yuan and not jiao else "") + f"{cn2an.an2cn(str(fen))}分"
    return ("负" if negative and fen_total else "") + (words or "零元")


def _money_en(match: re.Match[str]) -> str:
    parsed = _amount(match)
    if parsed is None:
        return match.group(0)
    negative, amount = parsed
    return f"{'minus ' if negative and amount else ''}{amount:,.2f} yuan"


# --- the prompts --------------------------------------------------------------------------


class PromptsError(ValueError):
    """The prompts file is missing, unreadable, or lacks a language."""


class Prompts:
    """The words of every prompt, by prompt id and language (assets/voice/prompts.toml)."""

    def __init__(self, texts: Mapping[str, Mapping[str, str]], languages: tuple[str, ...]) -> None:
        for prompt_id, by_language in texts.items():
            missing = [language for language in languages if not by_language.get(language)]
            if missing:
                raise PromptsError(f"prompt {prompt_id!r} has no text in {', '.join(missing)}")
        self._texts = {key: dict(value) for key, value in texts.items()}

    @classmethod
    def load(
        cls, path: Path = PROMPTS_FILE, languages: tuple[str, ...] = ("zh_CN", "en")
    ) -> Prompts:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise PromptsError(f"cannot read the prompts in {path}: {error}") from error
        return cls(data, languages)

    @property
    def ids(self) -> list[str]:
        return list(self._texts)

    def template(self, prompt_id: str, language: str) -> str:
        by_language = self._texts[prompt_id]
        return by_language.get(language) or by_language["zh_CN"]

    def fields(self, prompt_id: str) -> set[str]:
        return {
            name
            for text in self._texts[prompt_id].values()
            for _, name, _, _ in string.Formatter().parse(text)
            if name
        }

    def is_fixed(self, prompt_id: str) -> bool:
        """No fields: the same words for everyone, so they may be cached and recorded."""
        return not self.fields(prompt_id)

    def text(self, prompt_id: str, language: str, fields: Mapping[str, object]) -> str:
        """The prompt's words with its fields filled in (unknown fields left empty)."""
        template = self.template(prompt_id, language)
        return _FIELD.sub(lambda m: str(fields.get(m.group(1), "")), template)


# --- the voice --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Said:
    """A prompt as the kiosk says it: for 再听一遍, the demo's subtitles and the tests."""

    prompt_id: str
    text: str  # the words as written
    language: str
    fixed: bool  # the same for everyone: cacheable, and a pack file may replace it


SaidListener = Callable[[Said], None]
TestReply = Callable[[float | None, str], None]  # seconds of audio played, or None and why


@dataclass(frozen=True, slots=True)
class _Request:
    said: Said
    rate: int
    volume: float
    generation: int
    reply: TestReply | None = None  # the diagnostics screen's test sentence waits for this


class VoiceGuide:
    """One voice for the kiosk; its methods are called from the GUI thread and return at once."""

    def __init__(
        self,
        prompts: Prompts,
        *,
        player_command: tuple[str, ...],
        rate: int = DEFAULT_RATE,
        volume: float = 0.8,
        pack_dir: Path = VOICE_DIR,
        synthesizer: Synthesizer | None = None,
    ) -> None:
        self.prompts = prompts
        self._configured = (rate, volume)
        self.rate, self.volume = rate, volume
        self.enabled = False
        self._pack_dir = pack_dir
        self._synthesizer = synthesizer or Synthesizer()
        self._player = Player(player_command, on_failure=self._player_failed)
        self.status = StatusReporter(SPEECH_DEVICE, "the voice (speech)")
        self._said_listeners: list[SaidListener] = []
        self._cache: OrderedDict[tuple[str, str, int, float], bytes] = OrderedDict()
        self._lock = threading.Condition()
        self._pending: _Request | None = None
        self._warm_ups: list[_Request] = []
        self._generation = 0
        self._current: Said | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
        self._thread.start()
        if shutil.which(player_command[0]) is None:
            self._go_silent(f"no player {player_command[0]!r} (apt-get install alsa-utils)")

    # --- from the screens ------------------------------------------------------------

    @property
    def available(self) -> bool:
        return self.status.status.level is Level.OK

    @property
    def cached(self) -> int:
        """How many prompts' audio is in memory (the warm-up's progress)."""
        return len(self._cache)

    @property
    def current(self) -> Said | None:
        return self._current

    def on_said(self, listener: SaidListener) -> None:
        """`listener(said)` when a prompt starts to play, on the voice's thread."""
        self._said_listeners.append(listener)

    def set_enabled(self, enabled: bool) -> None:
        """Voice on or off for this session; turning it on says the current prompt."""
        if enabled == self.enabled:
            return
        self.enabled = enabled
        if enabled:
            self.repeat()
        else:
            self.stop()

    def say(self, prompt_id: str, language: str, **fields: object) -> None:
        """The screen's prompt (or a moment of it): it becomes the current prompt, heard at
        once if the voice is on, interrupting anything said before."""
        if prompt_id not in self.prompts.ids:
            log.error("no prompt %r in %s", prompt_id, PROMPTS_FILE.name)
            return
        text = self.prompts.text(prompt_id, language, fields)
        self._speak(Said(prompt_id, text, language, fixed=self.prompts.is_fixed(prompt_id)))

    def say_text(self, prompt_id: str, text: str, language: str) -> None:
        """Words composed by the caller (a page of records read row by row)."""
        self._speak(Said(prompt_id, text, language, fixed=False))

    def say_test(self, prompt_id: str, language: str, reply: TestReply) -> None:
        """The diagnostics screen's test sentence, played even with the voice off: then
        `reply(seconds, "")` on the voice's thread, or `reply(None, reason)`."""
        if not self.available:
            reply(None, self.status.status.reason)
            return
        said = Said(prompt_id, self.prompts.text(prompt_id, language, {}), language, True)
        with self._lock:
            self._generation += 1
            self._pending = _Request(said, self.rate, self.volume, self._generation, reply)
            self._lock.notify()
        self._player.stop()

    def repeat(self) -> None:
        """再听一遍: the current prompt again, from its start."""
        if self._current is not None:
            self._speak(self._current)

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            self._pending = None
        self._player.stop()

    def change_volume(self, steps: int) -> float:
        self.volume = round(min(MAX_VOLUME, max(MIN_VOLUME, self.volume + steps * VOLUME_STEP)), 2)
        self.repeat()
        return self.volume

    def change_rate(self, steps: int) -> int:
        self.rate = min(MAX_RATE, max(MIN_RATE, self.rate + steps * RATE_STEP))
        self.repeat()
        return self.rate

    def reset(self) -> None:
        """The session is over: silence, forget what was said, back to the configured voice."""
        self.stop()
        self._current = None
        self.rate, self.volume = self._configured
        self.enabled = False

    def warm_up(self, languages: tuple[str, ...]) -> None:
        """Synthesize every fixed prompt now (at the configured rate and volume), whenever the
        voice has nothing else to do, so that screens start speaking without waiting."""
        rate, volume = self._configured
        requests = [
            _Request(
                Said(prompt_id, self.prompts.text(prompt_id, language, {}), language, True),
                rate,
                volume,
                generation=-1,
            )
            for language in languages
            for prompt_id in self.prompts.ids
            if self.prompts.is_fixed(prompt_id)
        ]
        with self._lock:
            self._warm_ups += requests
            self._lock.notify()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify()
        self._player.stop()
        self._thread.join(2)

    # --- the voice's thread ----------------------------------------------------------

    def _speak(self, said: Said) -> None:
        self._current = said
        if not (self.enabled and self.available):
            return
        with self._lock:
            self._generation += 1
            self._pending = _Request(said, self.rate, self.volume, self._generation)
            self._lock.notify()
        self._player.stop()  # at once: the next prompt may still be synthesizing

    def _run(self) -> None:
        while True:
            with self._lock:
                while not (self._closed or self._pending or self._warm_ups):
                    self._lock.wait()
                if self._closed:
                    return
                request, self._pending = self._pending, None
                if request is None:
                    request = self._warm_ups.pop(0)
            try:
                self._handle(request)
            except (SpeechUnavailableError, PlayerUnavailableError) as error:
                self._go_silent(error.technician_message)
                if request.reply is not None:
                    request.reply(None, error.technician_message)
            except Exception:  # a bug here must cost the voice, never the kiosk
                log.exception("the voice failed on prompt %s", request.said.prompt_id)

    def _handle(self, request: _Request) -> None:
        if not self.available:
            return
        wav = self._audio(request)
        with self._lock:
            if request.generation != self._generation:
                return  # a warm-up, or interrupted while it was synthesized
            self._player.play(wav)
        if request.reply is not None:
            self._reply_once_playing(request.reply, wav_duration_s(wav))
        for listener in self._said_listeners:
            listener(request.said)

    def _audio(self, request: _Request) -> bytes:
        said = request.said
        utterance = Utterance(
            speakable(said.text, said.language), said.language, request.rate, request.volume
        )
        if not said.fixed:
            return self._synthesizer.render(utterance)
        key = (said.text, utterance.voice, request.rate, request.volume)
        wav = self._cache.get(key)
        if wav is None:
            wav = self._recorded(said, request.volume) or self._synthesizer.render(utterance)
            self._cache[key] = wav
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return wav

    def _recorded(self, said: Said, volume: float) -> bytes | None:
        """The prompt pack's file for this prompt, at this volume; None where there is none."""
        path = self._pack_dir / said.language / f"{said.prompt_id}.wav"
        if not path.is_file():
            return None
        try:
            return scaled(path.read_bytes(), volume)
        except (OSError, EOFError, wave.Error, ValueError) as error:
            log.warning(
                "prompt pack file %s is not a 16-bit PCM WAV (%s): synthesized", path, error
            )
            return None

    def _reply_once_playing(self, reply: TestReply, seconds: float) -> None:
        """A player that cannot play (no sound card) fails within milliseconds: the test's
        answer waits `PLAYING_CHECK_S` for that, on a timer, never on the voice's thread."""

        def check() -> None:
            if self.available:
                reply(seconds, "")
            else:
                reply(None, self.status.status.reason)

        timer = threading.Timer(PLAYING_CHECK_S, check)
        timer.daemon = True
        timer.start()

    # --- failure -------------------------------------------------------------------------

    def _player_failed(self, reason: str) -> None:
        self._go_silent(reason)

    def _go_silent(self, reason: str) -> None:
        """From now on the kiosk shows, and does not say: one log line, one device status."""
        if self.available:
            self.status.set(Level.OFFLINE, f"{UNAVAILABLE}: {reason}")


def scaled(wav: bytes, volume: float) -> bytes:
    """A 16-bit PCM WAV with every sample multiplied by `volume` (for recorded prompts)."""
    with wave.open(io.BytesIO(wav), "rb") as source:
        if source.getsampwidth() != 2:
            raise ValueError(f"{8 * source.getsampwidth()}-bit samples; the pack needs 16-bit")
        params = source.getparams()
        samples = array.array("h", source.readframes(source.getnframes()))
    if sys.byteorder != "little":
        samples.byteswap()
    if volume < 1.0:
        samples = array.array("h", (int(sample * volume) for sample in samples))
    if sys.byteorder != "little":
        samples.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setparams(params)
        target.writeframes(samples.tobytes())
    return out.getvalue()


def player_command(configured: str) -> tuple[str, ...]:
    """The configured player command line (it reads the WAV on its standard input)."""
    return tuple(shlex.split(configured))


def device_status(voice: VoiceGuide | None) -> DeviceStatus:
    if voice is None:
        return DeviceStatus(SPEECH_DEVICE, Level.OFFLINE, f"{UNAVAILABLE}: no prompts loaded")
    return voice.status.status
