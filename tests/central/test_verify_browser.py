"""The verification page in a real browser (Debian's headless chromium through Selenium), as
a bank clerk uses it: type the code into the form, or scan the QR code on the paper.

Each state is looked at on a phone (375 CSS px) and a desktop width: the text is there, the
Chinese is drawn with a CJK font (not as boxes), nothing sticks out sideways. Screenshots go
to the test's tmp directory and to /tmp/verify-shots/ for a person to look at.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import update

from central.db import Database
from central.models import Certificate
from central.revocation import PUBLIC_REASONS
from kiosk.api.models import CertificateAnswer, SessionByIdCard
from kiosk.documents.certificate import render_certificate
from tests.rigs.browser import BROWSER_PAGE_TIMEOUT_S, require_programs
from tests.rigs.central import ADMIN_TOKEN, CentralServer
from tests.rigs.residents import ELDER_CARD

SHOTS_COPY_DIR = Path("/tmp/verify-shots")
# (name, CSS px wide, px high, device pixels per CSS px, mobile): a small phone and a laptop.
WIDTHS = (("phone", 375, 812, 2, True), ("desktop", 1280, 900, 1, False))
CONTENT_HASH = re.compile(r"[0-9A-F]{4}(?:-[0-9A-F]{4}){3}")
SERIAL = re.compile(r"ZM\d{16}")


@dataclass(frozen=True)
class Case:
    code: str
    must_show: tuple[str, ...]
    must_not_show: tuple[str, ...]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    SHOTS_COPY_DIR.mkdir(parents=True, exist_ok=True)
    return tmp_path_factory.mktemp("verify-shots")


def issue(server: CentralServer) -> CertificateAnswer:
    client = server.client()
    token = client.open_session(SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="s")).token
    return client.issue_certificate(token, "si-cert", secrets.token_hex(12))


@pytest.fixture(scope="module")
def cases(own_central: CentralServer, own_database: Database) -> dict[str, Case]:
    """One certificate in each state, made through the API (and the database for the date)."""
    valid, expired, revoked = issue(own_central), issue(own_central), issue(own_central)
    with own_database.session() as session:
        session.execute(
            update(Certificate)
            .where(Certificate.id == expired.certificate_id)
            .values(valid_until=dt.date.today() - dt.timedelta(days=3))
        )
    response = requests.post(
        f"{own_central.url}/admin/certificates/{revoked.serial_no}/revoke",
        json={"reason": "superseded"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    details = ("社会保险参保证明", "李*英")
    return {
        "valid": Case(
            valid.verify.code,
            ("证明有效", *details, valid.serial_no, valid.verify.content_hash),
            ("已撤销", "已过核验有效期", "李秀英"),
        ),
        "expired": Case(
            expired.verify.code,
            ("证明已过核验有效期", *details, expired.serial_no, expired.verify.content_hash),
            ("证明有效", "已撤销"),
        ),
        "revoked": Case(
            revoked.verify.code,
            ("证明已撤销", PUBLIC_REASONS["superseded"], revoked.serial_no, *details),
            ("证明有效", "已过核验有效期"),
        ),
        "unknown": Case("ZZZZZZZZZZZZ", ("未找到验证码",), ("证明有效", "李*英")),
    }


def use_width(browser: WebDriver, width: int, height: int, scale: int, mobile: bool) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile},
    )


def submit_the_form(browser: WebDriver, server: CentralServer, code: str) -> None:
    browser.get(f"{server.url}/verify")
    field = browser.find_element(By.ID, "code")
    field.send_keys(code.lower())  # the page takes either case
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    WebDriverWait(browser, BROWSER_PAGE_TIMEOUT_S).until(
        expected_conditions.url_contains(f"/verify/{code}")
    )
    WebDriverWait(browser, BROWSER_PAGE_TIMEOUT_S).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".state .verdict"))
    )


def fonts_drawing(browser: WebDriver, selector: str) -> set[str]:
    """The families chromium actually drew this element's text with (its glyph fallback
    included): a character no font has would show up as a last-resort font here."""
    browser.execute_cdp_cmd("DOM.enable", {})
    browser.execute_cdp_cmd("CSS.enable", {})
    root = browser.execute_cdp_cmd("DOM.getDocument", {})["root"]["nodeId"]
    node = browser.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})
    used = browser.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    return {font["familyName"] for font in used["fonts"]}


def cjk_families() -> set[str]:
    """Every family fontconfig says covers Chinese, under each of its names."""
    listed = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True
    ).stdout
    return {name.strip() for line in listed.splitlines() for name in line.split(",")}


def sticking_out(browser: WebDriver) -> list[str]:
    """Elements wider than the page or reaching past its right edge, and the page's own
    horizontal scroll: any of them means a clipped or sideways-scrolling page."""
    return browser.execute_script(  # type: ignore[no-any-return]
        """
        const width = document.documentElement.clientWidth;
        const found = [];
        if (document.documentElement.scrollWidth > width)
            found.push(`page scrolls: ${document.documentElement.scrollWidth} > ${width}`);
        for (const el of document.body.querySelectorAll("*")) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 0.5 || box.left < -0.5)
                found.push(`${el.tagName}.${el.className} spans ${box.left}..${box.right}`);
            if (el.tagName !== "INPUT" && el.scrollWidth > el.clientWidth + 1
                && getComputedStyle(el).overflowX !== "visible")
                found.push(`${el.tagName}.${el.className} clips its content`);
        }
        return found;
        """
    )


def screenshot(browser: WebDriver, shots: Path, name: str) -> Path:
    """The whole page, not only the window, as PNG; a copy in SHOTS_COPY_DIR."""
    png = base64.b64decode(
        browser.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
        )["data"]
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    path = shots / f"{name}.png"
    path.write_bytes(png)
    shutil.copy(path, SHOTS_COPY_DIR / path.name)
    return path


@pytest.mark.parametrize("state", ["valid", "expired", "revoked", "unknown"])
def test_the_form_leads_to_a_readable_page_on_a_phone_and_a_desktop(
    browser: WebDriver,
    own_central: CentralServer,
    cases: dict[str, Case],
    shots: Path,
    state: str,
) -> None:
    case = cases[state]
    use_width(browser, *WIDTHS[0][1:])
    submit_the_form(browser, own_central, case.code)

    text = browser.find_element(By.TAG_NAME, "main").text
    for expected in case.must_show:
        assert expected in text, f"{state}: {expected!r} missing from the page"
    for unexpected in case.must_not_show:
        assert unexpected not in text, f"{state}: {unexpected!r} on the page"
    drawn_with = fonts_drawing(browser, "h1") | fonts_drawing(browser, ".state .verdict")
    assert drawn_with and drawn_with <= cjk_families(), f"Chinese drawn with {drawn_with}"
    for name, width, height, scale, mobile in WIDTHS:
        use_width(browser, width, height, scale, mobile)
        assert browser.execute_script("return window.innerWidth") == width
        assert sticking_out(browser) == [], f"{state} at {width} px"
        screenshot(browser, shots, f"verify-{state}-{name}")
    console = [entry["message"] for entry in browser.get_log("browser")]
    assert [m for m in console if "Content Security Policy" in m] == [], console


def test_a_revoked_certificate_is_marked_unlike_a_valid_one(
    browser: WebDriver, own_central: CentralServer, cases: dict[str, Case]
) -> None:
    use_width(browser, *WIDTHS[1][1:])
    colours = {}
    for state in ("valid", "expired", "revoked"):
        browser.get(f"{own_central.url}/verify/{cases[state].code}")
        banner = browser.find_element(By.CSS_SELECTOR, ".state")
        colours[state] = banner.value_of_css_property("background-color")
    assert len(set(colours.values())) == 3, colours


def test_the_qr_code_on_the_printed_page_opens_the_page_of_that_certificate(
    browser: WebDriver,
    own_central: CentralServer,
    shots: Path,
    tmp_path: Path,
) -> None:
    require_programs(
        Path("/usr/bin/pdftoppm"),
        Path("/usr/bin/pdftotext"),
        Path("/usr/bin/zbarimg"),
        packages="poppler-utils and zbar-tools",
    )
    answer = issue(own_central)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(render_certificate(answer))

    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf,
            tmp_path / "page",
        ],
        check=True,
        timeout=60,
    )
    shutil.copy(tmp_path / "page.png", SHOTS_COPY_DIR / "certificate-page-1.png")
    scanned = subprocess.run(
        ["zbarimg", "--raw", "-q", tmp_path / "page.png"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    printed = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", pdf, "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout

    assert scanned.splitlines() == [answer.verify.url]
    printed_hashes = set(CONTENT_HASH.findall(printed))
    printed_serials = set(SERIAL.findall(printed))
    assert printed_hashes == {answer.verify.content_hash}
    assert printed_serials == {answer.serial_no}
    use_width(browser, *WIDTHS[0][1:])
    browser.get(scanned.strip())
    text = browser.find_element(By.TAG_NAME, "main").text
    screenshot(browser, shots, "verify-scanned-phone")
    assert "证明有效" in text
    assert printed_serials.pop() in text and printed_hashes.pop() in text
