"""A card laid on the reader → its decoded card event, against the wire time of the bytes.

The SAM simulator answers at 115200 bd with no processing time of its own, so the figure is
the wire time plus what the kiosk adds: waiting for the next poll (250 ms interval, 125 ms
on average), framing, decoding. Goal: at most 150 ms above the wire time. Also the driver's
CPU time per read (thread time of the reading thread).
"""

from __future__ import annotations

import queue
import random
import statistics
import tempfile
import time
from pathlib import Path

from drivers.idcard import frames
from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.sam_serial import FIND, READ, SELECT, SamSerialReader
from drivers.idcard.simulator import SamSimulator
from drivers.idcard.text import encode_text_block
from kiosk.devices.card_monitor import CardMonitor, CardRead, CardRemoved

TITLE = "card placed -> card event"

BAUD = 115_200
POLL_S = 0.25
PLACEMENTS = 30
READS = 20


def wire_s(card_text: bytes) -> float:
    """The bytes of one placement: find, select, read (command and answer each)."""
    commands = sum(len(frames.encode_command(*c)) for c in (FIND, SELECT, READ))
    answers = (
        len(frames.encode_answer(0x9F, bytes(4)))
        + len(frames.encode_answer(0x90, bytes(8)))
        + len(frames.encode_answer(0x90, bytes(4) + card_text + bytes(1024)))
    )
    return (commands + answers) * 10 / BAUD


def run() -> list[tuple[str, float, float, str]]:
    with tempfile.TemporaryDirectory() as directory:
        simulator = SamSimulator(Path(directory) / "tty", BAUD, read_processing_s=0.0)
        simulator.start()
        reader = SamSerialReader(simulator.port, BAUD)
        try:
            reader.sam_id()  # once per port, not part of a placement
            events: queue.Queue[object] = queue.Queue()
            monitor = CardMonitor(reader, POLL_S)
            monitor.on_card_event(events.put)
            monitor.start()
            latencies = []
            rng = random.Random(7)
            for _ in range(PLACEMENTS):
                # A hand arrives at any moment of the poll cycle, not just after a poll.
                time.sleep(rng.uniform(0, 3 * POLL_S))
                placed = time.monotonic()
                simulator.place(DEMO_CARDS[0])
                while not isinstance(events.get(timeout=5), CardRead):
                    pass
                latencies.append(time.monotonic() - placed)
                simulator.lift()
                while not isinstance(events.get(timeout=5), CardRemoved):
                    pass
            monitor.stop()
            simulator.place(DEMO_CARDS[0])
            cpu = []
            for _ in range(READS):
                started = time.thread_time()
                reader.read_card()
                cpu.append(time.thread_time() - started)
        finally:
            reader.close()
            simulator.stop()
    floor = wire_s(encode_text_block(DEMO_CARDS[0]))
    return [
        (
            "card placed -> card event, median",
            statistics.median(latencies) * 1000,
            floor * 1000,
            "ms",
        ),
        (
            "driver CPU per read (vs its wire time)",
            statistics.median(cpu) * 1000,
            floor * 1000,
            "ms",
        ),
    ]
