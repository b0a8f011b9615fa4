"""Round exports read back and compared with the database; masking; failures."""

import csv
import datetime
import errno
import os

import pytest
from engine_helpers import answer_all
from openpyxl import load_workbook
from pypdf import PdfReader

from skillsapp.content.install import ensure_bundled_content
from skillsapp.flows import contest as contest_flow
from skillsapp.reports.pdf import ExportError
from skillsapp.reports.round_data import RoundNotReady
from skillsapp.reports.round_export import UnmaskRefused, export_round

CONTEST = "tim-hieu-chuyen-doi-so-2026"
NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
AFTER = datetime.datetime(2026, 12, 20, tzinfo=datetime.UTC)  # round tuan-1 has closed
PEOPLE = [  # name, ID number (valid structure), phone, commune, right answers
    ("Nguyễn Văn An", "001080012345", "0912345678", "00070", 20),
    ("Trần Thị Bình", "001175012346", "0987654321", "00070", 18),
    ("Lê Văn Cường", "001092012347", "0901234567", "00004", 20),
    ("Phạm Thị Dung", "001301012348", "0352345678", "00004", 5),
]


@pytest.fixture
def round_store(store):
    ensure_bundled_content(store)
    contest = store.content.contest(CONTEST)
    round_ = contest.round("tuan-1")
    for index, (name, id_number, phone, commune, right) in enumerate(PEOPLE):
        profile = store.profiles.create(name)
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
        attempt.set_prediction(2 + index)
        attempt.submit(start + datetime.timedelta(minutes=5 + index))
    return store


def test_excel_export_matches_the_database_and_masks_by_default(round_store, tmp_path):
    (path,) = export_round(round_store, CONTEST, "tuan-1", "xlsx", tmp_path / "ket-qua.xlsx", AFTER)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Xếp hạng", "Người dự thi", "Theo xã, phường", "Câu hỏi", "Bài làm"]
    ranking = list(book["Xếp hạng"].values)
    assert ranking[0][:4] == ("Hạng", "Họ và tên", "Xã, phường", "Điểm")
    rows = ranking[1:]
    assert [r[1] for r in rows] == [
        "Nguyễn Văn An",
        "Lê Văn Cường",
        "Trần Thị Bình",
        "Phạm Thị Dung",
    ]
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert rows[0][3] == 20 and rows[0][5] == 2 and rows[0][6] == 0  # true figure is 2 full scores
    assert rows[0][10] == "001******345" and rows[0][11] == "091****678"
    all_text = " ".join(
        str(c) for sheet in book for row in sheet.values for c in row if c is not None
    )
    assert "001080012345" not in all_text and "0912345678" not in all_text
    attempts = list(book["Bài làm"].values)
    assert len(attempts) == 1 + len(PEOPLE)
    db_scores = sorted(
        r[0] for r in round_store.db.execute("SELECT score FROM attempts WHERE kind='contest'")
    )
    assert sorted(r[5] for r in attempts[1:]) == db_scores
    first = attempts[1]
    answered = round_store.attempts.answers(first[0])
    assert first[9] in answered  # question id of position 1
    header, *communes = list(book["Theo xã, phường"].values)
    # The third column counts people with full marks, and says so (it is no score).
    assert header == ("Xã, phường", "Người dự thi", "Số người đạt điểm tối đa", "Điểm trung bình")
    assert {r[0]: r[1] for r in communes} == {"Phường Hoàn Kiếm": 2, "Phường Ba Đình": 2}
    full = sum(1 for r in PEOPLE if r[4] == 20)
    assert sum(r[2] for r in communes) == full
    questions = list(book["Câu hỏi"].values)[1:]
    assert sum(r[3] for r in questions) == 20 * len(PEOPLE)


