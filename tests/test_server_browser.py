"""One organiser's visit in a real headless Chromium (selenium): sign in, make an
enrolment code, open a round's ranking, download the Excel export and read it.

Needs Debian's ``chromium`` and ``chromium-driver`` (CI installs them); skipped
with the reason when either is missing."""

import time
from pathlib import Path

import pytest
from chromium import CHROMEDRIVER, CHROMIUM, chromium_options, start_chromium

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "needs /usr/bin/chromium and /usr/bin/chromedriver "
        "(apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )
pytest.importorskip("fastapi")
webdriver = pytest.importorskip("selenium.webdriver")
from openpyxl import load_workbook  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as loaded  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from server_helpers import live_server  # noqa: E402
from web_helpers import CONTEST, PROVINCE_PASSWORD, PROVINCE_USER, ROUND, build_province  # noqa: E402

DOWNLOAD_SECONDS = 30
PAGE_SECONDS = 20


def _wait(driver, condition):
    """A click that submits a form returns before the next page is there: wait for it."""
    return WebDriverWait(driver, PAGE_SECONDS).until(condition)


def _find(driver, by, value):
    return _wait(driver, loaded.presence_of_element_located((by, value)))


@pytest.fixture
def browser(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = chromium_options(tmp_path, "--window-size=1366,900")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        },
    )
    driver = start_chromium(options)
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def _wait_for_file(folder: Path, pattern: str) -> Path:
    deadline = time.monotonic() + DOWNLOAD_SECONDS
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(pattern) if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.2)  # polling a download the browser writes on its own
    raise AssertionError(
        f"no {pattern} downloaded within {DOWNLOAD_SECONDS} s: {list(folder.iterdir())}"
    )


def test_organiser_signs_in_makes_a_code_and_downloads_the_ranking(browser, tmp_path):
    with live_server(tmp_path) as server:
        build_province(server, tmp_path)
        browser.get(f"{server.url}/enrolment-codes")  # not signed in: sent to the sign-in page
        assert "/login" in browser.current_url
        _find(browser, By.ID, "username").send_keys(PROVINCE_USER)
        browser.find_element(By.ID, "password").send_keys(PROVINCE_PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "form.box button[type=submit]").click()
        _wait(browser, loaded.url_matches(r"/enrolment-codes$"))  # back where they were going

        Select(_find(browser, By.ID, "province")).select_by_visible_text("Thành phố Hà Nội")
        browser.find_element(By.XPATH, "//button[contains(., 'Xem danh sách xã, phường')]").click()
        _wait(browser, loaded.url_contains("province=01"))
        Select(_find(browser, By.ID, "commune")).select_by_visible_text("Phường Ba Đình")
        browser.find_element(By.CSS_SELECTOR, "#new-code-form button[type=submit]").click()
        code = _find(browser, By.ID, "new-code").text
        assert len(code.replace("-", "")) == 10
        assert "Phường Ba Đình" in browser.find_element(By.CSS_SELECTOR, ".alert.ok").text

        browser.find_element(By.LINK_TEXT, "Cuộc thi & xếp hạng").click()
        _find(browser, By.LINK_TEXT, "Xem xếp hạng").click()
        _wait(browser, loaded.url_matches(f"/rounds/{CONTEST}/{ROUND}$"))
        first = _find(browser, By.CSS_SELECTOR, "table.ranking tbody tr td:nth-child(2)").text
        assert first.startswith("Nguyễn Văn An")

        browser.find_element(By.ID, "export-xlsx").click()
        path = _wait_for_file(browser.downloads, "*.xlsx")
        book = load_workbook(path, read_only=True)
        rows = list(book["Xếp hạng"].values)
        assert rows[1][1] == "Nguyễn Văn An" and rows[1][10] == "001******345"
