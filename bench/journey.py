"""The resident's journey, timed to the painted frame, in demo mode (the real serial driver on
the SAM simulator at 115200 bd, the reference centre on loopback, the window offscreen).

Figures: a card laid → the menu painted; a tap on a records service → its table painted.
Floors, measured in the same run against the same centre: the card's wire time, the SAM's own
read time (0.3 s in the simulator, as the reference gives for the module) and a bare signed
`POST /v1/sessions`; a bare signed `GET /v1/records/…` (requests, no kiosk code). The card
figure also holds the wait for the reader's next poll (devices.card_poll_interval_s, 250 ms
by default: half of it on average), which the floor does not.
"""

from __future__ import annotations

import json

from bench.driven import run_demo_script

TITLE = "card → menu, tap → records table"
RUNS = 5

SCRIPT = r"""
import json, statistics, sys, time
import requests
from PySide6.QtCore import QEvent, QObject
from bench.driven import demo_window, drive, tap_service
from bench.idcard import wire_s
from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.simulator import READ_PROCESSING_S
from drivers.idcard.text import encode_text_block
from kiosk.api.signing import signed_headers
from kiosk.services.identification import idcard_session_request
from kiosk.services.records import Phase
from kiosk.session import State
from ui.theme import tokens_for

RUNS = int(sys.argv[1])
app, core, window = demo_window()
demo, session = core.demo_controls, core.session
POLL_S = core.config.devices.card_poll_interval_s


class PaintWatch(QObject):
    # The time of the first paint of `widget` once `ready()` holds.
    def __init__(self):
        super().__init__()
        self.widget, self.ready, self.painted = None, None, None

    def arm(self, widget, ready):
        self.widget, self.ready, self.painted = widget, ready, None
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        if watched is self.widget and event.type() == QEvent.Type.Paint and self.painted is None:
            if self.ready():
                self.painted = time.perf_counter()
                watched.removeEventFilter(self)
        return False


watch = PaintWatch()
card_ms, records_ms = [], []
rows = tokens_for(False, 0).table_rows


def shown():
    view = core.records.view
    return view is not None and view.phase is Phase.SHOWN


def plan():
    steps = [(lambda: None, lambda: bool(core.catalog.current.services))]
    for _ in range(RUNS):
        started = {}

        def lay(started=started):
            watch.arm(window.journey.menu, lambda: session.state is State.IDENTIFIED)
            started["card"] = time.perf_counter()
            demo.place_card(1)

        def tap(started=started):
            watch.arm(window.journey.records.table.viewport(), shown)
            started["tap"] = time.perf_counter()
            tap_service(window.journey, "si-contrib")

        steps += [
            (lay, lambda: watch.painted is not None),
            (lambda s=started: card_ms.append((watch.painted - s["card"]) * 1000), lambda: True),
            (tap, lambda: watch.painted is not None),
            (lambda s=started: records_ms.append((watch.painted - s["tap"]) * 1000), lambda: True),
            (window.journey.records.exit_button.click, lambda: session.state is State.IDLE),
            (lambda s=started: (demo.lift_card(), s.__setitem__("lifted", time.monotonic())),
             lambda s=started: time.monotonic() - s["lifted"] > 3 * POLL_S),  # seen empty
        ]
    return steps


def floors():
    # Bare signed requests to the same centre, with the same kiosk's credentials.
    central = core.central
    base, kiosk_id, secret = (
        central.settings.base_url, central.settings.kiosk_id, central.settings.secret,
    )
    http = requests.Session()

    def call(method, path, body=b"", token=None):
        headers = signed_headers(kiosk_id, secret, method, path, body, int(time.time()))
        if body:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Session {token}"
        started = time.perf_counter()
        answer = http.request(method, base + path, data=body, headers=headers, timeout=10)
        answer.raise_for_status()
        return (time.perf_counter() - started) * 1000, answer

    request = idcard_session_request(DEMO_CARDS[0], "bench").model_dump_json().encode()
    sessions, records = [], []
    for _ in range(RUNS):
        ms, answer = call("POST", "/v1/sessions", request)
        sessions.append(ms)
        token = answer.json()["token"]
        path = f"/v1/records/si-contrib?page=1&page_size={rows}"
        records.append(call("GET", path, token=token)[0])
    wire_ms = wire_s(encode_text_block(DEMO_CARDS[0])) * 1000
    card_ms = wire_ms + READ_PROCESSING_S * 1000 + statistics.median(sessions)
    return card_ms, statistics.median(records)


def report():
    card_floor, records_floor = floors()
    print("journey", json.dumps({
        "card": statistics.median(card_ms), "card_floor": card_floor,
        "records": statistics.median(records_ms), "records_floor": records_floor,
    }), flush=True)


drive(app, plan(), report, poll_ms=5, timeout_s=120)
app.exec()
core.stop()
"""


def run() -> list[tuple[str, float, float, str]]:
    output = run_demo_script(SCRIPT, str(RUNS), timeout_s=180)
    for line in output.splitlines():
        if line.startswith("journey "):
            figures = json.loads(line.split(" ", 1)[1])
            return [
                ("card laid → menu painted", figures["card"], figures["card_floor"], "ms"),
                ("tap records → table painted", figures["records"], figures["records_floor"], "ms"),
            ]
    raise RuntimeError(f"the journey did not complete: {output}")
