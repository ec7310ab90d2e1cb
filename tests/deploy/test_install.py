"""`deploy/install-kiosk.sh` run for real, twice, into a disk image (`--root`): the kiosk user
in the groups it needs, the state and settings with tight permissions, local settings kept on
the second run, the program with a venv naming the image's paths, the unit enabled and the
udev rules naming the SAM module and the receipt printer."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

DEPLOY = Path(__file__).parents[2] / "deploy"
INSTALL = DEPLOY / "install-kiosk.sh"
ACCOUNTS = ("passwd", "group", "shadow", "gshadow", "login.defs")
UDEV_PAIR = re.compile(r'^[A-Z]+(\{[a-zA-Z]+\})?(==|\+=|=)"[^"]*"$')


def install(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(INSTALL), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[float]]:
    """An image with this machine's accounts, installed into twice (with a local edit between);
    the two runs' seconds."""
    assert os.geteuid() == 0, "install-kiosk.sh creates a user: the suite must run as root"
    root = tmp_path_factory.mktemp("image")
    (root / "etc").mkdir()
    for name in ACCOUNTS:
        shutil.copy2(Path("/etc") / name, root / "etc" / name)
    seconds = []
    for run in range(2):
        started = time.monotonic()
        done = install(root, "--sam-usb", "1a86:7523@1-1.2", "--receipt-usb", "10c4:ea60:R0001")
        seconds.append(time.monotonic() - started)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.rstrip().endswith("then reboot"), done.stdout
        if run == 0:
            with (root / "etc/village-kiosk/kiosk.toml").open("a", encoding="utf-8") as toml:
                toml.write("# edited on site\n")
    return root, seconds


def account(root: Path, file: str, name: str) -> list[str]:
    lines = (root / "etc" / file).read_text(encoding="utf-8").splitlines()
    found = [line.split(":") for line in lines if line.split(":")[0] == name]
    assert len(found) == 1, f"{name} in {file}: {found}"
    return found[0]


def test_the_kiosk_user_exists_once_without_a_login_and_in_its_groups(
    image: tuple[Path, list[float]],
) -> None:
    root, _ = image
    user = account(root, "passwd", "kiosk")
    assert user[5:] == ["/var/lib/village-kiosk", "/usr/sbin/nologin"]
    assert int(user[2]) < 1000  # a system user
    for group in ("dialout", "lp", "video", "input", "render"):
        assert "kiosk" in account(root, "group", group)[3].split(","), group


def test_state_and_settings_have_tight_permissions_and_keep_local_edits(
    image: tuple[Path, list[float]],
) -> None:
    root, _ = image
    uid, gid = (int(n) for n in account(root, "passwd", "kiosk")[2:4])

    def mode(path: str) -> tuple[str, int, int]:
        info = (root / path).stat()
        return stat.filemode(info.st_mode), info.st_uid, info.st_gid

    for state in ("var/lib/village-kiosk", "var/lib/village-kiosk/logs"):
        assert mode(state) == ("drwx------", uid, gid)
    assert mode("etc/village-kiosk") == ("drwxr-x---", 0, gid)
    assert mode("etc/village-kiosk/kiosk.toml") == ("-rw-r-----", 0, gid)
    assert mode("etc/village-kiosk/kiosk.env") == ("-rw-------", 0, 0)
    toml = (root / "etc/village-kiosk/kiosk.toml").read_text(encoding="utf-8")
    assert toml.endswith("# edited on site\n")  # the second run kept it
    assert 'state_dir = "/var/lib/village-kiosk"' in toml
    env = (root / "etc/village-kiosk/kiosk.env").read_text(encoding="utf-8")
    assert "KIOSK_DEVICE_SECRET=" in env and "KIOSK_TECH_PIN_HASH=" in env


def test_the_program_and_its_venv_name_the_images_paths(image: tuple[Path, list[float]]) -> None:
    root, seconds = image
    app = root / "opt/village-kiosk"
    assert (app / "kiosk/app.py").is_file() and not (app / ".git").exists()
    shebang = (app / ".venv/bin/kiosk").read_text(encoding="utf-8").splitlines()[0]
    assert shebang == "#!/opt/village-kiosk/.venv/bin/python"
    leftovers = subprocess.run(
        ["grep", "-rlIF", str(root), str(app / ".venv")], capture_output=True, text=True
    )
    assert leftovers.stdout == ""
    assert (app / ".venv/bin/python").resolve() == Path("/usr/bin/python3").resolve()
    assert seconds[1] < seconds[0]  # the second run installs no Python package again


def test_the_unit_is_installed_and_enabled(image: tuple[Path, list[float]]) -> None:
    root, _ = image
    unit = root / "etc/systemd/system/village-kiosk.service"
    assert unit.read_bytes() == (DEPLOY / "village-kiosk.service").read_bytes()
    wanted = root / "etc/systemd/system/graphical.target.wants/village-kiosk.service"
    assert os.readlink(wanted) == "/etc/systemd/system/village-kiosk.service"


def test_the_udev_rules_name_both_serial_devices(image: tuple[Path, list[float]]) -> None:
    root, _ = image
    rules = (root / "etc/udev/rules.d/99-village-kiosk.rules").read_text(encoding="utf-8")
    lines = [line for line in rules.splitlines() if line and not line.startswith("#")]
    assert lines == [
        'SUBSYSTEM=="tty", ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="7523", '
        'KERNELS=="1-1.2", SYMLINK+="kiosk-sam", GROUP="dialout", MODE="0660"',
        'SUBSYSTEM=="tty", ATTRS{idVendor}=="10c4", ATTRS{idProduct}=="ea60", '
        'ATTRS{serial}=="R0001", SYMLINK+="kiosk-receipt", GROUP="dialout", MODE="0660"',
    ]
    for line in lines:  # udev's syntax: KEY=="value" pairs, comma separated
        assert all(UDEV_PAIR.match(pair.strip()) for pair in line.split(",")), line


def test_a_malformed_usb_id_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    done = install(tmp_path, "--sam-usb", "ch340")
    assert done.returncode == 2
    assert "expected VID:PID in hex, such as 1a86:7523" in done.stderr
    assert list(tmp_path.iterdir()) == []
