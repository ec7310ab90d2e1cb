"""A stand-in for `aplay`: this machine has no sound card (and ALSA's null device does not keep
time). It reads a WAV on its standard input as aplay does and "plays" it in real time, writing
to the log file named by its one argument, one line per event and CLOCK_MONOTONIC times that
other processes can compare with their own `time.monotonic()`:

    start <t>              the process is running
    first <t> <rate> <n>   the first audio sample arrived (sample rate, bytes of the header)
    end <t> <seconds>      all of it has played

Stopped with SIGTERM it simply dies, as aplay does: no `end` line. Standard library only, and
run with `python -I`, so that it starts as fast as a real player.
"""

import sys
import time
import wave


def main() -> None:
    with open(sys.argv[1], "a", buffering=1, encoding="ascii") as log:
        log.write(f"start {time.monotonic():.6f}\n")
        with wave.open(sys.stdin.buffer, "rb") as wav:  # reads the header: 44 bytes
            rate, width = wav.getframerate(), wav.getsampwidth() * wav.getnchannels()
            frames = wav.readframes(rate // 50)  # 20 ms: aplay's first period, about
            log.write(f"first {time.monotonic():.6f} {rate} {len(frames)}\n")
            started, played = time.monotonic(), 0.0
            while frames:
                played += len(frames) / width / rate
                time.sleep(max(0.0, started + played - time.monotonic()))
                frames = wav.readframes(rate // 50)
        log.write(f"end {time.monotonic():.6f} {played:.3f}\n")


if __name__ == "__main__":
    main()
