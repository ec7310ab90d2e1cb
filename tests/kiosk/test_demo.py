"""The core's demo interface: what the demo panel and the tour may do to the simulators."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from drivers.idcard.base import IdCardError
from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.sam_serial import SamSerialReader
from drivers.idcard.simulator import SamSimulator
from drivers.printer.folder import FolderPrinter
from kiosk.demo import DemoControls


def test_a_demo_card_is_laid_read_and_lifted_through_the_real_driver(tmp_path: Path) -> None:
    simulator = SamSimulator(tmp_path / "tty", 115_200)
    simulator.start()
    reader = SamSerialReader(simulator.port, 115_200)
    try:
        demo = DemoControls(simulator, None)
        assert demo.card_names == tuple(card.name for card in DEMO_CARDS)
        demo.place_card(2)
        assert demo.holding_a_card
        assert reader.read_card().name == "李秀英"
        demo.lift_card()
        assert not demo.holding_a_card
        demo.place_card(len(DEMO_CARDS) + 1)  # no such card: nothing happens
        assert not demo.holding_a_card
        demo.place_unreadable_card()
        with pytest.raises(IdCardError) as failed:
            reader.read_card()
        assert "0x41" in failed.value.technician_message
    finally:
        reader.close()
        simulator.stop()


def test_the_paper_switch_tells_the_printer_monitor_unless_asked_not_to(tmp_path: Path) -> None:
    printer = FolderPrinter(tmp_path / "prints")
    refreshed: list[float] = []
    demo = DemoControls(
        SamSimulator(tmp_path / "tty", 115_200), printer, lambda: refreshed.append(time.monotonic())
    )
    assert demo.has_printer and demo.paper_present and demo.print_folder == tmp_path / "prints"
    demo.set_paper(False)
    assert printer.paper_out and not demo.paper_present and len(refreshed) == 1
    demo.set_paper(False)  # already out: nothing changes, nobody is told
    assert len(refreshed) == 1
    demo.set_paper(True, tell_the_monitor=False)
    assert not printer.paper_out and len(refreshed) == 1
