"""Marking: single answers, several answers (all or nothing unless partial credit)."""

from engine_helpers import question
from hypothesis import given
from hypothesis import strategies as st

from skillsapp.engine.draw import Slot
from skillsapp.engine.scoring import mark, score


def test_single_answer():
    q = question("a", correct=(2,))
    assert mark(q, [2]) == 1.0
    assert mark(q, [1]) == 0.0
    assert mark(q, []) == 0.0
    assert mark(q, [1, 2]) == 0.0


def test_multi_answer_needs_all_right_and_no_wrong():
    q = question("m", correct=(0, 2))
    assert mark(q, [0, 2]) == 1.0
    assert mark(q, [0]) == 0.0
    assert mark(q, [0, 1, 2]) == 0.0


def test_partial_credit_when_the_contest_allows_it():
    q = question("m", correct=(0, 2))
    assert mark(q, [0], partial_credit=True) == 0.5
    assert mark(q, [0, 1], partial_credit=True) == 0.0
    assert mark(q, [1, 3], partial_credit=True) == 0.0
    weighted = q.__class__(**{**q.__dict__, "weights": (50.0, -100.0, 50.0, -100.0)})
    assert mark(weighted, [0], partial_credit=True) == 0.5
    assert mark(weighted, [0, 1], partial_credit=True) == 0.0


@given(
    chosen=st.sets(st.integers(0, 3)),
    right=st.sets(st.integers(0, 3), min_size=1),
    partial=st.booleans(),
)
def test_mark_is_between_zero_and_one_and_full_only_when_exact(chosen, right, partial):
    q = question("h", correct=tuple(sorted(right)))
    value = mark(q, chosen, partial)
    assert 0.0 <= value <= 1.0
    assert (value == 1.0) == (chosen == right)


def test_score_counts_unanswered_as_zero():
    questions = {f"q{i}": question(f"q{i}", correct=(1,)) for i in range(4)}
    layout = tuple(Slot(f"q{i}", (0, 1, 2, 3)) for i in range(4))
    assert score(layout, {"q0": [1], "q1": [0], "q2": [1]}, questions) == (2.0, 4.0)
