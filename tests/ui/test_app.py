"""The `kiosk` command as a technician or a reviewer starts it: a real process each time."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.ui.helpers import distinct_colours
from ui.app import main

TOUR_SCREENS = [
    "attract",
    "service-preview",
    "identifying",
    "elder-offer",  # the standard look only: elder mode offered to a resident of 60 or more
    "menu",
    "menu-group",  # the elder look only: a group of services, four at a time
    "help",  # the elder look only (the standard look's menu has 找人帮忙 too)
    "help-sent",
    "timeout-warning",
    "card-swap",
    "records-page1",
    "records-page2",
    "records-printed",
    "apply-needs",
    "apply-form",
    "apply-address",
    "apply-capture",
    "apply-review",
    "apply-submitted",
    "progress",
    "progress-detail",
    "certificate-confirm",
    "certificate-printing",
    "certificate-failed",
    "done",
    "done-more",  # the elder look only: 打印回执 and 办理其他业务 behind 更多
    "rating-reasons",
    "thanks",
    "error",
    "sms-id-invalid",
    "sms-code",
    "sms-code-wrong",
]


def run_kiosk(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "KIOSK_STATE_DIR": str(tmp_path / "state"), **env}
    return subprocess.run(
        [sys.executable, "-m", "ui.app", *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=environ,
    )


ONLY_IN = {
    "elder-offer": "normal",
    "menu-group": "elder",
    "help": "elder",
    "help-sent": "elder",
    "done-more": "elder",
}


def test_the_tour_writes_one_png_per_screen_in_both_looks_and_languages(tour: Path) -> None:
    shots = tour
    names = sorted(p.name for p in shots.glob("*.png"))
    expected = [
        f"{screen}.{mode}.{language}"
        for mode in ("normal", "elder")
        for language in ("zh", "en")
        for screen in TOUR_SCREENS
        if ONLY_IN.get(screen, mode) == mode
    ]
    expected += [
        f"{screen}.normal.{language}"
        for language in ("zh", "en")
        for screen in ("diagnostics-pin", "diagnostics", "diagnostics-system", "diagnostics-log")
    ]
    expected += ["attract-timed-out.normal.zh", "crash.normal.zh"]
    assert [n.split("-", 1)[1][:-4] for n in names] == expected
    for path in shots.glob("*.png"):
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1920, 1080)
        assert distinct_colours(image) > 8, f"{path.name} looks blank"


def test_without_a_display_it_says_what_to_do(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    done = subprocess.run(
        [sys.executable, "-m", "ui.app", "--demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert done.returncode == 2
    assert "kiosk: no display" in done.stderr and "Xvfb" in done.stderr


def test_a_bad_config_is_one_clear_line(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[session]\nidle_timeout_s = "soon"\n', encoding="utf-8")
    done = run_kiosk(["--config", str(config)], tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "kiosk: config: session.idle_timeout_s must be an integer, got 'soon'"
    ]


def test_a_missing_chinese_font_is_a_clear_start_up_error(tmp_path: Path) -> None:
    fonts_conf = tmp_path / "fonts.conf"
    (tmp_path / "fonts").mkdir()
    fonts_conf.write_text(
        f"<?xml version='1.0'?><fontconfig><dir>{tmp_path / 'fonts'}</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    done = run_kiosk(["--demo", "--windowed"], tmp_path, FONTCONFIG_FILE=str(fonts_conf))
    assert done.returncode == 3, done.stderr
    assert "no scalable font for Simplified Chinese" in done.stderr
    assert "fonts-wqy-microhei" in done.stderr


@pytest.mark.parametrize("command", ["kiosk", "kiosk-diag", "kiosk-central"])
def test_every_console_script_prints_help(command: str) -> None:
    script = Path(sys.executable).with_name(command)
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout


# Run `kiosk` in a process that reports, at the attract screen's first paint, every module
# loaded so far; then it goes on until the journey is attached and quits (--bench-first-paint).
MODULES_AT_FIRST_PAINT = """
import gc
import sys
import ui.startup

class Report(ui.startup.FirstPaintProbe):
    def painted(self):
        import PySide6.QtCore

        print("modules", " ".join(sorted(sys.modules)), flush=True)
        print("qt-namespace-built", "Qt" in vars(PySide6.QtCore), flush=True)
        print("collector-at-first-paint", gc.isenabled(), flush=True)
        super().painted()

    def attached(self):
        print("collector-at-attach", gc.isenabled(), gc.get_freeze_count(), flush=True)
        super().attached()

ui.startup.FirstPaintProbe = Report
import ui.app
sys.exit(ui.app.main(["--demo", "--windowed", "--bench-first-paint"]))
"""


def test_the_first_frame_waits_for_neither_the_core_nor_the_other_screens(
    tmp_path: Path,
) -> None:
    environ = {**os.environ, "KIOSK_STATE_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", MODULES_AT_FIRST_PAINT],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
    )
    assert done.returncode == 0, done.stderr
    lines = {line.split(" ", 1)[0]: line for line in done.stdout.splitlines()}
    assert {"modules", "first-paint", "attached"} <= set(lines), done.stdout + done.stderr
    loaded = set(lines["modules"].split()[1:])
    assert "ui.screens.attract" in loaded
    after = {"kiosk.app", "kiosk.session", "ui.journey", "ui.bridge", "requests", "pydantic"}
    after |= {f"ui.screens.{name}" for name in ("records", "certificate", "sign_in", "services")}
    after |= {"socket", "ui.page_image"}  # systemd's socket is opened once the frame is shown
    assert loaded & after == set()
    # PySide builds the `Qt` namespace's 93 enums at its first import (~18 ms): not before the
    # first frame (ui/qt_values.py).
    assert lines["qt-namespace-built"].split()[1] == "False"
    assert float(lines["attached"].split()[1]) > float(lines["first-paint"].split()[1])
    # The cyclic garbage collector sits start-up out, then comes back with start-up's
    # objects frozen out of its way.
    assert lines["collector-at-first-paint"].split()[1] == "False"
    _, enabled, frozen = lines["collector-at-attach"].split()
    assert enabled == "True" and int(frozen) > 10_000


def test_the_garbage_collector_is_back_on_however_start_up_ends(tmp_path: Path) -> None:
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--no-such-option"])
    assert gc.isenabled()
    assert main(["--config", str(tmp_path / "missing.toml")]) == 2
    assert gc.isenabled()
