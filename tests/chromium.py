"""Debian's headless Chromium for the browser tests (organiser pages, the phone page).

    options = chromium_options(tmp_path, "--window-size=1366,900")
    driver = start_chromium(options)

Tests that need it skip themselves when ``CHROMIUM`` or ``CHROMEDRIVER`` is missing."""

from __future__ import annotations

from pathlib import Path

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


def chromium_options(profile_parent: Path, *extra: str):
    """Options for a quiet headless Chromium with its own profile under ``profile_parent``."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile_parent / 'chromium-profile'}",
        *extra,
    ):
        options.add_argument(argument)
    return options


def start_chromium(options):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    return driver
