"""A real pcscd with a vpcd reader, and virtual social security cards to put in it.

pcscd 1.9.9 always serves `/run/pcscd/pcscd.comm` and refuses to start beside another one
(platform.md), so the rig runs it in a private mount namespace (`unshare --mount`, a tmpfs
on /run/pcscd): a system pcscd, if any, is untouched and never sees the test readers. The
clients reach the private socket through `/proc/<pcscd pid>/root/…`, named by
`PCSCLITE_CSOCK_NAME`, which libpcsclite reads once, at the process's first PC/SC call: the
rig must start before anything in the test process talks PC/SC.

Both pcscd and the card processes die with the test process (PR_SET_PDEATHSIG), and the
rig stops them by their pid.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from smartcard import scard  # type: ignore[import-untyped]

from drivers.smartcard.base import PcscUnavailableError
from drivers.smartcard.pcsc import list_readers

VPCD_LIBRARY = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")  # Debian vsmartcard-vpcd
FRIENDLY_NAME = "Virtual PCD"
START_TIMEOUT_S = 10.0
CARD_TIMEOUT_S = 5.0
POLL_S = 0.02
PR_SET_PDEATHSIG = 1

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port_pair() -> int:
    """A loopback port P with P + 1 free too (vpcd listens on both, one per slot)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = int(first.getsockname()[1])
            try:
                with socket.socket() as second:
                    second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    raise RuntimeError("no free pair of ports")


def _stop(process: subprocess.Popen[bytes], timeout_s: float = 5.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout_s)


@dataclass
class VirtualCard:
    """One virtual card process: inserted while it runs."""

    process: subprocess.Popen[bytes]
    reader: str
    apdu_log: Path

    def apdus(self) -> list[tuple[str, str]]:
        """Every (command APDU, SW) the card answered, as lowercase hex."""
        if not self.apdu_log.exists():
            return []
        lines = self.apdu_log.read_text(encoding="ascii").splitlines()
        return [(apdu, sw) for apdu, sw in (line.split() for line in lines)]


@dataclass
class PcscRig:
    process: subprocess.Popen[bytes]
    port: int
    workdir: Path
    log_path: Path
    created_run_dir: bool
    previous_socket_name: str | None
    cards: list[VirtualCard] = field(default_factory=list)
    started_cards: int = 0

    @property
    def readers(self) -> tuple[str, str]:
        return f"{FRIENDLY_NAME} 00 00", f"{FRIENDLY_NAME} 00 01"

    @property
    def socket_path(self) -> str:
        return f"/proc/{self.process.pid}/root/run/pcscd/pcscd.comm"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def insert(self, *card_args: str, slot: int = 0) -> VirtualCard:
        """Start a virtual card (`python -m drivers.smartcard.virtual_card ARGS`) in `slot`
        and return once pcscd sees it present."""
        self.started_cards += 1
        apdu_log = self.workdir / f"card-{self.started_cards}.apdu"
        process = subprocess.Popen(
            [sys.executable, "-m", "drivers.smartcard.virtual_card", "--port",
             str(self.port + slot), "--apdu-log", str(apdu_log), *card_args],
            cwd=PROJECT_ROOT,
            preexec_fn=_die_with_parent,
        )  # fmt: skip
        card = VirtualCard(process, self.readers[slot], apdu_log)
        self.cards.append(card)
        self._wait_presence(card.reader, present=True, card=card)
        return card

    def remove(self, card: VirtualCard) -> None:
        """Stop the card process (closes its vpcd socket) and wait until pcscd sees it gone."""
        _stop(card.process)
        self.cards.remove(card)
        self._wait_presence(card.reader, present=False, card=None)

    def remove_all(self) -> None:
        for card in list(self.cards):
            self.remove(card)

    def _wait_presence(self, reader: str, *, present: bool, card: VirtualCard | None) -> None:
        deadline = time.monotonic() + CARD_TIMEOUT_S
        while card_present(reader) != present:
            if card is not None and card.process.poll() is not None:
                raise RuntimeError(f"the virtual card exited ({card.process.returncode})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"pcscd did not see the card {'in' if present else 'out'}")
            time.sleep(POLL_S)

    def stop(self) -> None:
        for card in self.cards:
            _stop(card.process)
        self.cards.clear()
        _stop(self.process)
        if self.created_run_dir:
            # Only if still empty: something else may have put a file there since.
            with contextlib.suppress(OSError):
                Path("/run/pcscd").rmdir()
        if self.previous_socket_name is None:
            os.environ.pop("PCSCLITE_CSOCK_NAME", None)
        else:
            os.environ["PCSCLITE_CSOCK_NAME"] = self.previous_socket_name


def card_present(reader: str) -> bool:
    """Ask pcscd (SCardGetStatusChange, no power-up, no APDU) whether `reader` holds a card."""
    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        return False
    try:
        result, states = scard.SCardGetStatusChange(
            context, 0, [(reader, scard.SCARD_STATE_UNAWARE)]
        )
        if result != scard.SCARD_S_SUCCESS:
            return False
        return bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(context)


def start_pcscd(workdir: Path) -> PcscRig:
    """pcscd --foreground with one vpcd entry, private to this test process (see above)."""
    if os.geteuid() != 0:
        raise PermissionError("the pcscd rig needs root (a mount namespace for /run/pcscd)")
    if not VPCD_LIBRARY.exists():
        raise FileNotFoundError(f"{VPCD_LIBRARY} missing: install vsmartcard-vpcd")
    port = free_port_pair()
    conf = workdir / "reader.conf.d"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "vpcd").write_text(
        f'FRIENDLYNAME "{FRIENDLY_NAME}"\n'
        f"DEVICENAME /dev/null:0x{port:04X}\n"  # /dev/null host: vpcd listens on port, port+1
        f"LIBPATH {VPCD_LIBRARY}\n"
        f"CHANNELID 0x{port:04X}\n"
    )
    created_run_dir = not Path("/run/pcscd").exists()
    log_path = workdir / "pcscd.log"
    script = (
        "mkdir -p /run/pcscd && mount -t tmpfs -o mode=0755 pcscd-test /run/pcscd"
        f' && exec pcscd --foreground --debug -c "{conf}"'
    )
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
    rig = PcscRig(
        process, port, workdir, log_path, created_run_dir, os.environ.get("PCSCLITE_CSOCK_NAME")
    )
    os.environ["PCSCLITE_CSOCK_NAME"] = rig.socket_path
    deadline = time.monotonic() + START_TIMEOUT_S

    while True:
        if process.poll() is not None:
            rig.stop()
            raise RuntimeError(f"pcscd exited ({process.returncode}):\n{rig.log()[-2000:]}")
        try:
            if rig.readers[0] in list_readers():
                return rig
        except PcscUnavailableError:
            pass
        if time.monotonic() > deadline:
            rig.stop()
            raise RuntimeError(f"pcscd lists no vpcd reader:\n{rig.log()[-2000:]}")
        time.sleep(POLL_S)
