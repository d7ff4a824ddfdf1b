"""Headless Chromium for page tests, via selenium and chromedriver.

``open_browser()`` skips the test with the reason when Chromium, chromedriver or
selenium is missing, unless STACKGRAPH_REQUIRE_BROWSER=1 (as in CI), where it fails.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DRIVER_CANDIDATES = ("/usr/bin/chromedriver",)


def _first(candidates: tuple[str, ...], name: str) -> str | None:
    for path in candidates:
        if os.path.exists(path):
            return path
    return shutil.which(name)


def _unavailable(reason: str) -> None:
    if os.environ.get("STACKGRAPH_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + "; STACKGRAPH_REQUIRE_BROWSER=1 forbids skipping")
    pytest.skip(reason)


def open_browser():
    """A headless Chromium WebDriver logging the console; the caller quits it."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (pip install -e '.[dev]')")
    chromium = _first(CHROMIUM_CANDIDATES, "chromium")
    driver_path = _first(DRIVER_CANDIDATES, "chromedriver")
    if not chromium or not driver_path:
        _unavailable("no Chromium and chromedriver (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="sg-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver._stackgraph_profile = profile  # removed in close_browser
    return driver


def close_browser(driver) -> None:
    profile = getattr(driver, "_stackgraph_profile", None)
    driver.quit()
    if profile:
        shutil.rmtree(profile, ignore_errors=True)


def severe_console_messages(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def file_url(path: Path) -> str:
    return Path(path).resolve().as_uri()
