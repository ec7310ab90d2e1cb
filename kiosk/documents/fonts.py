"""The CJK font for printed documents, found through fontconfig and registered once.

Never vendored (DESIGN.md): `fc-list :lang=zh` names the installed outline fonts; reportlab
embeds the glyphs it uses as a subset, so `pdftotext` gets the Chinese back.
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass

PREFERRED = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Droid Sans Fallback")
FONT_NAME = "KioskCJK"


class DocumentFontMissingError(RuntimeError):
    """No outline font for Chinese: a certificate would print as boxes."""


@dataclass(frozen=True, slots=True)
class FontFile:
    family: str
    path: str
    index: int


def find_cjk_font() -> FontFile:
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh:outline=true", "family", "file", "index"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise DocumentFontMissingError(f"fc-list failed: {error}") from error
    fonts = []
    for line in listing.splitlines():
        path, _, rest = line.partition(": ")
        family, _, index = rest.partition(":index=")
        if path.endswith((".ttf", ".ttc", ".otf")) and index.isdigit():
            fonts.append(FontFile(family.split(",")[0], path, int(index)))
    for wanted in PREFERRED:
        for font in fonts:
            if font.family == wanted:
                return font
    if fonts:
        return fonts[0]
    raise DocumentFontMissingError(
        "no outline font for Chinese found through fontconfig; "
        "install one, e.g. `apt-get install fonts-wqy-microhei`"
    )


@functools.cache
def register_cjk_font() -> str:
    """Register the font with reportlab once per process (the .ttc takes ~120 ms)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = find_cjk_font()
    pdfmetrics.registerFont(TTFont(FONT_NAME, font.path, subfontIndex=font.index))
    return FONT_NAME
