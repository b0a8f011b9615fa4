"""A province with two PCs that have synced real contest results, for the organiser
page tests (requests and a real browser)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import requests
from content_helpers import BUNDLED, STRICT_BUNDLED
from engine_helpers import answer_all

from skillsapp.content.install import ensure_bundled_content
from skillsapp.flows import contest as contest_flow
from skillsapp.storage import open_store
from skillsapp.sync.runner import enrol, sync_now

CONTEST = "tim-hieu-chuyen-doi-so-2026"
ROUND = "tuan-1"
NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
# The server's clock (and the PCs' when they sync): an hour after the results were played,
# inside the round (the server refuses attempts of a round its own clock says is not open).
SERVER_NOW = NOW + datetime.timedelta(hours=1)
HOAN_KIEM, BA_DINH = "00070", "00004"
PROVINCE_USER, PROVINCE_PASSWORD = "tinh", "mat-khau-tinh"
COMMUNE_USER, COMMUNE_PASSWORD = "xa-hoan-kiem", "mat-khau-xa"

# name, ID number, phone, right answers (of 20), prediction. An and Cường both score 20;
# the province has 2 full scores, so An's prediction (2) beats Cường's (1). Each PC alone
# has 1 full score, which would put Cường first: the ranking must use the province's figure.
PC_A = [
    ("Nguyễn Văn An", "001080012345", "0912345678", 20, 2),
    ("Trần Thị Bình", "001175012346", "0987654321", 18, 1),
]
PC_B = [
    ("Lê Văn Cường", "001092012347", "0901234567", 20, 1),
    ("Phạm Thị Dung", "001301012348", "0352345678", 5, 3),
]
EVERYONE = PC_A + PC_B


def play(store, people, commune: str) -> None:
    contest = store.content.contest(CONTEST)
    round_ = contest.round(ROUND)
    for index, (name, id_number, phone, right, prediction) in enumerate(people):
        profile = store.profiles.create(name, province_code="01", commune_code=commune)
        registration = store.registrations.save(
            profile.id,
            CONTEST,
            {
                "full_name": name,
                "id_number": id_number,
                "phone": phone,
                "province_code": "01",
                "commune_code": commune,
                "date_of_birth": datetime.date(1980, 1, 1),
            },
            complete=True,
        )
        start = NOW + datetime.timedelta(minutes=index)
        attempt = contest_flow.start_attempt(
            store, registration, contest, round_, start, seed=index
        )
        answer_all(attempt, right, start, datetime.timedelta(seconds=10), elapsed_ms=10_000)
        attempt.set_prediction(prediction)
        attempt.submit(start + datetime.timedelta(minutes=5))  # everyone takes 5 minutes


@dataclass
class Province:
    server: object
    pc_a: object
    pc_b: object


def build_province(server, tmp_path) -> Province:
    """Publish the bundled pack, make the organisers, enrol two PCs and sync their results."""
    from skillsapp.server.publish import publish_pack

    services = server.services
    services.clock = lambda: SERVER_NOW
    publish_pack(
        services.engine, services.key, services.config.packs_dir, BUNDLED, strict=STRICT_BUNDLED
    )
    province = services.accounts.create_organiser(PROVINCE_USER, PROVINCE_PASSWORD, "province")
    services.accounts.create_organiser(COMMUNE_USER, COMMUNE_PASSWORD, "commune", HOAN_KIEM)
    stores = []
    for name, commune, people in (("pc-a", HOAN_KIEM, PC_A), ("pc-b", BA_DINH, PC_B)):
        store = open_store(tmp_path / name)
        ensure_bundled_content(store)
        code = services.accounts.create_enrolment_code(province, commune)
        enrol(store, server.url, code, f"Nhà văn hóa {name}")
        play(store, people, commune)
        lesson = store.content.lessons()[0].id
        learner = store.profiles.create("Học viên", province_code="01", commune_code=commune)
        store.progress.quiz_result(learner.id, lesson, 100.0, True)
        # Held today: the server refuses a session report dated in the future.
        today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).date()
        session = store.sessions.create(today, "Nhà văn hóa", "Tổ CNSCĐ", "vneid", "Tổ trưởng")
        store.sessions.check_in(session.id, learner.id)
        store.sessions.close(session.id)
        report = sync_now(store, SERVER_NOW)
        assert report.rejected == []
        stores.append(store)
    return Province(server, *stores)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the page has no CSRF field"
    return found[1]


def login_csrf(session: requests.Session, url: str) -> str:
    """Open the sign-in page as a browser would: its pre-session cookie and form token."""
    page = session.get(f"{url}/login", timeout=20)
    return csrf_of(page.text)


def sign_in(session: requests.Session, url: str, username: str, password: str, **form):
    """Post the sign-in form with its token, as a browser would; returns the answer."""
    data = {"username": username, "password": password, "csrf": login_csrf(session, url), **form}
    return session.post(f"{url}/login", data=data, timeout=20, allow_redirects=False)


def signed_in(url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(
        f"{url}/login",
        data={"username": username, "password": password, "csrf": login_csrf(session, url)},
        timeout=20,
    )
    assert answer.status_code == 200 and "Đăng xuất" in answer.text, answer.text[:500]
    return session
