"""Installing, updating and removing packs from folders and zips, safely."""

import os
import zipfile

import pytest
from content_helpers import BUNDLED, copy_example, edit

from skillsapp.content.install import (
    PackRejected,
    ensure_bundled_content,
    install_pack,
    remove_pack,
)
from skillsapp.errors import ContentError


def zip_folder(folder, target, prefix=""):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in folder.rglob("*"):
            if path.is_file():
                bundle.write(path, prefix + path.relative_to(folder).as_posix())
    return target


def installed_files(store):
    return sorted(p.name for p in store.paths.packs.iterdir())


def test_install_from_folder_indexes_everything(store, tmp_path):
    result = install_pack(store, copy_example(tmp_path))
    assert result.pack.id == "goi-mau" and result.replaced_version is None
    assert [lesson.id for lesson in store.content.lessons()] == ["mat-khau"]
    assert store.content.question_count() == 4
    assert store.content.question("mat-khau-002").correct == (0, 2)
    assert [c.id for c in store.content.contests()] == ["thi-thu"]
    assert (store.paths.packs / "goi-mau" / "images" / "mat-khau.svg").is_file()
    assert installed_files(store) == ["goi-mau"]  # no staging folder left


def test_install_from_zip_with_top_folder(store, tmp_path):
    archive = zip_folder(copy_example(tmp_path), tmp_path / "goi.zip", prefix="goi-mau/")
    result = install_pack(store, archive)
    assert result.pack.id == "goi-mau"
    assert store.content.lesson("mat-khau").title == "Đặt mật khẩu an toàn"


def test_invalid_pack_is_refused_with_every_problem_and_nothing_installed(store, tmp_path):
    root = copy_example(tmp_path)
    edit(root / "questions/mat-khau.yaml", "answer: C", "answer: G")
    edit(root / "questions/ma-otp.yaml", "difficulty: easy", "difficulty: de")
    with pytest.raises(PackRejected) as caught:
        install_pack(store, root)
    message = str(caught.value)
    assert "chưa được cài vì có lỗi" in message
    assert "questions/mat-khau.yaml:11" in message and "questions/ma-otp.yaml:4" in message
    assert store.content.packs() == [] and store.content.question_count() == 0
    assert installed_files(store) == []


def test_update_keeps_progress_and_results(store, tmp_path):
    root = copy_example(tmp_path)
    install_pack(store, root)
    profile = store.profiles.create("Bà Năm")
    store.db.table("lesson_progress").insert(
        {
            "id": "lp1",
            "profile_id": profile.id,
            "lesson_id": "mat-khau",
            "status": "done",
            "created_at": "2026-01-01",
        }
    )
    store.db.table("attempts").insert(
        {
            "id": "a1",
            "profile_id": profile.id,
            "kind": "contest",
            "contest_id": "thi-thu",
            "status": "submitted",
            "started_at": "2026-01-06",
            "created_at": "2026-01-06",
        }
    )
    edit(root / "pack.yaml", 'version: "1.0.0"', 'version: "1.1.0"')
    edit(
        root / "questions/mat-khau.yaml",
        "Mật khẩu nào sau đây khó đoán nhất?",
        "Mật khẩu nào khó đoán nhất?",
    )
    result = install_pack(store, root)
    assert result.replaced_version == "1.0.0"
    assert store.content.question("mat-khau-001").text == "Mật khẩu nào khó đoán nhất?"
    assert store.db.table("lesson_progress").count == 1 and store.db.table("attempts").count == 1

    remove_pack(store, "goi-mau")
    assert store.content.packs() == [] and store.content.question_count() == 0
    assert store.db.table("lesson_progress").count == 1 and store.db.table("attempts").count == 1
    assert [c.id for c in store.content.contests()] == ["thi-thu"]  # results stay readable
    assert installed_files(store) == []


def test_zip_slip_is_refused_before_anything_is_written(store, tmp_path):
    archive = tmp_path / "xau.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("pack.yaml", "id: x\n")
        bundle.writestr("../../ngoai.txt", "owned")
    with pytest.raises(ContentError) as caught:
        install_pack(store, archive)
    assert "ra ngoài thư mục" in str(caught.value) and "xau.zip" in str(caught.value)
    assert not (tmp_path / "ngoai.txt").exists() and not (store.paths.root / "ngoai.txt").exists()
    assert installed_files(store) == []


