"""Headless Chromium for browser tests: the real Debian chromium and chromedriver, no downloads.

Usage::

    from tests.helpers.browser import chrome_driver, save_screenshot

    with chrome_driver() as driver:          # 1280x900, headless, closed afterwards
        driver.get(url)
        save_screenshot(driver, "my-page")   # -> test-artifacts/screenshots/my-page.png
        driver.get_log("browser")            # console messages, CSP violations included
        wait_until_replaced(driver, old_html)  # after a click that loads a new page

`chrome_driver()` skips the test when chromium or chromedriver is missing (and fails instead
when the CI environment variable is set), so a machine without a browser still runs the rest.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path(os.environ.get("PREVENT_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("PREVENT_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"))
WINDOW = (1280, 900)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"headless Chromium is required in CI: {reason}", pytrace=False)
    pytest.skip(f"headless Chromium unavailable: {reason}")


@contextmanager
def chrome_driver(window: tuple[int, int] = WINDOW) -> Iterator[object]:
    """A headless Chromium WebDriver (selenium), quit when the block ends.

    Flags: --headless=new --no-sandbox --disable-dev-shm-usage, window `window` (1280x900).
    Browser console logs are kept (`driver.get_log("browser")`). Nothing is downloaded:
    Selenium Manager is bypassed by giving both paths.
    """
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not (path.exists() or shutil.which(str(path))):
            _unavailable(f"{path} not found")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-sync",
        "--lang=en-GB",
        f"--window-size={window[0]},{window[1]}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    except WebDriverException as exc:
        _unavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    try:
        driver.set_window_size(*window)
        yield driver
    finally:
        driver.quit()


def save_screenshot(driver: object, name: str) -> Path:
    """Save the visible page as test-artifacts/screenshots/NAME.png (under the project root)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "screenshot"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{safe}.png"
    if not driver.save_screenshot(str(path)):  # type: ignore[attr-defined]
        raise RuntimeError(f"could not save a screenshot to {path}")
    return path


# Chromium reports an element of a page that has just been replaced in two ways: as a stale
# element, or, while the new document is being attached, as an inspector error naming a node
# that "does not belong to the document" (a CI run failed on the second). Both mean "gone".
_GONE_MESSAGES = ("does not belong to the document", "no node with given id")


def wait_until_replaced(driver: object, old_element: object, timeout: float = 15) -> None:
    """Wait until `old_element` (e.g. the old page's <html>) is no longer in the document.

    Selenium's `staleness_of` only knows StaleElementReferenceException; any other WebDriver
    error that says the node is gone counts too, and every other error is raised as it is.
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def replaced(_driver: object) -> bool:
        try:
            old_element.is_enabled()  # type: ignore[attr-defined]
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if any(text in str(exc).lower() for text in _GONE_MESSAGES):
                return True
            raise
        return False

    WebDriverWait(driver, timeout).until(replaced)
