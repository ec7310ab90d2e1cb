"""Measure a screen as it is drawn against the rules the looks promise: no text clipped or
elided and every text's contrast on its background, taken from the pixels (both looks), and in
elder mode touch targets of at least 24 mm, 6 mm apart, and at most six choices on a screen
(适老化). The tour measures every screen it photographs and writes the
findings beside the PNGs (`layout.json`); tests/ui/test_elder_rules.py reads them.

What counts as a choice: an enabled, visible button of the screen (or of the question laid over
it), a keypad counting once, since it is one entry. The header's voice buttons are on every
screen, the same and in the same place; they are measured for size and spacing, but not counted
among a screen's choices.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from ui.theme import contrast_ratio, px_from_mm


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisibleTo(top) and widget.width() > 0 and widget.height() > 0


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, (QLabel, QAbstractButton)) else ""
    return f"{type(widget).__name__}({text[:30]!r})"


def _rect(widget: QWidget, top: QWidget) -> QRect:
    return QRect(widget.mapTo(top, widget.rect().topLeft()), widget.size())


def clipped(part: QWidget) -> bool:
    """True when the widget's text needs more room than it has."""
    if isinstance(part, QLabel):
        if not part.text() or (part.pixmap() is not None and not part.pixmap().isNull()):
            return False
        if part.wordWrap():
            return part.heightForWidth(part.width()) > part.height() + 1
        return part.minimumSizeHint().width() > part.width() + 1
    if isinstance(part, QAbstractButton) and part.text():
        return part.sizeHint().width() > part.width() + 1
    return False


def measure(screen: QWidget, chrome: list[QWidget], top: QWidget, dpi: float) -> dict[str, Any]:
    """The findings for `screen` (a page or an overlay) and the `chrome` around it, in `top`."""
    parts = [screen, *chrome]
    buttons = [
        b
        for part in parts
        for b in [part, *part.findChildren(QAbstractButton)]
        if isinstance(b, QAbstractButton) and _shown(b, top)
    ]
    labels = [label for part in parts for label in part.findChildren(QLabel) if _shown(label, top)]
    own = [b for b in buttons if b is screen or screen.isAncestorOf(b)]
    keys = [b for b in own if b.property("role") == "key"]
    choices = [
        b
        for b in own
        if b.isEnabled()
        and b.property("role") != "key"
        and not b.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    ]
    target_px = px_from_mm(24, dpi)
    gap_px = px_from_mm(6, dpi)
    small = [
        f"{_name(b)} {b.width()}x{b.height()} px"
        for b in buttons
        if min(b.width(), b.height()) < target_px - 1
    ]
    tight = []
    for a, b in combinations(buttons, 2):
        ra, rb = _rect(a, top), _rect(b, top)
        if ra.intersects(rb):
            continue  # one inside the other (a tile's label): not neighbours
        overlap_y = min(ra.bottom(), rb.bottom()) - max(ra.top(), rb.top())
        overlap_x = min(ra.right(), rb.right()) - max(ra.left(), rb.left())
        if overlap_y > 0:
            gap = max(ra.left(), rb.left()) - min(ra.right(), rb.right()) - 1
        elif overlap_x > 0:
            gap = max(ra.top(), rb.top()) - min(ra.bottom(), rb.bottom()) - 1
        else:
            continue
        if gap < gap_px - 1:
            tight.append(f"{_name(a)} and {_name(b)}: {gap} px")
    bounds = top.rect()
    return {
        # Cut off at the screen's edge (the window is the screen: it never grows), or given
        # less room than it needs: a page too tall for the screen in this look.
        "off_screen": [
            _name(part) for part in [*labels, *buttons] if not bounds.contains(_rect(part, top))
        ],
        "squeezed": [
            f"{_name(part)} {part.height()} px for {part.minimumSizeHint().height()}"
            for part in [screen, *chrome]
            if _shown(part, top) and part.minimumSizeHint().height() > part.height() + 1
        ],
        "choices": len(choices) + (1 if any(k.isEnabled() for k in keys) else 0),
        "choice_names": [_name(b) for b in choices],
        "small_targets": small,
        "tight_gaps": tight,
        "clipped": [_name(part) for part in [*labels, *buttons] if clipped(part)],
        "contrast": {
            _name(part): round(ratio, 2)
            for part in labels
            if _has_text(part) and (ratio := text_contrast(part, top)) is not None
        },
        "smallest_text_px": min(
            (part.fontInfo().pixelSize() for part in [*labels, *buttons] if _has_text(part)),
            default=0,
        ),
    }


def text_contrast(part: QWidget, top: QWidget) -> float | None:
    """The contrast of the text as drawn: the most common colour of the widget's pixels is
    its background; the text is the colour, among those that cover a few per cent of the
    rest, farthest from it. None for a widget with too little text to tell."""
    image = top.grab(_rect(part, top)).toImage()  # with what lies behind the widget
    counts: Counter[int] = Counter(
        image.pixel(x, y) & 0xFFFFFF
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
    )
    if len(counts) < 2:
        return None
    (background, _), *rest = counts.most_common()
    others = sum(n for _, n in rest)
    solid = [colour for colour, n in rest if n >= 0.03 * others]
    if not solid:
        return None
    return max(contrast_ratio(_hex(colour), _hex(background)) for colour in solid)


def _hex(rgb: int) -> str:
    return f"#{rgb:06X}"


def _has_text(part: QWidget) -> bool:
    return isinstance(part, (QLabel, QAbstractButton)) and bool(part.text())
