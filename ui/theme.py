"""Design tokens → one QSS style sheet. Elder mode swaps the tokens, never the widgets.

Sizes are physical (points for type, millimetres for space and touch targets) and become pixels
through the configured screen DPI, so a button is 18 mm wide on a 96-dpi kiosk and on a 160-dpi
one alike. Widgets choose their look with `role` properties (`QPushButton[role="primary"]`);
no widget sets a style sheet of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72.0


@dataclass(frozen=True, slots=True)
class Tokens:
    name: str
    background: str
    surface: str
    header: str
    header_text: str
    text: str
    text_muted: str
    primary: str
    primary_pressed: str
    primary_text: str
    secondary: str
    secondary_text: str
    accent: str  # the red of official seals and badges
    disabled_text: str  # a service this kiosk cannot offer now: its title …
    unavailable: str  # … and the reason why, in red that reads on the background
    border: str
    overlay: str
    body_pt: float
    lead_pt: float
    small_pt: float
    button_pt: float
    title_pt: float
    display_pt: float
    clock_pt: float
    spacing_mm: float
    radius_mm: float
    touch_mm: float
    table_rows: int  # rows of a records page: what fits the screen without scrolling


NORMAL = Tokens(
    name="normal",
    background="#F3F6FA",
    surface="#FFFFFF",
    header="#1B4F9C",
    header_text="#FFFFFF",
    text="#1A1F2B",
    text_muted="#4A5468",
    primary="#1B5FC1",
    primary_pressed="#123F80",
    primary_text="#FFFFFF",
    secondary="#E3EAF5",
    secondary_text="#123F80",
    accent="#C8102E",
    disabled_text="#6B7487",  # 4.7:1 on the page background
    unavailable="#A3122A",  # 7:1
    border="#C5CEDC",
    overlay="rgba(10, 20, 40, 170)",
    body_pt=16,
    lead_pt=22,
    small_pt=13,
    button_pt=20,
    title_pt=26,
    display_pt=40,
    clock_pt=34,
    spacing_mm=5,
    radius_mm=2.5,
    touch_mm=18,
    table_rows=13,
)

# 长辈模式: bigger type, bigger targets, light text on black for the highest contrast
# (white on #000 is 21:1; yellow on #000 is 19.6:1).
ELDER = replace(
    NORMAL,
    name="elder",
    background="#000000",
    surface="#141414",
    header="#000000",
    header_text="#FFFF00",
    text="#FFFFFF",
    text_muted="#FFFF00",
    primary="#FFD600",
    primary_pressed="#C9A800",
    primary_text="#000000",
    secondary="#262626",
    secondary_text="#FFFFFF",
    border="#FFFFFF",
    disabled_text="#B0B0B0",  # 9.6:1 on black
    unavailable="#FF8A80",  # 9.7:1
    overlay="rgba(0, 0, 0, 215)",
    body_pt=26,
    lead_pt=30,
    small_pt=22,
    button_pt=28,
    title_pt=34,
    display_pt=48,
    clock_pt=40,
    spacing_mm=6,
    touch_mm=24,
    table_rows=8,
)


def px_from_mm(mm: float, dpi: float) -> int:
    return round(mm * dpi / MM_PER_INCH)


def px_from_pt(pt: float, dpi: float) -> int:
    return round(pt * dpi / POINTS_PER_INCH)


def tokens_for(elder_mode: bool, min_touch_mm: float) -> Tokens:
    """The tokens in force; the configured minimum touch size only ever makes targets larger."""
    tokens = ELDER if elder_mode else NORMAL
    return replace(tokens, touch_mm=max(tokens.touch_mm, min_touch_mm))


def stylesheet(t: Tokens, dpi: float, font_family: str) -> str:
    """The application-wide QSS for these tokens."""

    def pt(size: float) -> str:
        return f"{px_from_pt(size, dpi)}px"

    def mm(size: float) -> str:
        return f"{px_from_mm(size, dpi)}px"

    touch = mm(t.touch_mm)
    return f"""
