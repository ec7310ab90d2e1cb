from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.idcard.id_number import check_character
from kiosk import logs
from kiosk.privacy import mask_for_log

ID_18 = "51132119850612003" + check_character("51132119850612003")
ID_18_X = "11010519491231002X"
ID_15 = "511321850612003"
NOT_AN_ID = "20261125224501123456"  # 20-digit serial: stays readable


def test_every_handler_masks_id_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log_file = logs.configure("DEBUG", tmp_path, max_bytes=1_000_000, backups=2)
    log = logging.getLogger("kiosk.test")
    log.info("card read: %s for %s", ID_18, "张伟")
    log.warning(f"身份证{ID_18_X}，旧证 id={ID_15}; serial {NOT_AN_ID}")
    try:
        raise ValueError(f"bad id {ID_18}")
    except ValueError:
        log.exception("lookup failed for %s", ID_15)
    logging.getLogger("urllib3.somewhere").error("url /v1/residents/%s", ID_18_X)
    for handler in logging.getLogger().handlers:
        handler.flush()

    stderr = capsys.readouterr().err
    on_file = log_file.read_text(encoding="utf-8")
    for output in (stderr, on_file):
        for secret in (ID_18, ID_18_X, ID_15, ID_18[:17]):
            assert secret not in output
        assert output.count(logs.mask_for_log(ID_18)) >= 5
        assert NOT_AN_ID in output
        assert "ValueError: bad id [ID]" in output
        assert "张伟" in output


def test_the_file_rotates_by_size(tmp_path: Path) -> None:
    log_file = logs.configure("INFO", tmp_path, max_bytes=65_536, backups=2)
    for n in range(2000):
        logging.getLogger("kiosk.test").info("line %d %s", n, "x" * 60)
    assert log_file.stat().st_size <= 65_536
    assert (log_file.parent / "kiosk.log.1").exists()
    assert not (log_file.parent / "kiosk.log.3").exists()


def test_under_journald_each_line_carries_its_priority(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JOURNAL_STREAM", "8:1234")
    logs.configure("INFO", tmp_path, max_bytes=1_000_000, backups=1)
    logging.getLogger("kiosk.test").error("printer out of paper")
    assert "<3>ERROR kiosk.test: printer out of paper" in capsys.readouterr().err


def test_configure_again_replaces_the_handlers(tmp_path: Path) -> None:
    logs.configure("INFO", tmp_path, max_bytes=100_000, backups=1)
    logs.configure("INFO", tmp_path, max_bytes=100_000, backups=1)
    names = [h.get_name() for h in logging.getLogger().handlers]
    assert sorted(n for n in names if n and n.startswith("kiosk-")) == [
        "kiosk-file",
        "kiosk-stderr",
    ]


@given(
    first17=st.text(alphabet="0123456789", min_size=17, max_size=17),
    before=st.text(alphabet="身份证号：id= ,;(", max_size=5),
    after=st.text(alphabet="，。 )&abc", max_size=5),
)
def test_any_valid_id_number_in_any_text_is_masked(first17: str, before: str, after: str) -> None:
    number = first17 + check_character(first17)
    masked = mask_for_log(f"{before}{number}{after}")
    assert number not in masked
    assert not re.search(r"\d{10}", masked)
