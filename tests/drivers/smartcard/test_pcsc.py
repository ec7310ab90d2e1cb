"""The pyscard driver against a real pcscd, vpcd and the virtual social security card."""

from __future__ import annotations

import datetime as dt
import os
import queue
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.smartcard.base import (
    CardRemovedError,
    NoCardError,
    NoReaderError,
    NotSocialSecurityCardError,
)
from drivers.smartcard.monitor import SmartCardWatcher
from drivers.smartcard.pcsc import connect, list_readers
from drivers.smartcard.social_security import SELECT_APPLICATION, SocialSecurityCardReader
from drivers.smartcard.status import SecurityStatusError
from drivers.smartcard.virtual_card import ATR
from tests.rigs.pcsc import PROJECT_ROOT, PcscRig

EVENT_TIMEOUT_S = 5.0


def test_pcscd_lists_the_two_slots_of_one_vpcd_entry(pcsc: PcscRig) -> None:
    assert list(pcsc.readers) == [r for r in list_readers() if r.startswith("Virtual PCD")]


def test_the_demo_card_of_zhang_wei_reads_through_real_pcscd(pcsc: PcscRig) -> None:
    pcsc.insert()
    with connect() as connection:
        assert connection.reader_name == pcsc.readers[0]
        assert connection.atr == ATR
        card = SocialSecurityCardReader(connection).read()
    assert (card.card_number, card.social_security_number, card.name) == (
        "A12345678",
        "511321198506120030",
        "张伟",
    )
    assert (card.gender, card.birth_date, card.card_version, card.valid_to) == (
        "男",
        dt.date(1985, 6, 12),
        "3.00",
        dt.date(2035, 12, 31),
    )
    assert "511321" not in repr(card)


def test_a_card_in_the_second_slot_is_found_and_other_fields_come_from_arguments(
    pcsc: PcscRig,
) -> None:
    pcsc.insert("--name", "李秀英", "--ssn", "511321194602030029", "--gender", "2", slot=1)
    with connect(pcsc.readers[1]) as connection:
        card = SocialSecurityCardReader(connection).read()
    assert (card.name, card.social_security_number, card.gender) == (
        "李秀英",
        "511321194602030029",
        "女",
    )


def test_61xx_is_fetched_with_get_response_and_6cxx_is_resent_with_the_right_le(
    pcsc: PcscRig,
) -> None:
    card = pcsc.insert("--t0")
    with connect(pcsc.readers[0]) as connection:
        fci, sw = connection.transmit(SELECT_APPLICATION)
        assert sw == 0x9000 and fci.startswith(b"\x6f\x11\x84\x0f")
        record, sw = connection.transmit(bytes.fromhex("00b2072c00"))  # Le 00: wrong
    assert (record, sw) == (bytes([0x07, 9]) + b"A12345678", 0x9000)
    assert [sw for _, sw in card.apdus()] == ["6113", "9000", "6c0b", "9000"]
    assert card.apdus()[1][0] == "00c0000013" and card.apdus()[3][0] == "00b2072c0b"


def test_insert_and_remove_are_seen_by_the_watcher(pcsc: PcscRig) -> None:
    events: queue.Queue[tuple[str, str]] = queue.Queue()
    with SmartCardWatcher(
        on_reader_added=lambda reader: events.put(("reader+", reader)),
        on_card_inserted=lambda reader, atr: events.put(("card+", reader)),
        on_card_removed=lambda reader, atr: events.put(("card-", reader)),
        reader_poll_interval_s=0.1,
    ):
        seen = {events.get(timeout=EVENT_TIMEOUT_S) for _ in pcsc.readers}
        assert seen == {("reader+", reader) for reader in pcsc.readers}
        card = pcsc.insert()
        assert events.get(timeout=EVENT_TIMEOUT_S) == ("card+", pcsc.readers[0])
        pcsc.remove(card)
        assert events.get(timeout=EVENT_TIMEOUT_S) == ("card-", pcsc.readers[0])
    assert events.empty()


def test_a_card_already_in_the_reader_is_reported_when_watching_starts(pcsc: PcscRig) -> None:
    pcsc.insert(slot=1)
    inserted: queue.Queue[tuple[str, bytes]] = queue.Queue()
    with SmartCardWatcher(on_card_inserted=lambda reader, atr: inserted.put((reader, atr))):
        assert inserted.get(timeout=EVENT_TIMEOUT_S) == (pcsc.readers[1], ATR)


def test_a_card_without_the_application_is_not_a_social_security_card(pcsc: PcscRig) -> None:
    card = pcsc.insert("--no-application")
    with connect() as connection, pytest.raises(NotSocialSecurityCardError) as refused:
        SocialSecurityCardReader(connection).read()
    assert refused.value.resident_message == "这不是社会保障卡，请插入社会保障卡"
    assert card.apdus() == [(SELECT_APPLICATION.hex(), "6a82")]


def test_a_card_that_demands_a_sam_is_refused_at_once_and_never_retried(pcsc: PcscRig) -> None:
    card = pcsc.insert("--require-sam")
    with connect() as connection, pytest.raises(SecurityStatusError) as refused:
        SocialSecurityCardReader(connection).read()
    assert refused.value.sw == 0x6982
    assert refused.value.resident_message == "此证件暂时无法在本机办理，请到村便民服务站窗口办理"
    answered = [sw for _, sw in card.apdus()]
    assert answered.count("6982") == 1 and answered[-1] == "6982"


def test_a_card_pulled_out_during_a_session_raises_card_removed(pcsc: PcscRig) -> None:
    card = pcsc.insert()
    with connect() as connection:
        pcsc.remove(card)
        with pytest.raises(CardRemovedError):
            SocialSecurityCardReader(connection).read()


def test_an_empty_reader_a_missing_reader_and_a_late_card_are_typed_errors(
    pcsc: PcscRig,
) -> None:
    with pytest.raises(NoCardError):
        connect()
    with pytest.raises(NoReaderError):
        connect("Reader that is not plugged 00 00")
    with pytest.raises(NoCardError):
        connect(pcsc.readers[0], timeout_s=0.3)


def test_waiting_for_a_card_connects_when_it_arrives(pcsc: PcscRig) -> None:
    pcsc.insert(slot=1)
    with connect(timeout_s=EVENT_TIMEOUT_S) as connection:
        assert connection.reader_name == pcsc.readers[1]


def test_pcscd_not_running_is_a_typed_error(tmp_path: Path) -> None:
    # libpcsclite reads the socket name once per process: ask in a fresh one.
    probe = (
        "from drivers.smartcard.base import PcscUnavailableError\n"
        "from drivers.smartcard.pcsc import connect\n"
        "try:\n    connect()\n"
        "except PcscUnavailableError as e:\n    print('PcscUnavailableError', e.resident_message)\n"
    )
    environ = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.comm")}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    assert done.stdout.strip() == "PcscUnavailableError 读卡器故障，请联系工作人员"
