"""The workbench's administration on the real centre, as the demo's `admin` would use it and
as a clerk or an outsider would try it: accounts, departments, routing rules and the 补正
period, each change checked where it takes effect (a login, a queue, a refused correction)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import requests
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from central import applications as life
from central.db import Database
from central.demo_applications import DEMO_PASSWORD
from central.models import Application, User
from tests.central.test_workbench import CSRF, SHOTS, logged_in, submitted
from tests.rigs.browser import navigate_by
from tests.rigs.central import CentralServer
from tests.rigs.residents import clerk

NEW_PASSWORD = "a-long-enough-password"
USERS, DEPARTMENTS, ROUTING = "/dept/admin/users", "/dept/admin/departments", "/dept/admin/routing"


@pytest.fixture(scope="module")
def centre(own_central: CentralServer) -> CentralServer:
    """This module's own: it changes the routing and the 补正 period (and puts them back)."""
    return own_central


@pytest.fixture(scope="module")
def db(own_database: Database) -> Database:
    return own_database


@pytest.fixture(scope="module")
def admin(centre: CentralServer) -> requests.Session:
    return logged_in(centre, "admin")


def post(
    centre: CentralServer, browser: requests.Session, page: str, to: str, **data: str
) -> requests.Response:
    """Submit a form of `page` to the path `to`, with the CSRF token the page carries."""
    token = CSRF.search(browser.get(centre.url + page, timeout=10).text)
    assert token is not None
    return browser.post(
        centre.url + to,
        data={"csrf_token": token.group(1), **data},
        allow_redirects=False,
        timeout=10,
    )


def user_id(db: Database, username: str) -> int:
    with db.session() as session:
        row = session.query(User).filter_by(username=username).one()
        return row.id


def test_only_an_administrator_reaches_the_administration(centre: CentralServer) -> None:
    for path in (USERS, DEPARTMENTS, ROUTING):
        anonymous = requests.get(centre.url + path, allow_redirects=False, timeout=10)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    clerk_browser = logged_in(centre, "clerk-minzheng")
    for path in (USERS, DEPARTMENTS, ROUTING):
        page = clerk_browser.get(centre.url + path, timeout=10)
        assert page.status_code == 403 and "clerk-canlian" not in page.text
    token = CSRF.search(clerk_browser.get(centre.url + "/dept/", timeout=10).text)
    assert token is not None  # a clerk's own, valid token: still not an administrator
    forged = clerk_browser.post(
        centre.url + USERS,
        data={"csrf_token": token.group(1), "username": "mallory", "password": NEW_PASSWORD,
              "role": "admin"},
        allow_redirects=False, timeout=10,
    )  # fmt: skip
    assert forged.status_code == 403
    assert "mallory" not in logged_in(centre, "admin").get(centre.url + USERS, timeout=10).text


def test_a_form_without_its_token_changes_nothing(
    centre: CentralServer, admin: requests.Session
) -> None:
    forged = admin.post(
        centre.url + USERS,
        data={"username": "mallory", "password": NEW_PASSWORD, "role": "admin"},
        allow_redirects=False,
        timeout=10,
    )
    assert forged.status_code == 403
    assert "mallory" not in admin.get(centre.url + USERS, timeout=10).text


def test_an_administrator_adds_a_clerk_who_can_then_log_in(
    centre: CentralServer, admin: requests.Session, db: Database
) -> None:
    page = admin.get(centre.url + USERS, timeout=10)
    assert page.status_code == 200 and "clerk-minzheng" in page.text and "县民政局" in page.text
    short = post(centre, admin, USERS, USERS, username="clerk-new", password="short",
                 role="clerk", department="minzheng")  # fmt: skip
    assert short.status_code == 400 and "密码至少 10 个字符" in short.text
    markup = post(centre, admin, USERS, USERS, username="<b>x</b>", password=NEW_PASSWORD,
                  role="clerk", department="minzheng")  # fmt: skip
    assert markup.status_code == 400 and "<b>x</b>" not in markup.text
    homeless = post(centre, admin, USERS, USERS, username="clerk-new", password=NEW_PASSWORD,
                    role="clerk", department="")  # fmt: skip
    assert homeless.status_code == 400 and "办事员须属于一个部门" in homeless.text
    added = post(centre, admin, USERS, USERS, username="clerk-new", password=NEW_PASSWORD,
                 role="clerk", department="minzheng")  # fmt: skip
    assert added.status_code == 303 and added.headers["location"] == USERS + "?done=user_added"
    assert "已添加用户" in admin.get(centre.url + added.headers["location"], timeout=10).text
    twice = post(centre, admin, USERS, USERS, username="clerk-new", password=NEW_PASSWORD,
                 role="clerk", department="minzheng")  # fmt: skip
    assert twice.status_code == 400 and "已存在" in twice.text
    queue = logged_in(centre, "clerk-new", NEW_PASSWORD).get(centre.url + "/dept/", timeout=10)
    assert "县民政局" in queue.text


