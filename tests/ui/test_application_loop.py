"""The whole loop of 一窗受理 across both sides, each part real: a resident at the demo kiosk
(its card on the simulated reader, pages from SANE's test device) applies; a clerk in headless
Chromium asks for 补正 on the workbench; the SMS gateway simulator receives it; the resident
captures the missing material at the kiosk and resubmits the same application; the clerk
approves; the SMS arrives; the kiosk's 办件查询 shows 已办结. And a bundle (一件事) of two
departments, asked once at the kiosk, whose second step waits for the first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from sqlalchemy import select

from central.db import Database
from central.demo_applications import DEMO_PASSWORD
from central.models import Application, Resident
from central.sms_gateway_sim import SmsGatewaySimulator
from kiosk.config import Config, from_mapping
from kiosk.services.applying import Step
from kiosk.services.progress import Phase
from tests.rigs.browser import navigate_by
from tests.rigs.central import CentralServer
from tests.rigs.sms import texts_to, wait_for
from tests.ui.helpers import service_tile, tap, visible_texts
from tests.ui.test_apply_screens import STEP_MS, at, capture, forward
from tests.ui.test_session_screens import identify
from ui.window import KioskWindow

SHOTS = Path("/tmp/application-loop-shots")


@pytest.fixture(scope="module")
def database(sms_centre: CentralServer) -> Iterator[Database]:
    database = Database(f"sqlite:///{sms_centre.log_path.parent / 'central.sqlite3'}")
    yield database
    database.engine.dispose()


@pytest.fixture
def config(tmp_path: Path, sms_centre: CentralServer) -> Config:
    """The kiosk of tests/ui/conftest.py, talking to this module's centre."""
    return from_mapping(
        {
            "kiosk": {"state_dir": str(tmp_path / "state")},
            "devices": {"card_poll_interval_s": 0.05},
            "session": {"idle_timeout_s": 600, "elder_idle_timeout_s": 1200},
            "central": {"url": sms_centre.url},
        },
        environ={},
    )


def phone_of(database: Database, application_no: str) -> str:
    with database.session() as session:
        application = session.scalar(
            select(Application).where(Application.application_no == application_no)
        )
        assert application is not None
        resident = session.get(Resident, application.resident_id)
        assert resident is not None
        return resident.phone


