"""Debian's headless Chromium driven by its own chromedriver (never a downloaded one), and
the way a test follows a link or submits a form in it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
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

    Looking for the next page's elements while the old one unloads races with Chromium
    ("Node with given id does not belong to the document"); the old root going stale does not.
    """
    old_root = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(old_root))
    WebDriverWait(browser, 10).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )
