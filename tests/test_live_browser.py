"""A resident's phone in a real headless Chromium at 360×640: opens the address from the
QR code, joins, taps an answer, sees "Đã ghi nhận", sees the explanation after the
reveal, and after a reload is still the same player with the answer shown.

Needs Debian's ``chromium`` and ``chromium-driver``; skipped with the reason when either
is missing. Screenshots go to the test's tmp dir, and also to ``SKILLSAPP_SHOTS_DIR``
when set (to look at them)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from chromium import CHROMEDRIVER, CHROMIUM, chromium_options, start_chromium

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "needs /usr/bin/chromium and /usr/bin/chromedriver "
        "(apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )
webdriver = pytest.importorskip("selenium.webdriver")
from live_support import SqliteRecorder  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as shown  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from skillsapp.i18n import _, set_language  # noqa: E402
from skillsapp.live.game import LiveGame  # noqa: E402
from skillsapp.live.host import LiveHost  # noqa: E402
from skillsapp.models import Question  # noqa: E402

ROOM = "271828"
NAME = "<script>alert(1)</script> =1+1"
WAIT_SECONDS = 20
QUESTIONS = [
    Question(
        id="q1",
        topic="lua-dao",
        difficulty="easy",
        text="Có người gọi điện tự xưng công an, yêu cầu bạn chuyển tiền. Bạn làm gì?",
        options=(
            "Chuyển tiền ngay cho xong",
            "Cúp máy, gọi lại số đường dây nóng của công an xã",
            "Đọc mã OTP cho họ",
            "<img src=x onerror=alert(2)>",
        ),
        correct=(1,),
        explanation="Công an không bao giờ yêu cầu chuyển tiền qua điện thoại.",
    ),
]


@pytest.fixture
def phone_browser(tmp_path):
    options = chromium_options(tmp_path)
    options.add_experimental_option(
        "mobileEmulation",
        {"deviceMetrics": {"width": 360, "height": 640, "pixelRatio": 2.0, "touch": True}},
    )
    driver = start_chromium(options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def hosting(tmp_path):
    """Starts a game with the given questions behind a real LiveHost."""
    # SKILLSAPP_TEST_LOCALES: a catalog with strings not merged into locales/ yet.
    test_locales = os.environ.get("SKILLSAPP_TEST_LOCALES")
    set_language("vi", directory=Path(test_locales) if test_locales else None)
    recorder = SqliteRecorder(tmp_path / "live.db")
    hosts: list[LiveHost] = []

    def start(questions: list[Question]) -> tuple[LiveGame, LiveHost, SqliteRecorder]:
        game = LiveGame("g1", questions, ROOM, recorder)
        hosts.append(LiveHost(game, "127.0.0.1", 0))
        hosts[-1].start()
        return game, hosts[-1], recorder

    yield start
    for host in hosts:
        host.stop()
    recorder.close()
    set_language("vi")


def _text_appears(driver, element_id: str, text: str) -> None:
    WebDriverWait(driver, WAIT_SECONDS).until(
        shown.text_to_be_present_in_element((By.ID, element_id), text)
    )


def _option_marked(driver, index: int, mark: str) -> None:
    """Wait until option ``index`` carries ``mark`` (the page redraws its buttons)."""
    WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: (
            mark
            in d.find_elements(By.CSS_SELECTOR, "#options button")[index].get_attribute("class")
        )
    )


def _shot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    assert driver.save_screenshot(str(path))
    target = os.environ.get("SKILLSAPP_SHOTS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)
    return path


def test_a_resident_joins_taps_an_answer_and_reads_the_explanation(
    phone_browser, hosting, tmp_path
):
    driver = phone_browser
    game, host, recorder = hosting(QUESTIONS)
    driver.get(f"{host.url}?room={ROOM}")  # the address in the QR code
    name_box = WebDriverWait(driver, WAIT_SECONDS).until(
        shown.visibility_of_element_located((By.ID, "name"))
    )
    assert driver.find_element(By.ID, "room").get_attribute("value") == ROOM
    assert driver.execute_script("return window.innerWidth") == 360
    _shot(driver, tmp_path, "live-phone-join")
    name_box.send_keys(NAME)
    driver.find_element(By.ID, "join-button").click()
    _text_appears(driver, "wait-text", _("Waiting for the question…"))
    hello = driver.find_element(By.ID, "hello").text
    assert NAME in hello  # shown as text, not run as a script
    _shot(driver, tmp_path, "live-phone-waiting")

    game.open_next()  # the leader shows the question: the page gets it pushed
    options = WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#options button")
    )
    assert options[3].text == "D. <img src=x onerror=alert(2)>"
    for option in options:  # big enough to tap, and the text big enough to read
        assert option.size["height"] >= 48 and option.size["width"] >= 300
        assert float(option.value_of_css_property("font-size").rstrip("px")) >= 20
    options[1].click()
    _text_appears(driver, "q-status", _("Recorded"))
    _option_marked(driver, 1, "picked")
    _shot(driver, tmp_path, "live-phone-recorded")
    assert recorder.rows("SELECT choices, correct FROM answers") == [("1", 1)]

    game.reveal()
    _text_appears(driver, "explanation", "Công an không bao giờ")
    assert driver.find_element(By.ID, "verdict").text == _("Right!")
    _shot(driver, tmp_path, "live-phone-revealed")

    driver.refresh()  # the screen locked and the browser reloaded: same player, same answer
    _text_appears(driver, "explanation", "Công an không bao giờ")
    _option_marked(driver, 1, "right")
    assert game.snapshot().players == 1
    logs = driver.get_log("browser") if hasattr(driver, "get_log") else []
    errors = [e for e in logs if e.get("level") == "SEVERE" and "favicon" not in e["message"]]
    assert not errors, errors


def test_without_event_source_the_page_long_polls_and_a_multi_answer_needs_send(
    phone_browser, hosting, tmp_path
):
    """Old Android browsers have no EventSource: the page asks /state instead."""
    driver = phone_browser
    multi = Question(
        id="q1",
        topic="mat-khau",
        difficulty="easy",
        text="Mật khẩu nào an toàn? (chọn tất cả đáp án đúng)",
        options=("123456", "Hoa-Sen-Nở-7-Giờ!", "ngaysinh1960", "Ca!Phe#Sua@Da2026"),
        correct=(1, 3),
        explanation="Mật khẩu dài, có chữ hoa, số và ký hiệu.",
    )
    game, host, recorder = hosting([multi])
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.EventSource;"}
    )
    driver.get(f"{host.url}?room={ROOM}")
    WebDriverWait(driver, WAIT_SECONDS).until(
        shown.visibility_of_element_located((By.ID, "name"))
    ).send_keys("Bà Tư")
    assert driver.execute_script("return typeof window.EventSource") == "undefined"
    driver.find_element(By.ID, "join-button").click()
    _text_appears(driver, "wait-text", _("Waiting for the question…"))
    game.open_next()
    options = WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#options button")
    )
    options[1].click()
    driver.find_elements(By.CSS_SELECTOR, "#options button")[3].click()
    assert recorder.rows("SELECT count(*) FROM answers") == [(0,)]  # nothing sent yet
    driver.find_element(By.ID, "send").click()
    _text_appears(driver, "q-status", _("Recorded"))
    assert recorder.rows("SELECT choices, correct FROM answers") == [("1,3", 1)]
    game.reveal()
    _text_appears(driver, "explanation", "Mật khẩu dài")
    assert driver.find_element(By.ID, "verdict").text == _("Right!")
    _shot(driver, tmp_path, "live-phone-multi-revealed")
