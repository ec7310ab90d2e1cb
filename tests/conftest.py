"""Fixtures shared by the whole suite: a config in a private state dir, the demo core."""

from __future__ import annotations

import faulthandler
import os
import sys

# Before anything imports Qt: no display here, and Qt aborts without one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver

from central.sms_gateway_sim import SmsGatewaySimulator
from drivers.idcard.simulator import SamSimulator
from drivers.printer.escpos_simulator import ReceiptPrinterSimulator
from kiosk import logs
from kiosk.app import Core, build_core
from kiosk.config import Config, from_mapping
from tests.rigs.browser import chromium
from tests.rigs.central import CentralServer, start_central
from tests.rigs.cups import CupsRig, start_cups
from tests.rigs.pcsc import PcscRig, start_pcscd
from tests.rigs.tls import TlsFiles, make_ca_and_server_cert
from ui import keyboard

keyboard.enable()  # the on-screen keyboard, as the kiosk has it: before any QApplication

# How long the interpreter may take to exit once the run has ended (KIOSK_TEST_EXIT_GRACE_S).
EXIT_GRACE_S = float(os.environ.get("KIOSK_TEST_EXIT_GRACE_S", "120"))


def pytest_unconfigure(config: pytest.Config) -> None:
    """Once the run has ended, a process still alive EXIT_GRACE_S later waits forever on
    something (a thread, a Qt object's destructor): print every thread's stack and exit 1.
    CI once printed "1041 passed" and then hung until its 90-minute limit, saying nothing."""
    faulthandler.dump_traceback_later(EXIT_GRACE_S, exit=True, file=sys.__stderr__)


@pytest.fixture(scope="session")
def chromium_for_the_run() -> Iterator[WebDriver]:
    """Headless Chromium, one for the whole run: starting it is most of a browser test's time."""
    with chromium() as driver:
        yield driver


@pytest.fixture
def browser(chromium_for_the_run: WebDriver) -> Iterator[WebDriver]:
    """The run's Chromium, left as a new one would be: a test's phone emulation or cookies
    once made the next test's page 375 px wide and its click submit nothing."""
    yield chromium_for_the_run
    chromium_for_the_run.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    chromium_for_the_run.execute_cdp_cmd("Network.clearBrowserCookies", {})
    chromium_for_the_run.get("about:blank")


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def central_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    """The reference central service with its demo data, shared by the kiosk's tests."""
    server = start_central(tmp_path_factory.mktemp("kiosk-central"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A test CA and a server certificate it signed (for one day)."""
    return make_ca_and_server_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def tls_central(
    tmp_path_factory: pytest.TempPathFactory, tls_files: TlsFiles
) -> Iterator[CentralServer]:
    """The reference central service over HTTPS with the test CA's certificate."""
    server = start_central(tmp_path_factory.mktemp("central-tls"), tls=tls_files)
    yield server
    server.stop()


@pytest.fixture
def config(tmp_path: Path, central_server: CentralServer) -> Config:
    return from_mapping(
        {
            "kiosk": {"state_dir": str(tmp_path / "state")},
            "devices": {"card_poll_interval_s": 0.05},
            "session": {"idle_timeout_s": 60, "timeout_warning_s": 15},
            "central": {"url": central_server.url},
        },
        environ={},
    )


def wait_for_catalog(core: Core, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not core.catalog.current.services:
        assert time.monotonic() < deadline, "the catalog did not load"
        time.sleep(0.02)


@pytest.fixture
def core(config: Config, clock: FakeClock) -> Iterator[Core]:
    core = build_core(config, demo=True, clock=clock)
    yield core
    core.stop()


@pytest.fixture(autouse=True)
def _remove_kiosk_log_handlers() -> Iterator[None]:
    """`logs.configure` installs handlers on the root logger; take them off after each test."""
    yield
    logs.remove_handlers()


@pytest.fixture(scope="session")
def pcsc_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscRig]:
    """A real pcscd with a vpcd reader, private to this test session (see tests/rigs/pcsc.py)."""
    rig = start_pcscd(tmp_path_factory.mktemp("pcscd"))
    yield rig
    rig.stop()


@pytest.fixture
def pcsc(pcsc_session: PcscRig) -> Iterator[PcscRig]:
    """The session's pcscd, with every virtual card removed after the test."""
    yield pcsc_session
    pcsc_session.remove_all()


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[SamSimulator]:
    """A SAM module on a pseudo-terminal (drivers/idcard/simulator.py), at 115200 bd."""
    simulator = SamSimulator(tmp_path / "ttyIDCARD")
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def cups_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CupsRig]:
    """A private cupsd with kiosk-pdf (cups-pdf) and kiosk-fault (fails on demand)."""
    rig = start_cups(tmp_path_factory.mktemp("cups"))
    yield rig
    rig.stop()


@pytest.fixture
def rig(cups_rig: CupsRig) -> Iterator[CupsRig]:
    """The session's cupsd; after the test: running, jobs cancelled, queues enabled and
    accepting without reasons, kiosk-fault printing."""
    yield cups_rig
    cups_rig.reset()


@pytest.fixture
def receipt_printer(tmp_path: Path) -> Iterator[ReceiptPrinterSimulator]:
    """An ESC/POS receipt printer on a pseudo-terminal (drivers/printer/escpos_simulator.py)."""
    printer = ReceiptPrinterSimulator(tmp_path / "ttyRECEIPT")
    printer.start()
    yield printer
    printer.stop()


@pytest.fixture(scope="module")
def sms_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmsGatewaySimulator]:
    """The SMS gateway simulator on loopback, recording what it receives."""
    simulator = SmsGatewaySimulator(tmp_path_factory.mktemp("gateway") / "sms.log")
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="module")
def sms_centre(
    tmp_path_factory: pytest.TempPathFactory, sms_gateway: SmsGatewaySimulator
) -> Iterator[CentralServer]:
    """A real centre of this module's own that sends its SMS through `sms_gateway`."""
    server = start_central(
        tmp_path_factory.mktemp("central-sms"), extra=("--sms-gateway", sms_gateway.url)
    )
    yield server
    server.stop()
