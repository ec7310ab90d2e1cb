from __future__ import annotations

import ast
import shutil
from pathlib import Path

from ui import i18n
from ui.resident_messages import RESIDENT_MESSAGES

REPO = Path(__file__).resolve().parents[2]


def test_the_committed_translations_are_current_and_complete(tmp_path: Path) -> None:
    committed = i18n.translations_dir()
    for path in committed.glob("kiosk_*.*"):
        shutil.copy(path, tmp_path / path.name)
    for ts in i18n.update(tmp_path):
        fresh = ts.read_text(encoding="utf-8")
        assert 'type="unfinished"' not in fresh, f"{ts.name}: untranslated strings"
        assert fresh == (committed / ts.name).read_text(encoding="utf-8"), (
            f"{ts.name} is out of date: run `make translations`"
        )
        qm = ts.with_suffix(".qm")
        assert qm.read_bytes() == (committed / qm.name).read_bytes()


def _resident_messages_in(package: str) -> set[str]:
    """Every `resident_message = "…"` class attribute in a Qt-free package."""
    found = set()
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "resident_message"
                and isinstance(node.value, ast.Constant)
            ):
                found.add(node.value.value)
    return found


def test_every_resident_message_of_the_core_and_drivers_is_translatable() -> None:
    messages = _resident_messages_in("drivers") | _resident_messages_in("kiosk")
    assert messages, "no resident messages found: the scan is broken"
    assert messages <= set(RESIDENT_MESSAGES)


def test_every_resident_message_of_a_table_is_translatable() -> None:
    from drivers.idcard.status import STATUS
    from kiosk.services.identification import CARD_UNUSABLE

    assert {resident for _, resident in STATUS.values()} | {CARD_UNUSABLE} <= set(RESIDENT_MESSAGES)


def test_every_message_of_applying_is_translatable() -> None:
    from kiosk.services import acceptance, applying

    messages = {
        value
        for module in (applying, acceptance)
        for name, value in vars(module).items()
        if name.isupper()
        and isinstance(value, str)
        and any("\u4e00" <= c <= "\u9fff" for c in value)
    }
    assert len(messages) >= 10, "the scan is broken"
    assert messages <= set(RESIDENT_MESSAGES)
