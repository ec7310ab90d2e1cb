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
    secondary_pressed: str  # a button under the finger
    accent: str  # the red of official seals and badges
    accent_text: str  # text on the accent (the demo badge)
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
    gap_mm: float  # the least space between two touch targets
    button_width_mm: float  # the narrowest a text button may be
    button_padding_mm: float  # left and right of a button's text
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
    secondary_pressed="#C5CEDC",
    accent="#C8102E",
    accent_text="#FFFFFF",
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
    gap_mm=4,
    button_width_mm=54,
    button_padding_mm=6,
    table_rows=13,
)

# 长辈模式: bigger type, bigger targets, light text on black for the highest contrast
# (white on #000 is 21:1; yellow on #000 is 19.6:1). The rules it meets (适老化: body text at
# least 1.6 times the standard look's and 36 px at 96 dpi, headings 1.3 times, every text on its
# background 7:1 or more, targets 24 mm apart by 6 mm) are checked by tests/ui/test_elder_rules.py.
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
    secondary_pressed="#4D4D4D",  # 8.5:1 under white text (the border's white would be 1:1)
    border="#FFFFFF",
    accent="#FF8A80",  # the seal's red, light enough for black text on it: 9.7:1
    accent_text="#000000",
    disabled_text="#B0B0B0",  # 9.6:1 on black
    unavailable="#FF8A80",  # 9.7:1
    overlay="rgba(0, 0, 0, 215)",
    body_pt=28,
    lead_pt=30,
    small_pt=22,
    button_pt=28,
    title_pt=34,
    display_pt=52,
    clock_pt=45,
    spacing_mm=6,
    touch_mm=24,
    gap_mm=6,
    button_width_mm=44,
    button_padding_mm=3,
    table_rows=7,
)

HEADING_ROLES = ("display_pt", "title_pt", "lead_pt", "clock_pt")


def text_pairs(t: Tokens) -> dict[str, tuple[str, str]]:
    """Every text colour the style sheet puts on a background colour, by where it is used
    (the style sheet below takes its colours from these tokens and no others)."""
    return {
        "text on page": (t.text, t.background),
        "text on card": (t.text, t.surface),
        "muted on page": (t.text_muted, t.background),
        "muted on card": (t.text_muted, t.surface),
        "header": (t.header_text, t.header),
        "primary button": (t.primary_text, t.primary),
        "primary button pressed": (t.primary_text, t.primary_pressed),
        "secondary button": (t.secondary_text, t.secondary),
        "button pressed": (t.secondary_text, t.secondary_pressed),
        "table heading": (t.secondary_text, t.secondary),
        "badge": (t.accent_text, t.accent),
        "disabled on page": (t.disabled_text, t.background),
        "unavailable on page": (t.unavailable, t.background),
        "unavailable on card": (t.unavailable, t.surface),
    }


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


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
QWidget[role="header"] QLabel[role="badge"] {{ color: {t.accent_text}; }}
QLabel[role="site"] {{ font-size: {pt(t.title_pt)}; font-weight: bold; }}
QLabel[role="clock"] {{ font-size: {pt(t.clock_pt)}; font-weight: bold; }}
QLabel[role="date"] {{ font-size: {pt(t.small_pt)}; }}
QLabel[role="display"] {{ font-size: {pt(t.display_pt)}; font-weight: bold; color: {t.text}; }}
QLabel[role="title"] {{ font-size: {pt(t.title_pt)}; font-weight: bold; color: {t.text}; }}
QLabel[role="lead"] {{ font-size: {pt(t.lead_pt)}; color: {t.text_muted}; }}
QLabel[role="muted"] {{ font-size: {pt(t.body_pt)}; color: {t.text_muted}; }}
QLabel[role="small"] {{ font-size: {pt(t.small_pt)}; color: {t.text_muted}; }}
QLabel[role="badge"] {{
    background: {t.accent}; color: {t.accent_text}; font-size: {pt(t.small_pt)}; font-weight: bold;
    border-radius: {mm(t.radius_mm)}; padding: {mm(1)} {mm(3)};
}}
QPushButton {{
    min-height: {touch}; min-width: {mm(t.button_width_mm)}; font-size: {pt(t.button_pt)};
    border-radius: {mm(t.radius_mm)}; padding: {mm(2)} {mm(t.button_padding_mm)};
    background: {t.secondary}; color: {t.secondary_text}; border: 2px solid {t.border};
}}
QPushButton:pressed {{ background: {t.secondary_pressed}; }}
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
    padding: 0px {mm(2)};  /* the touch size is the key: no padding above it or below */
    background: {t.surface}; color: {t.text};
}}
QPushButton[role="key"]:disabled {{ background: {t.background}; color: {t.disabled_text}; }}
QLabel[role="entry"], QLineEdit[role="entry"] {{
    font-size: {pt(t.display_pt)}; font-weight: bold; color: {t.text}; background: {t.surface};
    border: 2px solid {t.border}; border-radius: {mm(t.radius_mm)}; padding: {mm(3)} {mm(4)};
}}
QLabel[role="thumbnail"] {{ border: 4px solid transparent; }}
QLabel[role="thumbnail"][selected="true"] {{ border: 4px solid {t.primary}; }}
QLabel[role="preview"] {{ color: {t.text_muted}; font-size: {pt(t.lead_pt)}; }}
QLabel[role="warning"] {{ font-size: {pt(t.lead_pt)}; font-weight: bold; color: {t.unavailable}; }}
QPushButton[role="voice"] {{
    min-width: {touch}; font-size: {pt(t.body_pt)}; padding: {mm(1)} {mm(3)};
}}
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
QWidget[role="strip"] QLabel[role="badge"] {{ color: {t.accent_text}; }}
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
QPlainTextEdit[role="log"] {{
    font-family: "DejaVu Sans Mono", "{font_family}"; font-size: {pt(t.small_pt)};
    background: {t.surface}; color: {t.text}; border: 2px solid {t.border};
}}
QWidget[role="devpanel"] {{
    background: rgba(255, 255, 255, 235); border: 2px dashed {t.accent};
    border-radius: {mm(t.radius_mm)};
}}
QWidget[role="devpanel"] QLabel {{ color: #1A1F2B; font-size: {pt(t.small_pt)}; }}
"""