def test_zip_bomb_is_refused(store, tmp_path):
    archive = tmp_path / "bom.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("pack.yaml", "id: x\n")
        bundle.writestr("questions/big.yaml", b"\0" * (40 * 1024 * 1024))
    assert archive.stat().st_size < 200_000
    with pytest.raises(ContentError) as caught:
        install_pack(store, archive)
    assert "bom zip" in str(caught.value)
    assert installed_files(store) == []


def test_member_that_lies_about_its_size_is_stopped(store, tmp_path):
    # A header claiming a small size while the data is large: the unpack loop counts bytes.
    archive = tmp_path / "lie.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
        bundle.writestr("pack.yaml", "x" * (51 * 1024 * 1024))
    with pytest.raises(ContentError) as caught:
        install_pack(store, archive)
    assert "quá lớn" in str(caught.value)


def test_huge_file_is_refused_without_reading_it(store, tmp_path):
    big = tmp_path / "rat-lon.zip"
    with open(big, "wb") as handle:
        handle.truncate(500 * 1024 * 1024)  # sparse: 500 MB on paper, nothing on disk
    with pytest.raises(ContentError) as caught:
        install_pack(store, big)
    assert "rat-lon.zip" in str(caught.value) and "MB" in str(caught.value)


def test_binary_garbage_zip_is_refused(store, tmp_path):
    garbage = tmp_path / "rac.zip"
    garbage.write_bytes(os.urandom(4096))
    with pytest.raises(ContentError) as caught:
        install_pack(store, garbage)
    assert "không phải tệp nén .zip hợp lệ" in str(caught.value)


def test_failed_index_rolls_back_to_the_previous_version(store, tmp_path, monkeypatch):
    root = copy_example(tmp_path)
    install_pack(store, root)
    edit(root / "pack.yaml", 'version: "1.0.0"', 'version: "2.0.0"')

    def broken(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(store.content, "index_pack", broken)
    with pytest.raises(OSError):
        install_pack(store, root)
    assert store.content.pack_row("goi-mau")["version"] == "1.0.0"
    assert (store.paths.packs / "goi-mau" / "pack.yaml").read_text(encoding="utf-8").count(
        '"1.0.0"'
    ) == 1
    assert installed_files(store) == ["goi-mau"]


def test_bundled_content_installs_once(store):
    assert ensure_bundled_content(store) == ["ky-nang-so-co-ban"]
    assert ensure_bundled_content(store) == []
    assert len(store.content.lessons()) >= 10
    assert store.content.pack_folder("ky-nang-so-co-ban").name == "ky-nang-so-co-ban"
    assert BUNDLED.is_dir()


def test_indexed_questions_read_back_as_the_same_values(store, tmp_path):
    """The index writes questions with orjson, or the standard library for weights orjson
    would turn into null: every question reads back equal, on random texts and weights."""
    import math
    import random

    from skillsapp.models import Pack, Question

    rng = random.Random(11)
    pieces = ["Bà Lan", "mã OTP", '"trích"', "\\", "\n", "\t", "\x01", "\u2028", "😀", "đ", "ờ"]
    numbers = [0.0, -0.0, 50.0, 33.333333333333336, 1e-300, 1e300, math.inf, -math.inf, math.nan]

    def text() -> str:
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))

    questions = tuple(
        Question(
            f"q-{n}",
            "an-toan",
            rng.choice(["easy", "medium", "hard"]),
            text(),
            (text(), text(), text()),
            (rng.randrange(3),),
            text(),
            image=rng.choice([None, "images/a.svg"]),
            title=text(),
            weights=tuple(rng.choice(numbers) for _ in range(3)) if n % 3 == 0 else (),
            option_feedback=(text(), text(), text()) if n % 2 else (),
            exclusive=rng.choice(["", "nhom-1"]),
        )
        for n in range(300)
    )
    assert any(not all(map(math.isfinite, q.weights)) for q in questions)
    store.content.index_pack(Pack("goi", "Gói", "1", questions=questions), tmp_path, "sum")

    def comparable(question):  # NaN is not equal to itself: compare its text
        return (question.__class__, repr(question))

    read = store.content.all_questions()
    assert [comparable(read[q.id]) for q in questions] == [comparable(q) for q in questions]
    assert comparable(store.content.question("q-3")) == comparable(questions[3])
