"""长辈模式 against the rules it promises (适老化), read from the theme's tokens and from every
screen of the tour as drawn, in both looks and both languages (ui/layout_rules.py measures
each screen as the tour photographs it)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import Config
from ui.theme import (
    ELDER,
    HEADING_ROLES,
    NORMAL,
    contrast_ratio,
    px_from_pt,
    stylesheet,
    text_pairs,
)

DPI = Config().screen.dpi


def test_elder_body_text_is_at_least_1_6_times_the_standard_and_36_px() -> None:
    assert ELDER.body_pt >= 1.6 * NORMAL.body_pt
    assert px_from_pt(ELDER.body_pt, DPI) >= 36


@pytest.mark.parametrize("role", [*HEADING_ROLES, "button_pt", "small_pt"])
def test_elder_headings_buttons_and_small_print_are_at_least_1_3_times_the_standard(
    role: str,
) -> None:
    assert getattr(ELDER, role) >= 1.3 * getattr(NORMAL, role)


@pytest.mark.parametrize("pair", sorted(text_pairs(ELDER)))
def test_every_elder_text_reads_at_7_to_1_on_its_background(pair: str) -> None:
    foreground, background = text_pairs(ELDER)[pair]
    assert contrast_ratio(foreground, background) >= 7.0


@pytest.mark.parametrize("pair", sorted(set(text_pairs(NORMAL)) - {"disabled on page"}))
def test_every_standard_text_reads_at_4_5_to_1(pair: str) -> None:
    foreground, background = text_pairs(NORMAL)[pair]
    assert contrast_ratio(foreground, background) >= 4.5


def test_the_contrast_is_computed_as_wcag_says() -> None:
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_the_elder_style_sheet_uses_no_colour_outside_the_checked_pairs() -> None:
    """A colour written into the style sheet itself would escape the contrast checks."""
    qss = stylesheet(ELDER, DPI, "WenQuanYi Micro Hei")
    qss = qss[: qss.index('QWidget[role="devpanel"]')]  # the demo panel: not for residents
    used = {c.upper() for c in re.findall(r"#[0-9A-Fa-f]{6}", qss)}
    checked = {c.upper() for pair in text_pairs(ELDER).values() for c in pair}
    assert used <= checked | {ELDER.border.upper()}


def test_elder_targets_and_gaps_are_physical_sizes() -> None:
    assert ELDER.touch_mm >= 24 and ELDER.gap_mm >= 6
    assert ELDER.button_width_mm >= ELDER.touch_mm


# --- every screen as drawn ---------------------------------------------------------------


@pytest.fixture(scope="module")
def layout(tour: Path) -> dict[str, Any]:
    findings: dict[str, Any] = json.loads((tour / "layout.json").read_text(encoding="utf-8"))
    assert len(findings) == len(list(tour.glob("*.png")))
    return findings


def elder_screens(layout: dict[str, Any]) -> dict[str, Any]:
    screens = {name: f for name, f in layout.items() if ".elder." in name}
    assert len(screens) >= 40  # both languages, every screen
    return screens


def test_no_text_is_clipped_on_any_screen_in_either_look_or_language(
    layout: dict[str, Any],
) -> None:
    clipped = {name: f["clipped"] for name, f in layout.items() if f["clipped"]}
    assert clipped == {}


def test_every_screen_fits_the_screen_in_either_look_or_language(layout: dict[str, Any]) -> None:
    """The window is the screen and never grows: a page taller than 1080 lines in the elder
    look would lose its bottom row of buttons."""
    off = {name: f["off_screen"] for name, f in layout.items() if f["off_screen"]}
    assert off == {}
    squeezed = {name: f["squeezed"] for name, f in layout.items() if f["squeezed"]}
    assert squeezed == {}


def test_no_elder_screen_offers_more_than_six_choices(layout: dict[str, Any]) -> None:
    crowded = {
        name: f["choice_names"] for name, f in elder_screens(layout).items() if f["choices"] > 6
    }
    assert crowded == {}
    assert max(f["choices"] for f in elder_screens(layout).values()) >= 5  # it counts


def test_every_elder_touch_target_is_24_mm_with_6_mm_between(layout: dict[str, Any]) -> None:
    screens = elder_screens(layout)
    assert {name: f["small_targets"] for name, f in screens.items() if f["small_targets"]} == {}
    assert {name: f["tight_gaps"] for name, f in screens.items() if f["tight_gaps"]} == {}


def test_elder_screens_draw_their_text_large(layout: dict[str, Any]) -> None:
    smallest = min(f["smallest_text_px"] for f in elder_screens(layout).values())
    assert smallest >= px_from_pt(ELDER.small_pt, DPI) - 1
    assert smallest > px_from_pt(NORMAL.body_pt, DPI)


def test_every_text_as_drawn_reads_at_7_to_1_in_elder_mode_and_4_5_in_the_standard(
    layout: dict[str, Any],
) -> None:
    """Measured on the pixels (ui/layout_rules.py: the widget's commonest colour against its
    text's), so a style rule that overrides another's colour cannot hide."""
    low = {}
    for name, findings in layout.items():
        least = 7.0 if ".elder." in name else 4.5
        low.update({f"{name} {label}": ratio for label, ratio in findings["contrast"].items()
                    if ratio < least})  # fmt: skip
    assert low == {}
    assert sum(len(f["contrast"]) for f in layout.values()) > 500  # it measured
