"""Speech: text to a WAV file through pyttsx3 on espeak-ng, and a player that stops at once.

Why a file and a player process: pyttsx3's `engine.stop()` from another thread deadlocks the
process (shared/reference/platform.md), so speech is never interrupted inside the engine. A
prompt is synthesized to a WAV (10-25 ms for a sentence), then played by `aplay`, a process
that `Player.stop()` ends within milliseconds. libespeak-ng keeps global state and its calls
block: it is driven from one thread of its own (`Synthesizer`).

Mandarin is espeak-ng's `cmn-latn-pinyin`: its `cmn` reads hanzi as English pinyin ("nin two
hao three") and still produces loud audio; `phonemes()` shows the difference (no `(en)`).
"""

from __future__ import annotations

import ctypes
import logging
import queue
import shutil
import subprocess
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers.errors import DeviceError

log = logging.getLogger(__name__)

# espeak-ng's voices, as pyttsx3 names them; the short name is what `espeak-ng -v` takes.
VOICES = {"zh_CN": "sit/cmn-latn-pinyin", "en": "gmw/en"}
ENGINE = "pyttsx3 on espeak-ng"
DEFAULT_RATE = 150  # espeak-ng's words a minute; slower suits the elder look
DEFAULT_VOLUME = 1.0
SYNTHESIS_TIMEOUT_S = 10.0
PLAYER = ("aplay", "-q")  # alsa-utils; the device is ALSA's default


class SpeechUnavailableError(DeviceError):
    """No engine, no voice, or a synthesis that failed: the kiosk goes silent, once logged."""

    resident_message = "语音播报不可用"


class PlayerUnavailableError(DeviceError):
    """No player program, or no audio device it can open."""

    resident_message = "语音播报不可用"


@dataclass(frozen=True)
class Utterance:
    text: str
    language: str = "zh_CN"  # a key of VOICES
    rate: int = DEFAULT_RATE
    volume: float = DEFAULT_VOLUME  # 0.0 to 1.0

    @property
    def voice(self) -> str:
        return VOICES.get(self.language, VOICES["zh_CN"])


@dataclass
class _Job:
    utterance: Utterance
    path: Path
    done: threading.Event
    error: str = ""