def test_a_new_password_ends_the_old_sessions_and_unlocking_lets_a_locked_clerk_in(
    centre: CentralServer, admin: requests.Session, db: Database
) -> None:
    post(centre, admin, USERS, USERS, username="clerk-pw", password=NEW_PASSWORD,
         role="clerk", department="canlian")  # fmt: skip
    old = logged_in(centre, "clerk-pw", NEW_PASSWORD)
    changed = post(centre, admin, USERS, f"{USERS}/{user_id(db, 'clerk-pw')}",
                   action="password", password="another-long-password")  # fmt: skip
    assert changed.status_code == 303
    assert old.get(centre.url + "/dept/", allow_redirects=False, timeout=10).status_code == 303
    for _ in range(5):
        fresh = requests.Session()
        token = CSRF.search(fresh.get(centre.url + "/login", timeout=10).text)
        assert token is not None
        wrong = {"csrf_token": token.group(1), "username": "clerk-pw", "password": "x"}
        fresh.post(centre.url + "/login", data=wrong, timeout=10)
    listing = admin.get(centre.url + USERS, timeout=10).text
    assert re.search(r"clerk-pw</td>.*?已锁定至", listing, re.S)
    unlocked = post(centre, admin, USERS, f"{USERS}/{user_id(db, 'clerk-pw')}", action="unlock")
    assert unlocked.status_code == 303
    logged_in(centre, "clerk-pw", "another-long-password")


def test_an_administrator_cannot_remove_themself_and_removes_another(
    centre: CentralServer, admin: requests.Session, db: Database
) -> None:
    itself = post(centre, admin, USERS, f"{USERS}/{user_id(db, 'admin')}", action="remove")
    assert itself.status_code == 400 and "不能删除自己的账号" in itself.text
    post(centre, admin, USERS, USERS, username="clerk-gone", password=NEW_PASSWORD,
         role="clerk", department="canlian")  # fmt: skip
    gone = logged_in(centre, "clerk-gone", NEW_PASSWORD)
    removed = post(centre, admin, USERS, f"{USERS}/{user_id(db, 'clerk-gone')}", action="remove")
    assert removed.status_code == 303
    assert gone.get(centre.url + "/dept/", allow_redirects=False, timeout=10).status_code == 303
    assert "clerk-gone" not in admin.get(centre.url + USERS, timeout=10).text


def test_departments_are_added_renamed_shown_literally_and_kept_while_in_use(
    centre: CentralServer, admin: requests.Session
) -> None:
    fields = {"name_en": "Health Commission", "pickup_place_zh": "县卫健委一楼窗口",
              "pickup_place_en": "County Health Commission, ground floor"}  # fmt: skip
    added = post(centre, admin, DEPARTMENTS, DEPARTMENTS, id="weijian",
                 name_zh="县卫健委<script>alert(1)</script>", **fields)  # fmt: skip
    assert added.status_code == 303
    page = admin.get(centre.url + DEPARTMENTS, timeout=10).text
    assert "<script>alert(1)" not in page and "县卫健委&lt;script&gt;" in page
    renamed = post(centre, admin, DEPARTMENTS, DEPARTMENTS, id="weijian", name_zh="县卫健委",
                   **fields)  # fmt: skip
    assert renamed.status_code == 303
    assert "县卫健委&lt;" not in admin.get(centre.url + DEPARTMENTS, timeout=10).text
    empty = post(centre, admin, DEPARTMENTS, DEPARTMENTS, id="weijian", name_zh=" ", **fields)
    assert empty.status_code == 400 and "请填写中文名称" in empty.text
    bad_id = post(centre, admin, DEPARTMENTS, DEPARTMENTS, id="../x", name_zh="某局", **fields)
    assert bad_id.status_code == 400
    in_use = post(centre, admin, DEPARTMENTS, f"{DEPARTMENTS}/minzheng/remove")
    assert in_use.status_code == 400 and "不能删除" in in_use.text and "名办事员" in in_use.text
    post(centre, admin, DEPARTMENTS, DEPARTMENTS, id="unused", name_zh="临时部门", **fields)
    removed = post(centre, admin, DEPARTMENTS, f"{DEPARTMENTS}/unused/remove")
    assert removed.status_code == 303
    assert "临时部门" not in admin.get(centre.url + DEPARTMENTS, timeout=10).text


