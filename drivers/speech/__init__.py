"""Speech: text to WAV audio through pyttsx3 on espeak-ng, and a player that stops at once.

Why WAV audio and a player process: pyttsx3's `engine.stop()` from another thread deadlocks the
process (shared/reference/platform.md), so speech is never interrupted inside the engine. A
prompt is synthesized to WAV bytes in memory (10-25 ms for a sentence), then fed to `aplay` on
its standard input, a process that `Player.stop()` ends within milliseconds. Nothing spoken
touches the disk: a prompt may hold a resident's name or amounts. libespeak-ng keeps global
state and its calls block: it is driven from the process's one speech thread (`Synthesizer`).

Mandarin is espeak-ng's `cmn-latn-pinyin`: its `cmn` reads hanzi as English pinyin ("nin two
hao three") and still produces loud audio; `phonemes()` shows the difference (no `(en)`).
"""

from __future__ import annotations

import ctypes
import io
import logging
import queue
import shutil
import signal
import subprocess
import threading
import wave
from collections.abc import Callable
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
STOP_GRACE_S = 1.0  # a stopped player still alive after this is killed
PLAYER = ("aplay", "-q")  # alsa-utils; reads the WAV from stdin; the device is ALSA's default


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
    done: threading.Event
    wav: bytes = b""
    error: str = ""


class Synthesizer:
    """espeak-ng through pyttsx3's binding of it, rendering each utterance to WAV audio.

    pyttsx3's Engine loop is not used: it applies properties one utterance late, synthesizes
    its last text again at every run, may return before the file is written, and deadlocks
    on stop() (shared/reference/platform.md). Its ctypes binding of libespeak-ng, driven
    synchronously, does what the kiosk needs and nothing else.

    libespeak-ng's state belongs to the process (one voice, one callback, its data files), so
    every Synthesizer hands its work to the process's one speech thread (`_ENGINE`). Two
    threads inside the library at once corrupt it: "Error processing file …/phondata: Bad
    address", then every later start hanging in its setlocale()."""

    def render(self, utterance: Utterance) -> bytes:
        """`utterance` as a 16-bit mono WAV, in memory; raises SpeechUnavailableError."""
        if not utterance.text.strip():
            raise SpeechUnavailableError("nothing to say: the text is empty")
        job = _Job(utterance, threading.Event())
        _ENGINE.submit(job)
        if not job.done.wait(SYNTHESIS_TIMEOUT_S):
            raise SpeechUnavailableError(f"espeak-ng took over {SYNTHESIS_TIMEOUT_S:.0f} s")
        if job.error:
            raise SpeechUnavailableError(job.error)
        return job.wav

    def synthesize(self, utterance: Utterance, path: Path) -> Path:
        """Write `utterance` to the WAV file `path` (for tests)."""
        write_wav(path, self.render(utterance))
        return path


class _EngineThread:
    """The one thread of the process that calls libespeak-ng, started with the first job and
    kept for the life of the process (a daemon waiting on its queue)."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, job: _Job) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
                self._thread.start()
        self._jobs.put(job)

    def _run(self) -> None:
        try:
            espeak = _Espeak()
            broken = ""
        except SpeechUnavailableError as error:
            espeak, broken = None, error.technician_message
        while True:
            job = self._jobs.get()
            if espeak is None:
                job.error = broken
            else:
                try:
                    job.wav = espeak.render(job.utterance)
                except SpeechUnavailableError as error:
                    job.error = error.technician_message
            job.done.set()


_ENGINE = _EngineThread()


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

    def render(self, utterance: Utterance) -> bytes:
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
            raise SpeechUnavailableError("espeak-ng wrote no audio for the text")
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.sample_rate)
            wav.writeframes(bytes(self._samples))
        return out.getvalue()


def write_wav(path: Path, wav: bytes) -> None:
    """Save rendered audio; raises SpeechUnavailableError naming the file."""
    try:
        path.write_bytes(wav)
    except OSError as error:
        raise SpeechUnavailableError(f"cannot write {path}: {error.strerror}") from error


def wav_duration_s(wav_or_path: bytes | Path) -> float:
    """How long the WAV plays; 0 for anything that is not a readable WAV."""
    source = io.BytesIO(wav_or_path) if isinstance(wav_or_path, bytes) else str(wav_or_path)
    try:
        with wave.open(source, "rb") as wav:
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


PlayerFailure = Callable[[str], None]


class Player:
    """Plays one WAV at a time, fed to a player process on its standard input; `stop()` ends
    it at once. A player that exits with an error (no audio device, say) is reported to
    `on_failure` with the player's own first line, from the feeding thread."""

    def __init__(
        self, command: tuple[str, ...] = PLAYER, on_failure: PlayerFailure | None = None
    ) -> None:
        self.command = command
        self._on_failure = on_failure
        self._process: subprocess.Popen[bytes] | None = None
        self._feeder: threading.Thread | None = None
        self._failure = ""
        self._lock = threading.Lock()

    def play(self, wav: bytes) -> None:
        """Start playing `wav`, stopping whatever played before; returns at once."""
        if shutil.which(self.command[0]) is None:
            raise PlayerUnavailableError(
                f"no {self.command[0]} to play speech (apt-get install alsa-utils)"
            )
        with self._lock:
            self._stop_locked()
            self._failure = ""
            try:
                process = subprocess.Popen(
                    self.command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            except OSError as error:
                raise PlayerUnavailableError(f"cannot start {self.command[0]}: {error}") from error
            self._process = process
            self._feeder = threading.Thread(
                target=self._feed, args=(process, wav), name="speech-player", daemon=True
            )
            self._feeder.start()

    def _feed(self, process: subprocess.Popen[bytes], wav: bytes) -> None:
        """Write the WAV (more than a pipe holds: this blocks while it plays), then wait for
        the player to end; one stopped but still alive after a second is killed."""
        assert process.stdin is not None
        try:
            process.stdin.write(wav)
            process.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass  # stopped, or the player gave up: its exit status says which
        while True:
            try:
                code = process.wait(STOP_GRACE_S)
                break
            except subprocess.TimeoutExpired:
                with self._lock:
                    stopped = process is not self._process
                if stopped:
                    process.kill()
        if code in (0, -signal.SIGTERM, -signal.SIGKILL):  # ended, or stopped by us
            return
        said = process.stderr.read().decode(errors="replace") if process.stderr else ""
        first = (said.strip().splitlines() or ["no message"])[0]
        failure = f"{self.command[0]} exited {code}: {first[:200]}"
        with self._lock:
            self._failure = failure
        if self._on_failure is not None:
            self._on_failure(failure)

    def wait(self, timeout_s: float) -> None:
        """Until the current WAV has played; raises PlayerUnavailableError if the player
        failed (no audio device, say)."""
        with self._lock:
            feeder = self._feeder
        if feeder is not None:
            feeder.join(timeout_s)
        with self._lock:
            if self._failure:
                raise PlayerUnavailableError(self._failure)

    @property
    def playing(self) -> bool:
        with self._lock:
            return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        """Signal the player and return: its feeding thread reaps it (or kills it)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