class Synthesizer:
    """espeak-ng through pyttsx3's binding of it, on a thread of its own, writing each
    utterance to a WAV file.

    pyttsx3's Engine loop is not used: it applies properties one utterance late, synthesizes
    its last text again at every run, may return before the file is written, and deadlocks
    on stop() (shared/reference/platform.md). Its ctypes binding of libespeak-ng, driven
    synchronously, does what the kiosk needs and nothing else."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def synthesize(self, utterance: Utterance, path: Path) -> Path:
        """Write `utterance` to `path` (16-bit mono WAV); raises SpeechUnavailableError."""
        if not utterance.text.strip():
            raise SpeechUnavailableError("nothing to say: the text is empty")
        self._ensure_thread()
        job = _Job(utterance, path, threading.Event())
        self._jobs.put(job)
        if not job.done.wait(SYNTHESIS_TIMEOUT_S):
            raise SpeechUnavailableError(f"espeak-ng took over {SYNTHESIS_TIMEOUT_S:.0f} s")
        if job.error:
            raise SpeechUnavailableError(job.error)
        return path

    def close(self) -> None:
        with self._lock:
            if self._thread is not None:
                self._jobs.put(None)
                self._thread.join(SYNTHESIS_TIMEOUT_S)
                self._thread = None

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        try:
            espeak = _Espeak()
            broken = ""
        except SpeechUnavailableError as error:
            espeak, broken = None, error.technician_message
        while (job := self._jobs.get()) is not None:
            if espeak is None:
                job.error = broken
            else:
                try:
                    espeak.write(job.utterance, job.path)
                except SpeechUnavailableError as error:
                    job.error = error.technician_message
            job.done.set()


class _Espeak:
    """libespeak-ng, synchronous: Synth returns once every sample went to the callback."""

    def __init__(self) -> None:
        try:
            from pyttsx3.drivers import _espeak  # type: ignore[import-untyped]
        except Exception as error:  # ImportError, or OSError when libespeak-ng.so.1 is missing
            raise SpeechUnavailableError(
                f"pyttsx3 cannot load espeak-ng ({type(error).__name__}: {error}); "
                "install espeak-ng (apt-get install espeak-ng)"
            ) from error
        self._lib = _espeak
        self.sample_rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 0)
        if self.sample_rate <= 0:
            raise SpeechUnavailableError("espeak-ng did not initialize (espeak-ng-data missing?)")
        self._samples = bytearray()
        _espeak.SetSynthCallback(self._collect)
        for voice in VOICES.values():
            if _espeak.SetVoiceByName(voice.encode()) != _espeak.EE_OK:
                raise SpeechUnavailableError(f"espeak-ng has no voice {voice}")

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0:
            self._samples += ctypes.string_at(wav, count * ctypes.sizeof(ctypes.c_short))
        return 0  # go on

    def write(self, utterance: Utterance, path: Path) -> None:
        lib = self._lib
        self._samples = bytearray()
        if lib.SetVoiceByName(utterance.voice.encode()) != lib.EE_OK:
            raise SpeechUnavailableError(f"espeak-ng has no voice {utterance.voice}")
        lib.SetParameter(lib.RATE, utterance.rate, 0)
        lib.SetParameter(lib.VOLUME, round(100 * max(0.0, min(1.0, utterance.volume))), 0)
        if lib.Synth(utterance.text, flags=lib.CHARS_UTF8 | lib.ENDPAUSE) != lib.EE_OK:
            raise SpeechUnavailableError("espeak-ng could not synthesize the text")
        lib.Synchronize()
        if not self._samples:
            raise SpeechUnavailableError(f"espeak-ng wrote no audio for {path.name}")
        try:
            with wave.open(str(path), "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(self.sample_rate)
                wav.writeframes(bytes(self._samples))
        except OSError as error:
            raise SpeechUnavailableError(f"cannot write {path}: {error.strerror}") from error


def wav_duration_s(path: Path) -> float:
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / float(wav.getframerate())
    except (OSError, EOFError, wave.Error):
        return 0.0


def phonemes(utterance: Utterance) -> str:
    """espeak-ng's phonemes for the utterance; `(en)` in them marks a switch to English."""
    short = utterance.voice.split("/", 1)[-1]
    done = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", short, utterance.text],
        capture_output=True,
        text=True,
        timeout=SYNTHESIS_TIMEOUT_S,
    )
    if done.returncode != 0:
        raise SpeechUnavailableError(f"espeak-ng -x failed: {done.stderr.strip()[:200]}")
    return done.stdout.strip()


class Player:
    """Plays one WAV at a time with a player process; `stop()` ends it at once."""

    def __init__(self, command: tuple[str, ...] = PLAYER) -> None:
        self._command = command
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def play(self, path: Path) -> None:
        """Start playing `path`, stopping whatever played before; returns at once."""
        if shutil.which(self._command[0]) is None:
            raise PlayerUnavailableError(
                f"no {self._command[0]} to play speech (apt-get install alsa-utils)"
            )
        with self._lock:
            self._stop_locked()
            self._process = subprocess.Popen(
                [*self._command, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )

    def wait(self, timeout_s: float) -> None:
        """Until the current WAV has played; raises PlayerUnavailableError if the player
        failed (no audio device, say)."""
        with self._lock:
            process = self._process
        if process is None:
            return
        try:
            code = process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            return
        if code not in (0, -15):  # -15: stopped by us
            said = process.stderr.read().decode(errors="replace") if process.stderr else ""
            first = (said.strip().splitlines() or ["no message"])[0]
            raise PlayerUnavailableError(f"{self._command[0]} exited {code}: {first[:200]}")

    @property
    def playing(self) -> bool:
        with self._lock:
            return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(1)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