def test_a_routing_change_sends_new_applications_to_the_chosen_department(
    centre: CentralServer, admin: requests.Session, db: Database
) -> None:
    before = submitted(centre)
    page = admin.get(centre.url + ROUTING, timeout=10).text
    routes = dict(re.findall(r'name="route:([^"]+)">.*?<option value="([^"]+)" selected', page,
                             re.S))  # fmt: skip
    assert routes["senior-allowance"] == "minzheng"
    unrouted = {f"route:{s}": d for s, d in routes.items() if s != "senior-allowance"}
    refused = post(centre, admin, ROUTING, ROUTING, correction_days="5", **unrouted)
    assert refused.status_code == 400 and "请为" in refused.text
    routes["senior-allowance"] = "canlian"
    saved = post(centre, admin, ROUTING, ROUTING, correction_days="5",
                 **{f"route:{s}": d for s, d in routes.items()})  # fmt: skip
    assert saved.status_code == 303
    after = submitted(centre)
    with db.session() as session:
        assert session.get(Application, before).department_id == "minzheng"  # type: ignore[union-attr]
        assert session.get(Application, after).department_id == "canlian"  # type: ignore[union-attr]
    canlian = logged_in(centre, "clerk-canlian").get(centre.url + f"/dept/applications/{after}",
                                                     timeout=10)  # fmt: skip
    assert canlian.status_code == 200
    routes["senior-allowance"] = "minzheng"
    post(centre, admin, ROUTING, ROUTING, correction_days="5",
         **{f"route:{s}": d for s, d in routes.items()})  # fmt: skip


def test_the_correction_period_is_set_by_the_administrator_within_the_law(
    centre: CentralServer, admin: requests.Session, db: Database
) -> None:
    page = admin.get(centre.url + ROUTING, timeout=10).text
    routes = {f"route:{s}": d for s, d in re.findall(
        r'name="route:([^"]+)">.*?<option value="([^"]+)" selected', page, re.S)}  # fmt: skip
    for days in ("0", "6", "two"):
        refused = post(centre, admin, ROUTING, ROUTING, correction_days=days, **routes)
        assert refused.status_code == 400 and "1 至 5 个工作日" in refused.text, days
    assert post(centre, admin, ROUTING, ROUTING, correction_days="2", **routes).status_code == 303
    assert 'value="2"' in admin.get(centre.url + ROUTING, timeout=10).text
    application_id = submitted(centre)
    three_working_days_on = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    with pytest.raises(life.TransitionRefusedError, match="2 working days"):
        clerk(db, application_id, "correction", missing=("bank_card",), now=three_working_days_on)
    clerk(db, application_id, "correction", missing=("bank_card",))  # today: within the period
    assert post(centre, admin, ROUTING, ROUTING, correction_days="5", **routes).status_code == 303


def test_an_administrator_works_the_pages_in_a_browser(
    centre: CentralServer, browser: WebDriver, tmp_path: Path
) -> None:
    """The pages as a person sees them: screenshots to /tmp/workbench-shots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.delete_all_cookies()
    browser.set_window_size(1280, 1400)
    browser.get(centre.url + "/login?next=/dept/admin/users")
    browser.find_element(By.NAME, "username").send_keys("admin")
    browser.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD)
    navigate_by(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    assert browser.current_url.endswith(USERS)
    adding = browser.find_element(By.CSS_SELECTOR, f"form[action='{USERS}']")
    adding.find_element(By.NAME, "username").send_keys("clerk-browser")
    adding.find_element(By.NAME, "password").send_keys(NEW_PASSWORD)
    Select(adding.find_element(By.NAME, "department")).select_by_value("canlian")
    navigate_by(browser, adding.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "已添加用户" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
    assert "clerk-browser" in browser.find_element(By.TAG_NAME, "table").text
    browser.save_screenshot(str(SHOTS / "admin-users.png"))
    for path, name in ((DEPARTMENTS, "admin-departments.png"), (ROUTING, "admin-routing.png")):
        navigate_by(browser, browser.find_element(By.CSS_SELECTOR, f"nav a[href='{path}']"))
        browser.save_screenshot(str(SHOTS / name))
    saving = f"form[action='{ROUTING}'] button[type=submit]"
    navigate_by(browser, browser.find_element(By.CSS_SELECTOR, saving))
    assert "已保存事项分派" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
    for shot in SHOTS.glob("admin-*.png"):
        shutil.copy(shot, tmp_path / shot.name)
