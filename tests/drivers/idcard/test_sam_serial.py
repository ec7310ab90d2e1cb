"""The serial driver against the SAM simulator on a pseudo-terminal, at the real line rate."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.idcard.base import ReaderUnavailableError
from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.sam_serial import (
    ReaderCommunicationError,
    ReaderTimeoutError,
    SamSerialReader,
    format_sam_id,
)
from drivers.idcard.simulator import SamSimulator
from drivers.idcard.status import STATUS, SamFaultError, SamStatusError

READ_ANSWER_BYTES = 1295  # reference §3: 30 01 answer, text + photo


@pytest.fixture
def reader(simulator: SamSimulator) -> Iterator[SamSerialReader]:
    reader = SamSerialReader(simulator.port)
    yield reader
    reader.close()


def test_find_select_and_read_a_card(simulator: SamSimulator, reader: SamSerialReader) -> None:
    assert reader.find_card() is False
    photo = os.urandom(1024)
    simulator.place(DEMO_CARDS[1], photo=photo)
    assert reader.find_card() is True
    card = reader.read_card()
    assert (card.name, card.gender, card.ethnicity) == ("李秀英", "女", "汉")
    assert card.id_number == DEMO_CARDS[1].id_number and card.valid_until is None
    assert card.photo == photo and len(card.raw_text) == 256
    assert simulator.commands[-2:] == [(0x20, 0x02), (0x30, 0x01)]


def test_the_read_takes_its_wire_time(simulator: SamSimulator, reader: SamSerialReader) -> None:
    simulator.place(DEMO_CARDS[0])
    started = time.monotonic()
    reader.read_card()
    elapsed = time.monotonic() - started
    assert elapsed >= READ_ANSWER_BYTES * 10 / 115_200  # 112 ms: paced like a real line


def test_the_sam_id_is_formatted_and_kept(reader: SamSerialReader) -> None:
    assert reader.sam_id() == "05.01-20101028-0012345678-0000001904"
    assert format_sam_id(bytes(range(16))) == "00.02-117835012-0185207048-0252579084"


def test_a_corrupt_checksum_is_a_communication_error(
    simulator: SamSimulator, reader: SamSerialReader
) -> None:
    simulator.corrupt_next_checksum()
    with pytest.raises(ReaderCommunicationError, match="bad checksum"):
        reader.find_card()
    assert reader.find_card() is False  # the next exchange is clean again


def test_a_silent_sam_times_out_within_the_command_timeout(
    simulator: SamSimulator, reader: SamSerialReader
) -> None:
    simulator.go_silent()
    started = time.monotonic()
    with pytest.raises(ReaderTimeoutError, match=r"no answer within 0\.5 s"):
        reader.find_card()
    assert time.monotonic() - started < 0.8


@pytest.mark.parametrize(
    ("sw3", "kind"),
    [(0x60, SamFaultError), (0x66, SamFaultError), (0x81, SamStatusError), (0x32, SamStatusError)],
)
def test_each_failure_status_is_a_typed_error_with_both_messages(
    simulator: SamSimulator, reader: SamSerialReader, sw3: int, kind: type
) -> None:
    simulator.place(DEMO_CARDS[0])
    simulator.fail_next(0x20, sw3)
    with pytest.raises(kind) as failed:
        reader.read_card()  # the select (0x20 02) gets the status
    assert f"SW3 0x{sw3:02X}" in failed.value.technician_message
    assert failed.value.resident_message


def test_an_unplugged_port_is_unavailable_then_reopened(
    simulator: SamSimulator, reader: SamSerialReader
) -> None:
    assert reader.find_card() is False
    simulator.unplug()
    with pytest.raises(ReaderUnavailableError):
        reader.find_card()
    simulator.replug()
    assert reader.find_card() is False


def test_a_missing_port_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ReaderUnavailableError, match="cannot open"):
        SamSerialReader(str(tmp_path / "no-such-tty")).find_card()


def test_the_fingerprint_variant_splits_by_its_three_lengths(
    simulator: SamSimulator, reader: SamSerialReader
) -> None:
    simulator.place(DEMO_CARDS[0])
    card, fingerprints = reader.read_card_with_fingerprints()
    assert card.name == DEMO_CARDS[0].name and fingerprints == b""
    simulator.fingerprints = os.urandom(1024)
    card, fingerprints = reader.read_card_with_fingerprints()
    assert fingerprints == simulator.fingerprints and len(card.photo) == 1024


def test_an_appended_address_or_none(simulator: SamSimulator, reader: SamSerialReader) -> None:
    simulator.place(DEMO_CARDS[0])
    assert reader.read_appended_address() is None  # SW3 0x91: the item is empty
    simulator.appended_address = "四川省南部县大桥镇新河村2组"
    assert reader.read_appended_address() == "四川省南部县大桥镇新河村2组"


def test_the_sam_can_be_reset(simulator: SamSimulator, reader: SamSerialReader) -> None:
    reader.reset_sam()
    reader.check_status()
    assert simulator.commands == [(0x10, 0xFF), (0x11, 0xFF)]


def test_noise_before_an_answer_is_skipped(
    simulator: SamSimulator, reader: SamSerialReader, caplog: pytest.LogCaptureFixture
) -> None:
    simulator.place(DEMO_CARDS[0])
    simulator.send_garbage_first(b"\x00\xff\xaa\xaa\x13" + bytes.fromhex("AAAAAA9669"))
    with caplog.at_level("WARNING"):
        assert reader.find_card() is True
    assert "skipped" in caplog.text


@pytest.mark.parametrize("sw3", sorted(STATUS))
def test_every_status_of_the_reference_is_typed_with_both_messages(
    simulator: SamSimulator, reader: SamSerialReader, sw3: int
) -> None:
    simulator.place(DEMO_CARDS[0])
    simulator.fail_next(0x30, sw3)
    with pytest.raises(SamStatusError) as failed:
        reader.read_card()  # the read (0x30 01) gets the status
    assert failed.value.status == sw3
    assert f"SW3 0x{sw3:02X} {STATUS[sw3][0]}" in failed.value.technician_message
    assert failed.value.resident_message == STATUS[sw3][1]
    assert isinstance(failed.value, SamFaultError) == (
        STATUS[sw3][1] == "读卡器故障，请联系工作人员"
    )