def test_csv_export_has_bom_and_every_answer(round_store, tmp_path):
    paths = export_round(round_store, CONTEST, "tuan-1", "csv", tmp_path / "vong-1", AFTER)
    names = sorted(p.name for p in paths)
    assert "vong-1-bai-lam.csv" in names and "vong-1-xep-hang.csv" in names
    raw = (tmp_path / "vong-1-xep-hang.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "vong-1-bai-lam.csv", encoding="utf-8-sig", newline="") as handle:
        answers = list(csv.reader(handle))
    assert answers[0][0] == "Lượt thi"
    assert (
        len(answers) - 1
        == round_store.db.execute(
            "SELECT count(*) FROM answers a JOIN attempts t "
            "ON t.id = a.attempt_id WHERE t.kind='contest'"
        ).fetchone()[0]
    )
    marks = sum(float(r[5]) for r in answers[1:])
    assert marks == sum(p[4] for p in PEOPLE)


def test_pdf_report_contains_vietnamese_text(round_store, tmp_path):
    (path,) = export_round(round_store, CONTEST, "tuan-1", "pdf", tmp_path / "bao-cao.pdf", AFTER)
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    for expected in (
        "Tìm hiểu về chuyển đổi số",
        "Nguyễn Văn An",
        "Lê Văn Cường",
        "Phường Hoàn Kiếm",
        "Xếp hạng",
    ):
        assert expected in text


def test_winner_certificates(round_store, tmp_path):
    (path,) = export_round(
        round_store, CONTEST, "tuan-1", "certificates", tmp_path / "giay-khen.pdf", AFTER
    )
    reader = PdfReader(path)
    assert len(reader.pages) == 3
    assert (
        "Giải Nhất" in reader.pages[0].extract_text()
        and "Nguyễn Văn An" in reader.pages[0].extract_text()
    )


def test_unmasked_needs_an_organiser_and_is_audited(round_store, tmp_path):
    with pytest.raises(UnmaskRefused):
        export_round(
            round_store, CONTEST, "tuan-1", "xlsx", tmp_path / "x.xlsx", AFTER, unmasked=True
        )
    assert not (tmp_path / "x.xlsx").exists()
    code, _expires = round_store.organisers.issue_setup_code()
    round_store.organisers.create("to-truong", "mat-khau-dai", setup_code=code)
    (path,) = export_round(
        round_store,
        CONTEST,
        "tuan-1",
        "xlsx",
        tmp_path / "x.xlsx",
        AFTER,
        unmasked=True,
        organiser="to-truong",
    )
    rows = list(load_workbook(path, read_only=True)["Xếp hạng"].values)
    assert rows[1][10] == "001080012345"
    (entry,) = round_store.organisers.audit_entries("export_unmasked")
    assert entry["actor"] == "to-truong" and entry["detail"]["round"] == "tuan-1"


def test_empty_round_is_a_clear_message(round_store, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RoundNotReady) as caught:
        export_round(round_store, CONTEST, "tuan-2", "xlsx", out / "x.xlsx", AFTER)
    assert "Chưa có ai nộp bài" in str(caught.value)
    assert not out.exists()


def test_open_round_is_exported_with_a_warning(round_store, tmp_path):
    (path,) = export_round(
        round_store, CONTEST, "tuan-1", "pdf", tmp_path / "r.pdf", NOW + datetime.timedelta(hours=1)
    )
    assert "còn đang mở" in " ".join(p.extract_text() for p in PdfReader(path).pages)


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EACCES])
def test_full_disk_or_file_open_in_excel_leaves_nothing_half_written(
    round_store, tmp_path, monkeypatch, error
):
    target = tmp_path / "out" / "ket-qua.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"previous export")
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(dst) == str(target):
            raise (PermissionError if error == errno.EACCES else OSError)(error, os.strerror(error))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ExportError) as caught:
        export_round(round_store, CONTEST, "tuan-1", "xlsx", target, AFTER)
    message = str(caught.value)
    assert str(target) in message
    assert ("đầy" in message) if error == errno.ENOSPC else ("Excel" in message)
    assert sorted(p.name for p in target.parent.iterdir()) == ["ket-qua.xlsx"]
    assert target.read_bytes() == b"previous export"


def test_folder_that_cannot_be_created(round_store, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError) as caught:
        export_round(round_store, CONTEST, "tuan-1", "pdf", blocker / "sub" / "r.pdf", AFTER)
    assert "r.pdf" in str(caught.value)