* {{ font-family: "{font_family}"; font-size: {pt(t.body_pt)}; color: {t.text}; }}
QWidget#KioskWindow, QStackedWidget, QWidget[role="screen"] {{ background: {t.background}; }}
QWidget[role="header"] {{ background: {t.header}; }}
QWidget[role="header"] QLabel {{ color: {t.header_text}; }}
QLabel[role="site"] {{ font-size: {pt(t.title_pt)}; font-weight: bold; }}
QLabel[role="clock"] {{ font-size: {pt(t.clock_pt)}; font-weight: bold; }}
QLabel[role="date"] {{ font-size: {pt(t.small_pt)}; }}
QLabel[role="display"] {{ font-size: {pt(t.display_pt)}; font-weight: bold; color: {t.text}; }}
QLabel[role="title"] {{ font-size: {pt(t.title_pt)}; font-weight: bold; color: {t.text}; }}
QLabel[role="lead"] {{ font-size: {pt(t.lead_pt)}; color: {t.text_muted}; }}
QLabel[role="muted"] {{ font-size: {pt(t.body_pt)}; color: {t.text_muted}; }}
QLabel[role="small"] {{ font-size: {pt(t.small_pt)}; color: {t.text_muted}; }}
QLabel[role="badge"] {{
    background: {t.accent}; color: #FFFFFF; font-size: {pt(t.small_pt)}; font-weight: bold;
    border-radius: {mm(t.radius_mm)}; padding: {mm(1)} {mm(3)};
}}
QPushButton {{
    min-height: {touch}; min-width: {mm(t.touch_mm * 3)}; font-size: {pt(t.button_pt)};
    border-radius: {mm(t.radius_mm)}; padding: {mm(2)} {mm(6)};
    background: {t.secondary}; color: {t.secondary_text}; border: 2px solid {t.border};
}}
QPushButton:pressed {{ background: {t.border}; }}
QPushButton[role="primary"] {{
    background: {t.primary}; color: {t.primary_text}; border: 2px solid {t.primary};
    font-weight: bold;
}}
QPushButton[role="primary"]:pressed {{ background: {t.primary_pressed}; }}
QPushButton:disabled, QPushButton[role="primary"]:disabled {{
    background: {t.background}; color: {t.disabled_text}; border: 2px dashed {t.border};
    font-weight: normal;
}}
QPushButton[role="key"] {{
    min-width: {mm(t.touch_mm * 1.5)}; font-size: {pt(t.title_pt)}; font-weight: bold;
    background: {t.surface}; color: {t.text};
}}
QPushButton[role="key"]:disabled {{ background: {t.background}; color: {t.disabled_text}; }}
QLabel[role="entry"] {{
    font-size: {pt(t.display_pt)}; font-weight: bold; color: {t.text}; background: {t.surface};
    border: 2px solid {t.border}; border-radius: {mm(t.radius_mm)}; padding: {mm(3)} {mm(4)};
}}
QLabel[role="preview"] {{ color: {t.text_muted}; font-size: {pt(t.lead_pt)}; }}
QLabel[role="warning"] {{ font-size: {pt(t.lead_pt)}; font-weight: bold; color: {t.unavailable}; }}
QPushButton[role="rate"] {{ min-width: {touch}; padding: {mm(2)} {mm(2)}; }}
QPushButton[role="tag"]:checked {{
    background: {t.primary}; color: {t.primary_text}; border: 2px solid {t.primary};
    font-weight: bold;
}}
QPushButton[role="tile"] {{
    background: {t.surface}; color: {t.text}; border: 2px solid {t.border};
    text-align: left; padding: {mm(4)} {mm(5)};
}}
QPushButton[role="tile"]:disabled {{
    background: {t.background}; color: {t.disabled_text}; border: 2px dashed {t.border};
}}
QPushButton[role="tile"] QLabel[role="title"]:disabled {{ color: {t.disabled_text}; }}
QPushButton[role="tile"] QLabel[role="muted"]:disabled {{ color: {t.unavailable}; }}
QPushButton[role="dev"] {{
    min-height: {mm(12)}; font-size: {pt(t.small_pt)}; padding: {mm(1)} {mm(2)};
}}
QWidget[role="strip"] {{ background: {t.surface}; border-top: 2px solid {t.border}; }}
QWidget[role="strip"] QLabel {{ font-size: {pt(t.body_pt)}; color: {t.text}; }}
QWidget[role="card"] {{
    background: {t.surface}; border: 2px solid {t.border}; border-radius: {mm(t.radius_mm * 2)};
}}
QWidget[role="overlay"] {{ background: {t.overlay}; }}
QLabel[role="notice"] {{
    background: {t.surface}; color: {t.text}; font-size: {pt(t.lead_pt)};
    border: 2px solid {t.accent}; border-radius: {mm(t.radius_mm)}; padding: {mm(3)} {mm(4)};
}}
QTableWidget[role="records"] {{
    background: {t.surface}; border: 2px solid {t.border}; gridline-color: {t.border};
    font-size: {pt(t.lead_pt)}; color: {t.text};
}}
QTableWidget[role="records"]::item {{ padding: 0 {mm(4)}; }}
QTableWidget[role="records"] QHeaderView::section {{
    background: {t.secondary}; color: {t.secondary_text}; font-size: {pt(t.lead_pt)};
    font-weight: bold; padding: {mm(2)} {mm(4)}; border: none;
    border-bottom: 2px solid {t.border};
}}
QWidget[role="devpanel"] {{
    background: rgba(255, 255, 255, 235); border: 2px dashed {t.accent};
    border-radius: {mm(t.radius_mm)};
}}
QWidget[role="devpanel"] QLabel {{ color: #1A1F2B; font-size: {pt(t.small_pt)}; }}
"""
