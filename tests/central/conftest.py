from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver

from central.db import Database
from tests.rigs.central import CentralServer, start_central


@pytest.fixture(scope="session")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    server = start_central(tmp_path_factory.mktemp("central"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def own_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    """A central service for one module alone: its tests move certificates' dates in its
    database and count against its rate limit, and no other module should see that."""
    server = start_central(tmp_path_factory.mktemp("own-central"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def own_database(own_central: CentralServer) -> Iterator[Database]:
    """The database `own_central` serves (the SQLite file `start_central` puts beside its log),
    opened beside the server as an operator's tool would."""
    database = Database(f"sqlite:///{own_central.log_path.parent / 'central.sqlite3'}")
    yield database
    database.engine.dispose()


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


@pytest.fixture(scope="session")
def browser() -> Iterator[WebDriver]:
    """Debian's chromium, headless, driven by its own chromedriver (never a downloaded one);
    one for the whole run, since starting it is most of a browser test's time."""
    require_programs(CHROMIUM, CHROMEDRIVER, packages="chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console: CSP reports
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(BROWSER_PAGE_TIMEOUT_S)
    yield driver
    driver.quit()
