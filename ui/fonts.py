"""The Chinese font, found through fontconfig (Qt's font database on Linux); never vendored."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

# Outline CJK families Debian ships, in order of preference for a touchscreen.
PREFERRED_FAMILIES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)


class FontMissingError(RuntimeError):
    """No scalable font covers Simplified Chinese: the screens would show tofu boxes."""


def chinese_font_family() -> str:
    """The family to use for all text; call after the QApplication exists.

    Raises `FontMissingError` with the package that fixes it.
    """
    available = [
        family
        for family in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
        if QFontDatabase.isSmoothlyScalable(family)
    ]
    for family in PREFERRED_FAMILIES:
        if family in available:
            return family
    if available:
        return available[0]
    raise FontMissingError(
        "no scalable font for Simplified Chinese found through fontconfig; "
        "install one, e.g. `apt-get install fonts-wqy-microhei`"
    )
