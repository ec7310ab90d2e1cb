"""The department workbench on the real centre: as an outsider (no session: the login page and
no data; a form without its CSRF token; a wrong password five times), as a clerk of another
department (403), and as the deciding clerk in headless Chromium, who asks for 补正, sees the
resident resubmit, and approves. Screenshots go to /tmp/workbench-shots for a person."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By

from central.demo_applications import DEMO_PASSWORD
from tests.rigs.browser import navigate_by
from tests.rigs.central import CentralServer, start_central
from tests.rigs.residents import JPEG, PDF, SENIOR_FORM, Resident

CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')
SHOTS = Path("/tmp/workbench-shots")


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    server = start_central(tmp_path_factory.mktemp("central-workbench"))
    yield server
    server.stop()


def submitted(centre: CentralServer, service: str = "senior-allowance", **form: str) -> str:
    resident = Resident(centre)
    created = resident.apply(service, form or SENIOR_FORM)
    for material in created["materials_needed"]:
        if material["source"] == "scan":
            resident.upload(created["application_id"], material["key"], JPEG)
    answer = resident.submit(created["application_id"])
    assert answer.status_code == 200, answer.text
    return created["application_id"]


def logged_in(
    centre: CentralServer, username: str, password: str = DEMO_PASSWORD
) -> requests.Session:
    browser = requests.Session()
    page = browser.get(centre.url + "/login", timeout=10)
    csrf = CSRF.search(page.text)
    assert csrf is not None
    answer = browser.post(
        centre.url + "/login",
        data={"csrf_token": csrf.group(1), "username": username, "password": password,
              "next": "/dept/"},
        allow_redirects=False,
        timeout=10,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text[-500:]
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    return browser


def test_without_a_session_every_page_leads_to_the_login_page_and_shows_nothing(
    centre: CentralServer,
) -> None:
    application_id = submitted(centre)
    for path in (
        "/dept/",
        f"/dept/applications/{application_id}",
        f"/dept/applications/{application_id}/materials/bank_card",
    ):
        answer = requests.get(centre.url + path, allow_redirects=False, timeout=10)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
        assert "SQ" not in answer.text and answer.content[:3] != JPEG[:3]
    page = requests.get(centre.url + "/login", timeout=10)
    assert "登录" in page.text and page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def add_user(centre: CentralServer, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    db = f"sqlite:///{centre.log_path.parent / 'central.sqlite3'}"
    return subprocess.run(
        [sys.executable, "-m", "central.cli", "user", "add", *args, "--db", db],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_user_add_makes_an_account_that_five_wrong_passwords_lock(centre: CentralServer) -> None:
    password = "a-long-enough-password"
    assert add_user(centre, "clerk-x", "--role", "clerk", password=password).returncode == 2
    assert add_user(centre, "clerk-x", "--role", "clerk", "--department", "canlian",
                    password="short").returncode == 2  # fmt: skip
    made = add_user(centre, "clerk-x", "--role", "clerk", "--department", "canlian",
                    password=password)  # fmt: skip
    assert made.returncode == 0, made.stderr
    logged_in(centre, "clerk-x", password)
    forged = requests.post(
        centre.url + "/login",
        data={"username": "clerk-x", "password": password},
        allow_redirects=False,
        timeout=10,
    )
    assert forged.status_code == 403 and "set-cookie" not in {k.lower() for k in forged.headers}
    browser = requests.Session()
    for attempt in range(5):
        csrf = CSRF.search(browser.get(centre.url + "/login", timeout=10).text)
        assert csrf is not None
        wrong = browser.post(
            centre.url + "/login",
            data={"csrf_token": csrf.group(1), "username": "clerk-x", "password": "x"},
            timeout=10,
        )
        assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text, attempt
    csrf = CSRF.search(browser.get(centre.url + "/login", timeout=10).text)
    assert csrf is not None
    right = browser.post(
        centre.url + "/login",
        data={"csrf_token": csrf.group(1), "username": "clerk-x", "password": password},
        timeout=10,
    )
    assert right.status_code == 401 and "账号已锁定" in right.text


def test_a_clerk_sees_the_own_departments_queue_only(centre: CentralServer) -> None:
    application_id = submitted(centre)
    civil = logged_in(centre, "clerk-minzheng")
    medical = logged_in(centre, "clerk-yibao")
    queue = civil.get(centre.url + "/dept/", timeout=10).text
    assert application_id in queue
    waiting = re.search(r"待办申请（共 (\d+) 件）", queue)
    assert waiting is not None and int(waiting.group(1)) == queue.count("/dept/applications/")
    assert application_id not in medical.get(centre.url + "/dept/", timeout=10).text
    page = medical.get(centre.url + f"/dept/applications/{application_id}", timeout=10)
    assert page.status_code == 403 and "不属于您的部门" in page.text and "李*英" not in page.text
    image = medical.get(
        centre.url + f"/dept/applications/{application_id}/materials/bank_card", timeout=10
    )
    assert image.status_code == 403
    mine = civil.get(centre.url + f"/dept/applications/{application_id}/materials/bank_card")
    assert mine.content == JPEG and mine.headers["content-type"] == "image/jpeg"


def test_a_decision_without_its_csrf_token_changes_nothing(centre: CentralServer) -> None:
    application_id = submitted(centre)
    civil = logged_in(centre, "clerk-minzheng")
    answer = civil.post(
        centre.url + f"/dept/applications/{application_id}/decide",
        data={"action": "accept"},
        timeout=10,
    )
    assert answer.status_code == 403
    assert Resident(centre).view(application_id)["status"] == "submitted"


def test_a_refused_decision_says_why_on_the_page_and_changes_nothing(
    centre: CentralServer,
) -> None:
    application_id = submitted(centre)
    civil = logged_in(centre, "clerk-minzheng")
    page = civil.get(centre.url + f"/dept/applications/{application_id}", timeout=10)
    token = CSRF.search(page.text)
    assert token is not None
    decide = centre.url + f"/dept/applications/{application_id}/decide"
    for action, why in (("correction", "请勾选需要补正的全部材料"), ("deny", "请填写理由")):
        if action == "deny":  # 不予许可 only once accepted and under review
            for step in ("accept", "review"):
                civil.post(decide, data={"csrf_token": token.group(1), "action": step}, timeout=10)
        refused = civil.post(
            decide,
            data={"csrf_token": token.group(1), "action": action, "comment": " "},
            timeout=10,
        )
        assert refused.status_code == 409 and why in refused.text, refused.text[-300:]
    assert Resident(centre).view(application_id)["status"] == "reviewing"


def test_markup_in_a_form_field_shows_as_typed(centre: CentralServer) -> None:
    typed = "<b>残</b><img src=x>"
    application_id = submitted(centre, "disability-subsidy", card_no=typed, phone="13800000021")
    page = logged_in(centre, "clerk-canlian").get(
        centre.url + f"/dept/applications/{application_id}", timeout=10
    )
    assert "&lt;b&gt;残&lt;/b&gt;&lt;img src=x&gt;" in page.text and typed not in page.text


def test_a_clerk_asks_for_correction_then_approves_in_a_browser(
    centre: CentralServer, browser: WebDriver, tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    resident = Resident(centre)
    application_id = submitted(centre)
    browser.delete_all_cookies()
    browser.set_window_size(1280, 2200)  # the whole application page in one screenshot
    browser.get(centre.url + "/dept/")
    assert "/login" in browser.current_url
    browser.find_element(By.NAME, "username").send_keys("clerk-minzheng")
    browser.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD)
    navigate_by(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    assert browser.current_url.endswith("/dept/")
    browser.save_screenshot(str(SHOTS / "queue.png"))
    navigate_by(
        browser, browser.find_element(By.LINK_TEXT, resident.view(application_id)["application_no"])
    )
    browser.save_screenshot(str(SHOTS / "application.png"))
    images = browser.find_elements(By.CSS_SELECTOR, "img.material")
    assert len(images) == 2  # the household register and the bank card, as captured
    browser.find_element(By.CSS_SELECTOR, "input[value=bank_card]").click()
    browser.find_element(By.NAME, "comment").send_keys("银行卡照片模糊，请重新拍摄")
    navigate_by(browser, browser.find_element(By.CSS_SELECTOR, "button[value=correction]"))
    assert "需补正" in browser.find_element(By.TAG_NAME, "dl").text
    browser.save_screenshot(str(SHOTS / "correction.png"))
    view = resident.view(application_id)
    assert view["status"] == "correction" and view["missing"] == ["bank_card"]

    resident.upload(application_id, "bank_card", PDF)
    assert resident.submit(application_id).status_code == 200
    browser.refresh()
    for action, shown in (("accept", "已受理"), ("review", "审核中"), ("approve", "已办结")):
        navigate_by(browser, browser.find_element(By.CSS_SELECTOR, f"button[value={action}]"))
        assert shown in browser.find_element(By.TAG_NAME, "dl").text
    assert resident.view(application_id)["status"] == "approved"
    browser.save_screenshot(str(SHOTS / "approved.png"))
    for shot in SHOTS.glob("*.png"):
        shutil.copy(shot, tmp_path / shot.name)


def test_the_demo_seeds_an_application_in_every_state(centre: CentralServer) -> None:
    from sqlalchemy import select

    from central.db import Database
    from central.models import Application

    db = Database(f"sqlite:///{centre.log_path.parent / 'central.sqlite3'}")
    with db.session() as session:
        seeded = set(session.scalars(select(Application.status).where(
            Application.kiosk_id == "demo-0001"
        )))  # fmt: skip
    assert {"submitted", "accepted", "correction", "reviewing", "approved", "denied", "ready",
            "collected", "waiting"} <= seeded  # fmt: skip
    queue = logged_in(centre, "clerk-minzheng").get(centre.url + "/dept/", timeout=10).text
    assert "（已超期）" in queue
