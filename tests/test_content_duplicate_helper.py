"""The near-duplicate search in a helper process finds exactly what the search in the
checking process finds, and a helper that fails changes nothing but the time."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from skillsapp.content import duplicate_helper
from skillsapp.content.checker import check_pack
from skillsapp.content.duplicate_helper import SearchHelper, start_helper
from skillsapp.content.duplicates import pair_indexes, stem
from skillsapp.models import Question


def _bench():
    """The content benchmark's module (its bank generator), under a name of its own: the
    repository's ``content/`` folder could pass for a package named ``content``."""
    path = Path(__file__).parent / "bench" / "content.py"
    spec = importlib.util.spec_from_file_location("bench_content", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_BENCH = _bench()
bank_stems, write_pack = _BENCH.bank_stems, _BENCH.write_pack


@pytest.fixture(scope="module")
def bank():
    texts, groups = bank_stems(3_000, seed=5)
    return [
        Question(f"q-{n}", "t", "easy", text, ("A", "B"), (0,), "…", exclusive=group)
        for n, (text, group) in enumerate(zip(texts, groups, strict=True))
    ]


def _searched(questions, limit):
    helper = SearchHelper()
    try:
        helper.send(questions, limit)
        return helper.receive()
    finally:
        helper.close()


def test_helper_finds_every_pair_the_process_finds(bank):
    stems = [stem(q.text) for q in bank]
    groups = [q.exclusive for q in bank]
    everything = len(bank) ** 2
    expected = pair_indexes(stems, groups, limit=everything)
    assert len(expected) > 30  # a bank with many pairs, and more in groups (left out)
    assert len(pair_indexes(stems, [""] * len(stems), limit=everything)) > len(expected)
    assert _searched(bank, everything) == expected


def test_helper_stops_where_the_process_stops(bank):
    stems = [stem(q.text) for q in bank]
    expected = pair_indexes(stems, [q.exclusive for q in bank], limit=20)
    assert len(expected) == 21
    assert _searched(bank, 20) == expected


def _findings(report):
    return [(p.severity, p.file, p.line, p.message) for p in report.problems]


@pytest.fixture(scope="module")
def big_pack(tmp_path_factory):
    return write_pack(tmp_path_factory.mktemp("bank") / "pack", 1_500)


def test_check_with_a_helper_reports_what_check_without_one_reports(big_pack, monkeypatch):
    monkeypatch.setattr(duplicate_helper, "MIN_QUESTION_BYTES", 1_000)
    answers = []
    receive = SearchHelper.receive

    def spy(self):
        answers.append(receive(self))
        return answers[-1]

    monkeypatch.setattr(SearchHelper, "receive", spy)
    alone = check_pack(big_pack)
    helped = check_pack(big_pack, parallel=True)
    assert answers and answers[0] is not None  # the helper answered
    assert len(answers[0]) > 10
    assert _findings(helped) == _findings(alone)


def test_a_failing_helper_changes_nothing_but_the_time(big_pack, monkeypatch):
    monkeypatch.setattr(duplicate_helper, "MIN_QUESTION_BYTES", 1_000)
    monkeypatch.setattr(SearchHelper, "command", (sys.executable, "-c", "import sys; sys.exit(3)"))
    assert _findings(check_pack(big_pack, parallel=True)) == _findings(check_pack(big_pack))


def test_no_helper_for_a_small_bank(tmp_path):
    small = write_pack(tmp_path / "pack", 200)
    assert start_helper(small) is None
