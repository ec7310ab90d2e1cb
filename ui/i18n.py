"""Translations: Chinese source strings in the code, English in assets/translations/kiosk_en.ts.

`python -m ui.i18n update` refreshes the .ts from the sources (pyside6-lupdate) and compiles the
.qm (pyside6-lrelease); `make translations` runs it. The test suite checks that both are current
and that no string lacks its English.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTranslator

import assets

if TYPE_CHECKING:
    from kiosk.api.texts import CentreTexts

SOURCE_LANGUAGE = "zh_CN"
RESIDENT_MESSAGES = "ResidentMessages"  # the context of messages from the core and drivers
LANGUAGES = ("zh_CN", "en")
_UI_DIR = Path(__file__).resolve().parent
_TS_NAME = "kiosk_{language}.ts"
_QM_NAME = "kiosk_{language}.qm"


def translations_dir() -> Path:
    return assets.ROOT / "translations"


class _Installed:
    """The application's translators; Qt's translators are per application, so is this."""

    translator: QTranslator | None = None
    # The centre's messages in English, as it sent them. Looked up here rather than through a
    # QTranslator subclass: Qt calls translators from its own threads too (Qt Quick's type
    # loader), and a translator written in Python would then wait for the GIL the GUI thread
    # holds while it waits for that loader: a deadlock.
    centre: CentreTexts | None = None
    language = SOURCE_LANGUAGE
    loaded: dict[str, QTranslator] = {}  # noqa: RUF012 - a per-process cache, on purpose


def use_centre_texts(texts: CentreTexts) -> None:
    """Show the centre's messages in English too, as it sent them, when English is chosen."""
    _Installed.centre = texts


def current_language() -> str:
    return _Installed.language


def use_language(language: str) -> None:
    """Switch every widget's language; they retranslate on the QEvent.LanguageChange Qt posts."""
    if language == _Installed.language:
        return
    app = QCoreApplication.instance()
    if _Installed.translator is not None:
        app.removeTranslator(_Installed.translator)
        _Installed.translator = None
    if language != SOURCE_LANGUAGE:
        translator = _Installed.loaded.get(language)
        if translator is None:
            translator = QTranslator(app)
            path = translations_dir() / _QM_NAME.format(language=language)
            if not translator.load(str(path)):
                raise FileNotFoundError(f"translation {path} is missing; run `make translations`")
            _Installed.loaded[language] = translator
        app.installTranslator(translator)
        _Installed.translator = translator
    _Installed.language = language


def resident_text(message: str) -> str:
    """A resident message from the core or a driver, in the current language.

    Those layers have no Qt; their messages are listed for lupdate in ui/resident_messages.py.
    The kiosk's own translation comes first; a message it does not know (the centre's own
    words for a refusal) is shown as the centre sent it in that language, if it did.
    """
    translated = QCoreApplication.translate(RESIDENT_MESSAGES, message)
    centre = _Installed.centre
    if translated == message and centre is not None and _Installed.language == "en":
        return centre.english(message) or message
    return translated


def _tool(name: str) -> str:
    """A Qt tool from the venv, also when the venv is not on PATH."""
    return shutil.which(name) or str(Path(sys.executable).with_name(name))


def update(ts_dir: Path) -> list[Path]:
    """Refresh every .ts in `ts_dir` from the ui sources and compile its .qm; returns the .ts."""
    import subprocess  # development only: kept off the kiosk's start-up path

    sources = sorted(str(p) for p in _UI_DIR.rglob("*.py"))
    written = []
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        ts = ts_dir / _TS_NAME.format(language=language)
        subprocess.run(
            [
                _tool("pyside6-lupdate"),
                *sources,
                "-no-obsolete",
                "-locations",
                "none",
                "-source-language",
                SOURCE_LANGUAGE,
                "-target-language",
                language,
                "-ts",
                str(ts),
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                _tool("pyside6-lrelease"),
                str(ts),
                "-qm",
                str(ts_dir / _QM_NAME.format(language=language)),
            ],
            check=True,
            capture_output=True,
        )
        written.append(ts)
    return written


if __name__ == "__main__":
    if sys.argv[1:] != ["update"]:
        sys.exit("usage: python -m ui.i18n update")
    for path in update(translations_dir()):
        unfinished = path.read_text(encoding="utf-8").count('type="unfinished"')
        print(f"{path}: {unfinished} string(s) still to translate")
