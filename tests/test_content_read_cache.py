"""A pack read once: check then install reads the YAML once, and never gives back
anything but what reading the files gives."""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import asdict

import pytest
from content_helpers import BUNDLED, copy_example, edit

from skillsapp.content import read_cache
from skillsapp.content.checker import check_pack
from skillsapp.content.install import PackRejected, install_pack
from skillsapp.content.pack import read_pack
from skillsapp.content.serialize import question_to_dict
from skillsapp.models import Question


def same(a, b):
    return (
        a.pack == b.pack
        and a.problems.items == b.problems.items
        and (a.question_at, a.lesson_at, a.contest_at, a.files_read)
        == (b.question_at, b.lesson_at, b.contest_at, b.files_read)
    )


@pytest.fixture
def parses(monkeypatch):
    """Counts how many times a pack's files are really read."""
    calls = []
    real = read_cache.read_pack

    def counting(root):
        calls.append(root)
        return real(root)

    monkeypatch.setattr(read_cache, "read_pack", counting)
    return calls


def test_a_cached_read_is_the_read_of_the_files(tmp_path, parses):
    cache = tmp_path / "cache"
    for pack in (BUNDLED, copy_example(tmp_path)):
        fresh = read_pack(pack)
        first = read_cache.read_pack_once(pack, cache)
        second = read_cache.read_pack_once(pack, cache)
        assert same(first, fresh) and same(second, fresh)
        assert fresh.pack.questions and fresh.pack.contests  # the round trip has work to do
    assert len(parses) == 2  # once per pack


def test_problems_with_their_lines_come_back_from_the_cache(tmp_path, parses):
    pack = copy_example(tmp_path)
    path = next((pack / "questions").glob("*.yaml"))
    edit(path, "answer: ", "answer: Z\n    kind: unknown\n    old_answer: ")
    cache = tmp_path / "cache"
    fresh = check_pack(pack, quality=False)
    cached_once = check_pack(pack, quality=False, cache=cache)
    cached_twice = check_pack(pack, quality=False, cache=cache)
    assert len(parses) == 2  # without a cache, then the first time with it
    assert not fresh.ok
    assert cached_once.problems == cached_twice.problems == fresh.problems
    assert any(p.line > 1 and p.file.startswith("questions/") for p in cached_twice.problems)


def test_a_changed_file_is_read_again(tmp_path, parses):
    pack = copy_example(tmp_path)
    cache = tmp_path / "cache"
    assert check_pack(pack, cache=cache).ok
    path = next((pack / "questions").glob("*.yaml"))
    edit(path, "questions:", "questions:\n  - id: Sai Id\n    text: x")
    report = check_pack(pack, cache=cache)
    assert len(parses) == 2
    assert not report.ok
    assert report.problems == check_pack(pack).problems


def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path, parses):
    pack = copy_example(tmp_path)
    cache = tmp_path / "cache"
    read_cache.read_pack_once(pack, cache)
    (entry,) = cache.glob("*.json")
    entry.write_bytes(b'{"pack": {"id": 1}')
    assert same(read_cache.read_pack_once(pack, cache), read_pack(pack))
    assert same(read_cache.read_pack_once(pack, cache), read_pack(pack))
    assert len(parses) == 2


def test_a_cache_folder_that_cannot_be_written_only_costs_a_read(tmp_path, parses):
    pack = copy_example(tmp_path)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert same(read_cache.read_pack_once(pack, blocked / "cache"), read_pack(pack))
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_only_the_newest_entries_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(read_cache, "KEEP", 2)
    cache = tmp_path / "cache"
    for n in range(4):
        pack = copy_example(tmp_path, f"goi-{n}")
        edit(pack / "pack.yaml", "title:", f"title_en: Pack {n}\ntitle:")
        read_cache.read_pack_once(pack, cache)
    assert len(list(cache.glob("*.json"))) == 2


def test_install_after_check_reads_the_pack_once(store, tmp_path, parses):
    pack = copy_example(tmp_path)
    assert check_pack(pack, cache=store.paths.read_packs).ok
    result = install_pack(store, pack)
    assert len(parses) == 1
    assert result.pack.questions == read_pack(pack).pack.questions
    assert sorted(store.content.all_questions().values(), key=lambda q: q.id) == sorted(
        read_pack(pack).pack.questions, key=lambda q: q.id
    )


def test_install_of_a_bad_pack_after_check_is_refused_with_the_same_problems(store, tmp_path):
    pack = copy_example(tmp_path)
    path = next((pack / "questions").glob("*.yaml"))
    edit(path, "answer: ", "answer: Z\n    old_answer: ")
    checked = check_pack(pack, quality=False, cache=store.paths.read_packs)
    with pytest.raises(PackRejected) as refused:
        install_pack(store, pack)
    assert refused.value.problems == checked.problems
    assert store.content.pack_row("goi-mau") is None


def test_cli_check_then_install_reads_once_and_installs(tmp_path):
    pack = copy_example(tmp_path)
    data = tmp_path / "data"
    base = [sys.executable, "-m", "skillsapp", "--data-dir", str(data), "content"]
    checked = subprocess.run([*base, "check", str(pack)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert len(list((data / "cache" / "packs-read").glob("*.json"))) == 1
    installed = subprocess.run([*base, "install", str(pack)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (data / "packs" / "goi-mau" / "pack.yaml").is_file()


def test_question_to_dict_is_asdict():
    rng = random.Random(3)
    for n in range(50):
        options = tuple(f"Phương án {k}" for k in range(rng.randint(2, 6)))
        question = Question(
            id=f"q-{n}",
            topic="an-toan",
            difficulty=rng.choice(("easy", "medium", "hard")),
            text="Bạn nên làm gì?",
            options=options,
            correct=tuple(sorted(rng.sample(range(len(options)), rng.randint(1, 2)))),
            explanation="Vì…",
            image=rng.choice((None, "images/a.svg")),
            weights=tuple(rng.random() for _ in options) if rng.random() < 0.3 else (),
            option_feedback=("a",) * len(options) if rng.random() < 0.3 else (),
            exclusive=rng.choice(("", "ma-otp")),
        )
        assert question_to_dict(question) == asdict(question)


def test_on_read_gets_the_result_before_the_cache_is_written_and_on_a_hit(tmp_path):
    cache = tmp_path / "cache"
    seen = []

    def on_read(read):
        seen.append((read, sorted(cache.glob("*.json")) if cache.exists() else []))

    first = read_cache.read_pack_once(BUNDLED, cache, on_read)
    second = read_cache.read_pack_once(BUNDLED, cache, on_read)
    assert [r for r, _files in seen] == [first, second]
    assert seen[0][1] == []  # nothing written yet when the first read was handed over
    assert len(seen[1][1]) == 1 and same(second, first)
