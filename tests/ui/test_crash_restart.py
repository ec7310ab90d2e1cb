"""In kiosk mode the crash screen gives way to a restart of the app, by itself."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

DRIVER = textwrap.dedent(
    """
    import os, signal, sys, threading, time
    from pathlib import Path

    marker = Path(os.environ["MARKER"])
    runs = marker.read_text().count("start") if marker.exists() else 0
    with marker.open("a") as out:
        out.write("start\\n")

    def fail():
        # Once the kiosk's crash handler is in (a loaded machine may take longer than a
        # fixed second to start): a failure before it is not the kiosk's crash.
        while threading.excepthook is threading.__excepthook__:
            time.sleep(0.05)
        time.sleep(0.5)
        raise RuntimeError("deliberate failure in a worker")

    if runs == 0:
        threading.Thread(target=fail, daemon=True).start()
    else:  # the restarted app: stop it as systemd would
        threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGTERM)).start()

    import ui.app
    sys.exit(ui.app.main(["--demo", "--config", os.environ["CONFIG"]]))
    """
)


def test_kiosk_mode_restarts_itself_after_the_crash_screen(tmp_path: Path) -> None:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text("[session]\ncrash_restart_s = 3\n", encoding="utf-8")
    marker = tmp_path / "runs"
    env = {
        **os.environ,
        "MARKER": str(marker),
        "CONFIG": str(config),
        "KIOSK_STATE_DIR": str(tmp_path / "state"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, str(driver)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert marker.read_text().count("start") == 2, done.stderr
    assert done.returncode == 0, "SIGTERM must stop the kiosk cleanly"
    log = (tmp_path / "state" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "unhandled exception, report" in log
    assert "restarting the kiosk app after a crash" in log
    # The restarted app stopped on SIGTERM (a thread may still log a line after this one).
    assert log.index("restarting the kiosk app after a crash") < log.rindex("kiosk stopping")
