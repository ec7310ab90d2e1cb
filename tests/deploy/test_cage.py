"""The kiosk as the unit runs it: under the cage Wayland compositor (headless here: no screen),
as an unprivileged user, from a venv made of Debian's /usr/bin/python3 as install-kiosk.sh
makes it. Its READY=1 (sent once the first frame is drawn) and a watchdog ping arrive on a
real NOTIFY_SOCKET, and the socket's credentials say which user sent them."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
USER = "nobody"  # on every Debian; the kiosk's own user exists only where it is installed
READY_TIMEOUT_S = 90.0


@pytest.fixture(scope="session")
def system_venv() -> Iterator[Path]:
    """A venv of /usr/bin/python3 with the project, readable by every user (the suite's own
    .venv may come from a Python under root's home)."""
    base = Path(tempfile.mkdtemp(prefix="kiosk-system-venv-", dir="/tmp"))
    base.chmod(0o755)
    venv = base / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", str(venv)], check=True, timeout=120)
    done = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "-q",
         "--disable-pip-version-check", "-e", str(REPO)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    yield venv
    shutil.rmtree(base, ignore_errors=True)


def private_dir(owner: pwd.struct_passwd, mode: int) -> Path:
    path = Path(tempfile.mkdtemp(prefix="kiosk-cage-", dir="/tmp"))
    os.chown(path, owner.pw_uid, owner.pw_gid)
    path.chmod(mode)
    return path


def receive(listener: socket.socket, wanted: bytes, timeout_s: float) -> int:
    """Wait for a datagram holding `wanted`; the sender's uid (SCM_CREDENTIALS)."""
    end = time.monotonic() + timeout_s
    credentials_size = struct.calcsize("3i")
    while (left := end - time.monotonic()) > 0:
        listener.settimeout(left)
        try:
            data, ancillary, _flags, _address = listener.recvmsg(
                256, socket.CMSG_SPACE(credentials_size)
            )
        except TimeoutError:
            break
        if wanted in data:
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    _pid, uid, _gid = struct.unpack("3i", payload[:credentials_size])
                    return uid
            raise AssertionError("no credentials on the datagram")
    raise AssertionError(f"no {wanted.decode()} within {timeout_s:.0f} s")


def test_the_kiosk_draws_its_first_frame_under_cage_as_an_unprivileged_user(
    system_venv: Path,
) -> None:
    user = pwd.getpwnam(USER)
    runtime = private_dir(user, 0o700)  # XDG_RUNTIME_DIR: the compositor's socket
    state = private_dir(user, 0o700)
    meeting = private_dir(user, 0o755)
    address = str(meeting / "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(address)
    os.chmod(address, 0o666)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(state),
        "XDG_RUNTIME_DIR": str(runtime),
        "WLR_BACKENDS": "headless",
        "WLR_RENDERER": "pixman",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "QT_QPA_PLATFORM": "wayland",
        "KIOSK_STATE_DIR": str(state),
        "NOTIFY_SOCKET": address,
        "WATCHDOG_USEC": "4000000",
    }
    command = [
        "runuser", "-u", USER, "--", "env", "-i",
        *(f"{key}={value}" for key, value in environment.items()),
        "cage", "-s", "--", str(system_venv / "bin/kiosk"), "--demo",
    ]  # fmt: skip
    log = state.parent / f"{state.name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        ready_uid = receive(listener, b"READY=1", READY_TIMEOUT_S)
        ping_uid = receive(listener, b"WATCHDOG=1", 5.0)
    except AssertionError as error:
        output = log.read_text(errors="replace")[-3000:]
        raise AssertionError(f"{error}; cage's output:\n{output}") from error
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        listener.close()
        for path in (runtime, state, meeting):
            shutil.rmtree(path, ignore_errors=True)
        log.unlink(missing_ok=True)
    assert ready_uid == ping_uid == user.pw_uid
