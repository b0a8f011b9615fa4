"""Attack: formula cells. A hostile PC names its entrants ``=HYPERLINK(...)``, ``+84…``,
``@SUM(1)``, ``-1+1`` and fills villages and groups with a tab or CR before ``=``; the
organiser downloads the round's Excel and CSV files and the open data. No cell may be,
or start, a formula; the values are still there, neutralised with a leading ``'``."""

import datetime

import pytest
from export_helpers import (
    HOSTILE_GROUP,
    HOSTILE_NAMES,
    HOSTILE_VILLAGE,
    assert_no_formula_cells,
    assert_no_formula_fields,
)
from hostile import CONTEST, PLAYED_AT, ROUND, HostileDevice
from web_helpers import signed_in

ROUND_PAGE = f"/rounds/{CONTEST}/{ROUND}"


def send_hostile_entrants(server, tmp_path) -> HostileDevice:
    device = HostileDevice(server, tmp_path)
    for seed, name in enumerate(HOSTILE_NAMES, start=1):
        registration, attempt = device.honest_attempt(name=name, seed=seed, right=20 - seed)
        registration["payload"]["village"] = HOSTILE_VILLAGE
        registration["payload"]["participant_group"] = HOSTILE_GROUP
        answer = device.send([registration, attempt])
        assert answer["rejected"] == [], answer
    return device


@pytest.fixture
def organiser(province_server):
    return signed_in(province_server.url, "tinh", "mat-khau-tinh")


def test_excel_export_of_hostile_names_has_no_formula(province_server, tmp_path, organiser):
    send_hostile_entrants(province_server, tmp_path)
    answer = organiser.get(f"{province_server.url}{ROUND_PAGE}/export.xlsx", timeout=60)
    assert answer.status_code == 200
    cells = assert_no_formula_cells(answer.content)
    by_sheet: dict[str, list] = {}
    for cell in cells:
        by_sheet.setdefault(cell.parent.title, []).append(cell)
    ranked_names = {c.value for c in by_sheet["Xếp hạng"] if c.column == 2 and c.row > 1}
    assert ranked_names == {"'" + name for name in HOSTILE_NAMES}
    entrants = {(c.row, c.column): c for c in by_sheet["Người dự thi"]}
    villages = {entrants[(row, 7)].value for row in range(2, 2 + len(HOSTILE_NAMES))}
    groups = {entrants[(row, 8)].value for row in range(2, 2 + len(HOSTILE_NAMES))}
    # The server trims the spaces and tabs around a registration's texts; "=1" is left.
    assert villages == {"'" + HOSTILE_VILLAGE.strip()}
    assert groups == {"'" + HOSTILE_GROUP.strip()}
    # Texts are stored as text, submitted times as real times shown the Vietnamese way.
    submitted = [c for c in by_sheet["Xếp hạng"] if c.column == 9 and c.row > 1]
    assert all(isinstance(c.value, datetime.datetime) for c in submitted)
    assert {c.number_format for c in submitted} == {"dd/mm/yyyy hh:mm"}
    assert all(c.data_type == "s" for c in by_sheet["Xếp hạng"] if c.column == 2)


@pytest.mark.parametrize("sheet", ["xep-hang", "nguoi-du-thi", "bai-lam"])
def test_csv_exports_of_hostile_names_have_no_formula(province_server, tmp_path, organiser, sheet):
    send_hostile_entrants(province_server, tmp_path)
    answer = organiser.get(
        f"{province_server.url}{ROUND_PAGE}/export.csv?sheet={sheet}", timeout=60
    )
    assert answer.status_code == 200
    rows = assert_no_formula_fields(answer.content.decode("utf-8"))
    name_column = 0 if sheet == "nguoi-du-thi" else 1
    assert {row[name_column] for row in rows[1:]} == {"'" + name for name in HOSTILE_NAMES}
    if sheet == "nguoi-du-thi":
        assert {row[6] for row in rows[1:]} == {"'" + HOSTILE_VILLAGE.strip()}


def test_open_data_csv_of_a_hostile_commune_has_no_formula(province_server, tmp_path):
    """A lesson record carries its own commune code, which open data shows as is when
    it is not a known commune; a session report carries free texts."""
    device = send_hostile_entrants(province_server, tmp_path)
    lesson = device.store.content.lessons()[0].id
    learner = device.store.profiles.create("Học viên")
    device.store.progress.quiz_result(learner.id, lesson, 100.0, True)
    session = device.store.sessions.create(
        PLAYED_AT.date(), "=1+1", "@nhom", "-chu-de", "+to-truong"
    )
    device.store.sessions.check_in(session.id, learner.id)
    device.store.sessions.close(session.id)
    records = [r for r in device.pending() if r["type"] in ("lesson_progress", "session_report")]
    assert {r["type"] for r in records} == {"lesson_progress", "session_report"}
    for record in records:
        if record["type"] == "lesson_progress":
            record["payload"]["commune_code"] = "=2+3"
    device.send(records)
    answer = province_server_get(province_server, "/api/v1/open-data/participation.csv")
    rows = assert_no_formula_fields(answer)
    assert rows[0][0] == "commune_code"
    codes = {row[0] for row in rows[1:]}
    assert "=2+3" not in codes  # refused, or shown neutralised as "'=2+3"


def province_server_get(server, path: str) -> str:
    import requests

    answer = requests.get(f"{server.url}{path}", timeout=30)
    assert answer.status_code == 200
    return answer.content.decode("utf-8")
