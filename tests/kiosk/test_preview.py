"""证明预览 in the core: the certificate as it will print, page 1 as an image, from the
reference centre's preview (which issues nothing), with its faults injected."""

from __future__ import annotations

import io
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from drivers.idcard.demo import DEMO_CARDS
from kiosk.documents.certificate import PREVIEW_PLACEHOLDER, preview_answer, render_certificate
from kiosk.executor import ThreadExecutor
from kiosk.services.identification import idcard_session_request
from kiosk.services.preview import CertificatePreviewing, PreviewPhase, PreviewView
from kiosk.session import Resident, Session, State
from tests.conftest import FakeClock
from tests.rigs.central import CentralServer

HEIGHT_PX = 640
CARD = DEMO_CARDS[1]  # 李秀英


class Rig:
    def __init__(self, central: CentralServer, clock: FakeClock) -> None:
        self.client = central.client()
        self.token = self.client.open_session(idcard_session_request(CARD, "preview-test")).token
        self.session = Session(
            idle_timeout_s=60, elder_idle_timeout_s=120, warning_s=15, clock=clock
        )
        self.session.card_detected()
        self.session.identified(Resident("李*英", "511321********0029"))
        self.session.choose_service("si-cert")
        self.executor = ThreadExecutor()
        self.preview = CertificatePreviewing(self.session, self.executor)
        self.preview.central = self.client
        self.preview.token = lambda: self.token
        self.views: list[PreviewView | None] = []
        self.preview.on_change(self.views.append)

    def wait(self, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 15
        while not ready():
            assert time.monotonic() < deadline, f"not reached: {self.preview.view}"
            time.sleep(0.01)

    def settled(self) -> bool:
        view = self.preview.view
        return view is None or view.phase is not PreviewPhase.LOADING


@pytest.fixture
def rig(central_server: CentralServer, clock: FakeClock) -> Iterator[Rig]:
    rig = Rig(central_server, clock)
    yield rig
    rig.executor.drain(10)


def test_page_one_arrives_as_an_image_of_the_height_asked(rig: Rig) -> None:
    rig.preview.open("si-cert", HEIGHT_PX)
    assert rig.preview.view is not None and rig.preview.view.phase is PreviewPhase.LOADING
    rig.wait(rig.settled)
    view = rig.preview.view
    assert view is not None and view.phase is PreviewPhase.SHOWN, view
    assert view.pages == 1
    image = Image.open(io.BytesIO(view.image_png))
    assert image.height == HEIGHT_PX
    assert abs(image.width / image.height - 210 / 297) < 0.01  # A4, upright
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, a red seal: not a blank page


def test_the_preview_is_the_certificate_marked_and_without_its_codes(
    rig: Rig, tmp_path: Path
) -> None:
    preview = rig.client.preview_certificate(rig.token, "si-cert")
    path = tmp_path / "preview.pdf"
    path.write_bytes(render_certificate(preview_answer(preview), preview=True))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    assert CARD.name in text and "社会保险参保证明" in text
    assert "预览" in text and PREVIEW_PLACEHOLDER in text
    assert "验证码：" + PREVIEW_PLACEHOLDER in text  # no code: nothing was issued


def test_a_failing_centre_is_said_and_a_retry_shows_it(
    rig: Rig, central_server: CentralServer
) -> None:
    central_server.set_faults({"POST /v1/certificates/preview": {"error_rate": 1.0}})
    try:
        rig.preview.open("si-cert", HEIGHT_PX)
        rig.wait(rig.settled)
    finally:
        central_server.set_faults({})
    view = rig.preview.view
    assert view is not None and view.phase is PreviewPhase.FAILED
    assert view.resident_message and view.image_png == b""
    rig.preview.retry()
    rig.wait(rig.settled)
    assert rig.preview.view is not None and rig.preview.view.phase is PreviewPhase.SHOWN


def test_a_session_the_centre_ended_is_a_timeout(rig: Rig) -> None:
    rig.token = "a-session-the-centre-does-not-know"
    rig.preview.open("si-cert", HEIGHT_PX)
    rig.wait(lambda: rig.session.state is State.IDLE)
    assert rig.preview.view is None  # wiped with the session


def test_leaving_drops_the_image_and_a_late_answer(rig: Rig) -> None:
    rig.preview.open("si-cert", HEIGHT_PX)
    rig.preview.close()  # 返回 before it arrived
    rig.executor.drain(10)
    assert rig.preview.view is None
    assert [v.phase for v in rig.views if v is not None] == [PreviewPhase.LOADING]
