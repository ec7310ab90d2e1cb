"""Debian's headless Chromium driven by its own chromedriver (never a downloaded one), and
the way a test follows a link or submits a form in it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

BROWSER_PAGE_TIMEOUT_S = 15
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DEBIAN_PACKAGES = "deploy/debian-packages.txt"


def require_programs(*programs: Path, packages: str) -> None:
    """Fail, never skip, when a program of the test rig is missing: a green run must mean
    the page was looked at."""
    missing = [str(program) for program in programs if not program.exists()]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} missing: install Debian's {packages} "
            f"(listed in {DEBIAN_PACKAGES}; deploy/bootstrap.sh installs them)",
            pytrace=False,
        )


@contextmanager
def chromium() -> Iterator[WebDriver]:
    require_programs(CHROMIUM, CHROMEDRIVER, packages="chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console: CSP reports
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(BROWSER_PAGE_TIMEOUT_S)
    try:
        yield driver
    finally:
        driver.quit()


def navigate_by(browser: WebDriver, element: WebElement) -> None:
    """Click what submits a form or follows a link, and wait until the next page has loaded.

    No element reference survives the click: while Chromium unloads the old page, even asking
    whether an old node is stale may fail ("Node with given id does not belong to the
    document"). Each document has its own `performance.timeOrigin`; a new one, fully loaded,
    is the next page, and a script that runs mid-navigation and fails is simply asked again.
    """
    old_origin = browser.execute_script("return performance.timeOrigin")
    element.click()

    def next_page_loaded(driver: WebDriver) -> bool:
        origin, state = driver.execute_script(
            "return [performance.timeOrigin, document.readyState]"
        )
        return origin != old_origin and state == "complete"

    WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(next_page_loaded)
