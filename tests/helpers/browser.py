"""Headless Chromium for browser tests: the real Debian chromium and chromedriver, no downloads.

Usage::

    from tests.helpers.browser import chrome_driver, save_screenshot

    with chrome_driver() as driver:          # 1280x900, headless, closed afterwards
        driver.get(url)
        save_screenshot(driver, "my-page")   # -> test-artifacts/screenshots/my-page.png
        driver.get_log("browser")            # console messages, CSP violations included

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