def clerk_logs_in(browser: WebDriver, sms_centre: CentralServer, username: str) -> None:
    browser.delete_all_cookies()
    browser.set_window_size(1280, 2000)
    browser.get(sms_centre.url + "/dept/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD)
    navigate_by(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    assert browser.current_url.endswith("/dept/")


def clerk_decides(browser: WebDriver, *actions: str) -> None:
    for action in actions:
        navigate_by(browser, browser.find_element(By.CSS_SELECTOR, f"button[value={action}]"))


def open_progress(qtbot: QtBot, window: KioskWindow) -> None:
    tap(qtbot, service_tile(qtbot, window, "my-applications"))
    progress = window.journey.progress
    qtbot.waitUntil(
        lambda: progress.view is not None and progress.view.phase is Phase.LIST, timeout=STEP_MS
    )


def test_apply_correct_and_approve_across_kiosk_workbench_and_sms(
    qtbot: QtBot,
    window: KioskWindow,
    browser: WebDriver,
    sms_gateway: SmsGatewaySimulator,
    sms_centre: CentralServer,
    database: Database,
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    screen, progress = window.journey.apply, window.journey.progress
    identify(qtbot, window)
    tap(qtbot, service_tile(qtbot, window, "senior-allowance"))
    qtbot.waitUntil(lambda: at(window, Step.NEEDS))
    forward(qtbot, screen)  # 开始申请
    forward(qtbot, screen)  # the phone on file
    forward(qtbot, screen)  # 自取
    capture(qtbot, screen, 2)  # the household register, two pages
    forward(qtbot, screen)
    capture(qtbot, screen, 1)  # the bank card
    forward(qtbot, screen)
    qtbot.waitUntil(lambda: at(window, Step.REVIEW))
    forward(qtbot, screen)
    qtbot.waitUntil(lambda: at(window, Step.SUBMITTED), timeout=STEP_MS)
    number = screen.view.submitted.application_no  # type: ignore[union-attr]
    phone = phone_of(database, number)

    # The clerk sees both materials as captured, and asks for the bank card again.
    clerk_logs_in(browser, sms_centre, "clerk-minzheng")
    navigate_by(browser, browser.find_element(By.LINK_TEXT, number))
    images = browser.find_elements(By.CSS_SELECTOR, "img.material, a.material")
    assert len(images) >= 2, "the captured materials are not on the clerk's page"
    browser.find_element(By.CSS_SELECTOR, "input[value=bank_card]").click()
    browser.find_element(By.NAME, "comment").send_keys("银行卡照片不清楚，请重新拍摄")
    clerk_decides(browser, "correction")
    browser.save_screenshot(str(SHOTS / "clerk-correction.png"))
    wait_for(lambda: any("补正" in text for text in texts_to(sms_gateway, phone)))

    # At the kiosk: 办件查询 shows 需补正; 补正材料 captures the bank card and resubmits.
    tap(qtbot, screen.menu_button)
    open_progress(qtbot, window)
    open_application(qtbot, window, number)
    qtbot.waitUntil(lambda: progress.correction_button.isVisible())
    assert "请补充拍摄：本人银行卡或社保卡" in visible_texts(progress)
    # the clerk's words, as written (the timeline's rows show on the next turn of the loop)
    qtbot.waitUntil(lambda: "银行卡照片不清楚" in visible_texts(progress))
    window.grab().save(str(SHOTS / "kiosk-correction.png"))
    tap(qtbot, progress.correction_button)
    qtbot.waitUntil(lambda: at(window, Step.CAPTURE))
    capture(qtbot, screen, 1)  # SANE's test device: the very same bytes as before
    forward(qtbot, screen)
    forward(qtbot, screen)  # 重新提交: refused, in words
    qtbot.waitUntil(lambda: at(window, Step.FAILED), timeout=STEP_MS)
    assert "与上次提交的完全相同" in screen.message_detail.text()
    tap(qtbot, screen.back_button)  # back to the capture: this time a clearer card
    assert window.core.capture is not None
    window.core.capture.scanner.options = {"test_picture": "Color pattern", "mode": "Color"}
    qtbot.waitUntil(lambda: at(window, Step.CAPTURE))
    tap(qtbot, screen.retake_button)
    qtbot.waitUntil(lambda: not screen.view.capturing, timeout=STEP_MS)  # type: ignore[union-attr]
    forward(qtbot, screen)
    qtbot.waitUntil(lambda: at(window, Step.REVIEW))
    assert screen.forward_button.text() == "重新提交"
    forward(qtbot, screen)
    qtbot.waitUntil(lambda: at(window, Step.SUBMITTED), timeout=STEP_MS)
    assert screen.view.submitted.application_no == number  # type: ignore[union-attr]

    # The clerk accepts, reviews and approves; the resident's phone hears of it.
    browser.refresh()
    clerk_decides(browser, "accept", "review", "approve")
    assert "已办结" in browser.find_element(By.TAG_NAME, "dl").text
    wait_for(lambda: any("已办结" in text for text in texts_to(sms_gateway, phone)))

    # 办件查询 at the kiosk: 已办结.
    tap(qtbot, screen.menu_button)  # back to the list of applications
    qtbot.waitUntil(
        lambda: progress.view is not None and progress.view.phase is Phase.LIST, timeout=STEP_MS
    )
    qtbot.waitUntil(
        lambda: "已办结" in progress.tiles[tile_id(progress, number)].description.text()
    )
    window.grab().save(str(SHOTS / "kiosk-approved.png"))


def open_application(qtbot: QtBot, window: KioskWindow, number: str) -> None:
    """A tap on the 办件查询 tile of application `number` (tiles show on the next turn)."""
    progress = window.journey.progress
    tile = progress.tiles[tile_id(progress, number)]
    qtbot.waitUntil(tile.isVisible)
    tap(qtbot, tile)
    qtbot.waitUntil(
        lambda: progress.view is not None and progress.view.phase is Phase.DETAIL,
        timeout=STEP_MS,
    )


def tile_id(progress: object, number: str) -> str:
    """The application id of the 办件查询 tile showing `number`."""
    view = progress.view  # type: ignore[attr-defined]
    return next(a.application_id for a in view.applications if a.application_no == number)


def test_a_bundle_is_asked_once_and_its_second_step_waits_for_the_first(
    qtbot: QtBot, window: KioskWindow, browser: WebDriver, sms_centre: CentralServer,
    database: Database,
) -> None:  # fmt: skip
    screen = window.journey.apply
    identify(qtbot, window)
    tap(qtbot, service_tile(qtbot, window, "hardship-bundle"))
    qtbot.waitUntil(lambda: at(window, Step.NEEDS))
    assert "县民政局、县医疗保障局" in visible_texts(screen)
    forward(qtbot, screen)
    asked = []
    while screen.view is not None and screen.view.current_question is not None:
        question = screen.view.current_question
        asked.append(question.key)
        if question.kind == "number":
            for key in "3" if question.key == "household_size" else "800":
                tap(qtbot, screen.keypads["123456789.0⌫"].keys[key])
        elif question.kind == "choice":
            qtbot.waitUntil(lambda: "illness" in screen.choice_buttons)
            qtbot.waitUntil(screen.choice_buttons["illness"].isVisible)
            tap(qtbot, screen.choice_buttons["illness"])
        forward(qtbot, screen)
    assert asked == ["household_size", "monthly_income", "reason", "phone"]  # each once
    forward(qtbot, screen)  # 自取
    wanted = [m.key for m in screen.view.to_capture]  # type: ignore[union-attr]
    assert wanted == ["household_book", "income_proof", "medical_bills", "diagnosis"]
    for _material in wanted:
        qtbot.waitUntil(lambda: at(window, Step.CAPTURE))
        capture(qtbot, screen, 1)
        forward(qtbot, screen)
    qtbot.waitUntil(lambda: at(window, Step.REVIEW))
    forward(qtbot, screen)
    qtbot.waitUntil(lambda: at(window, Step.SUBMITTED), timeout=STEP_MS)
    number = screen.view.submitted.application_no  # type: ignore[union-attr]
    with database.session() as session:
        case = session.scalar(select(Application).where(Application.application_no == number))
        assert case is not None
        steps = session.scalars(
            select(Application).where(Application.case_id == case.id).order_by(Application.step)
        ).all()
        assert [(s.service_id, s.department_id, s.status) for s in steps] == [
            ("dibao", "minzheng", "submitted"),
            ("medical-aid", "yibao", "waiting"),
        ]
        first_no, second_no = steps[0].application_no, steps[1].application_no

    clerk_logs_in(browser, sms_centre, "clerk-yibao")
    assert second_no not in browser.page_source  # not in 医保's queue while it waits
    clerk_logs_in(browser, sms_centre, "clerk-minzheng")
    navigate_by(browser, browser.find_element(By.LINK_TEXT, first_no))
    clerk_decides(browser, "accept", "review", "approve")
    clerk_logs_in(browser, sms_centre, "clerk-yibao")
    assert second_no in browser.page_source  # started once the first was done

    tap(qtbot, screen.menu_button)
    progress = window.journey.progress
    open_progress(qtbot, window)
    open_application(qtbot, window, number)
    qtbot.waitUntil(lambda: "低保申请：已办结" in visible_texts(progress))
    texts = visible_texts(progress)
    assert "低保申请：已办结" in texts and "医疗救助申请：已提交" in texts
