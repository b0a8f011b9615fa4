"""Ranking rules and their invariants."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from skillsapp.engine.ranking import (
    AttemptResult,
    counting_attempts,
    rank,
    rank_key,
    rank_round,
    true_figure,
)

BASE = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)


def result(aid, entrant, score, duration=600_000, minute=0, prediction=None, max_score=20):
    return AttemptResult(
        aid,
        entrant,
        score,
        max_score,
        duration,
        (BASE + datetime.timedelta(minutes=minute)).isoformat(),
        prediction,
    )


def test_order_score_then_prediction_then_time_then_submission():
    entries = [
        result("a", "An", 18, prediction=5),
        result("b", "Bình", 20, prediction=100),
        result("c", "Chi", 20, prediction=3, duration=500_000),
        result("d", "Dũng", 20, prediction=3, duration=400_000, minute=5),
        result("e", "Em", 20, prediction=3, duration=400_000, minute=1),
    ]
    ranked = rank(entries, true_figure=4)
    assert [r.result.entrant for r in ranked] == ["Em", "Dũng", "Chi", "Bình", "An"]
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5]
    assert ranked[0].prediction_gap == 1


def test_exact_ties_share_a_rank_and_are_not_broken_at_random():
    entries = [
        result("a", "An", 20, prediction=3),
        result("b", "Bình", 20, prediction=3),
        result("c", "Chi", 10),
    ]
    ranked = rank(entries, true_figure=3)
    assert [r.rank for r in ranked] == [1, 1, 3]


def test_missing_prediction_ranks_after_any_prediction():
    ranked = rank([result("a", "An", 20), result("b", "Bình", 20, prediction=1000)], true_figure=1)
    assert [r.result.entrant for r in ranked] == ["Bình", "An"]


def test_counting_best_first_last():
    attempts = [
        result("1", "An", 12, minute=0),
        result("2", "An", 18, minute=10),
        result("3", "An", 15, minute=20),
    ]
    assert counting_attempts(attempts, "best")[0].attempt_id == "2"
    assert counting_attempts(attempts, "first")[0].attempt_id == "1"
    assert counting_attempts(attempts, "last")[0].attempt_id == "3"


def test_true_figure_comes_from_counting_attempts():
    attempts = [
        result("1", "An", 20),
        result("2", "An", 20),
        result("3", "Bình", 19),
        result("4", "Chi", 20),
    ]
    counted = counting_attempts(attempts, "best")
    assert true_figure(counted, "full_score_count") == 2
    assert true_figure(counted, "entrant_count") == 3
    assert true_figure(counted, "none") is None
    ranked, figure = rank_round(attempts, "best", "full_score_count")
    assert figure == 2 and len(ranked) == 3


results_strategy = st.lists(
    st.builds(
        result,
        aid=st.uuids().map(str),
        entrant=st.sampled_from(["An", "Bình", "Chi", "Dũng", "Em", "Giang"]),
        score=st.integers(0, 20),
        duration=st.integers(1, 900_000),
        minute=st.integers(0, 10_000),
        prediction=st.one_of(st.none(), st.integers(0, 50)),
    ),
    max_size=40,
)


@given(results_strategy, st.integers(0, 50))
@settings(max_examples=150, deadline=None)
def test_ranking_is_a_total_preorder_consistent_with_its_key(results, figure):
    counted = counting_attempts(results, "best")
    ranked = rank(counted, figure)
    assert len(ranked) == len(counted)
    for earlier, later in zip(ranked, ranked[1:], strict=False):
        k1, k2 = rank_key(earlier.result, figure), rank_key(later.result, figure)
        assert k1 <= k2
        assert (earlier.rank == later.rank) == (k1 == k2)
        assert earlier.rank <= later.rank
    if ranked:
        assert ranked[0].rank == 1


@given(results_strategy, st.integers(0, 50))
@settings(max_examples=150, deadline=None)
def test_a_worse_attempt_never_changes_the_leaders(results, figure):
    counted = counting_attempts(results, "best")
    before = rank(counted, figure)
    worst = result("new", "Người mới", -1, duration=10**9, minute=10**6)
    after = rank([*counted, worst], figure)
    assert [(r.rank, r.result.attempt_id) for r in after[: len(before)]] == [
        (r.rank, r.result.attempt_id) for r in before
    ]
    assert after[-1].result.attempt_id == "new"


def reference_ranking(results, counting, prediction):
    """The rules written out plainly, every time parsed: what the fast path must agree with."""

    def instant(r):
        return datetime.datetime.fromisoformat(r.submitted_at).timestamp()

    chosen = {}
    for r in results:
        keep = chosen.get(r.entrant)
        if keep is None:
            chosen[r.entrant] = r
        elif counting == "best":
            if (-r.score, r.duration_ms, instant(r), r.attempt_id) < (
                -keep.score,
                keep.duration_ms,
                instant(keep),
                keep.attempt_id,
            ):
                chosen[r.entrant] = r
        elif counting == "first" and (instant(r), r.attempt_id) < (
            instant(keep),
            keep.attempt_id,
        ):
            chosen[r.entrant] = r
        elif (
            counting == "last"
            and (instant(r) > instant(keep))
            or (
                counting == "last"
                and instant(r) == instant(keep)
                and r.attempt_id < keep.attempt_id
            )
        ):
            chosen[r.entrant] = r  # the latest; at the same moment the smaller id, as SQL
    counted = list(chosen.values())
    figure = true_figure(counted, prediction)

    def key(r):
        gap = float("inf") if figure is None or r.prediction is None else abs(r.prediction - figure)
        return (-r.score, gap, r.duration_ms, instant(r))

    ordered = sorted(counted, key=lambda r: (key(r), r.entrant))
    ranks = []
    for position, r in enumerate(ordered, start=1):
        same = ranks and key(ordered[position - 2]) == key(r)
        ranks.append((ranks[-1][0] if same else position, r.attempt_id))
    return ranks


VIETNAM = datetime.timezone(datetime.timedelta(hours=7))


def written(moment, zones, index):
    """One submission time as a PC or the server may write it."""
    if zones == "vietnam" or (zones == "mixed" and index % 2):
        return moment.astimezone(VIETNAM).isoformat()
    if zones == "separators" and index % 2:
        # Same length and zone as the others, but a space between date and time: the
        # text no longer sorts as the instant does, so the times must be parsed.
        return moment.isoformat(sep=" ")
    return moment.isoformat()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 6),  # entrant
            st.sampled_from([0, 1, 1.5, 2, 2.0, 3]),  # score (2 and 2.0 are the same score)
            st.integers(1, 3),  # duration (few values: ties happen)
            st.integers(0, 5),  # minute
            st.one_of(st.none(), st.integers(0, 4)),  # prediction
        ),
        max_size=25,
    ),
    st.sampled_from(["best", "first", "last"]),
    st.sampled_from(["full_score_count", "entrant_count", "none"]),
    st.sampled_from(["utc", "vietnam", "mixed", "separators"]),
    st.integers(0, 1),  # the minutes fall on one day or straddle midnight
)
def test_ranking_agrees_with_the_rules_written_plainly(rows, counting, prediction, zones, day):
    """Times written alike are compared as text (fast); written in different zones, or
    with a different separator, they are parsed. Both must give exactly the ranking the
    rules describe, through ``rank_round`` and through the steps called one by one."""
    start = BASE + datetime.timedelta(hours=23, minutes=58) if day else BASE
    results = [
        AttemptResult(
            f"a{index}",
            f"e{entrant}",
            score,
            3,
            duration,
            written(start + datetime.timedelta(minutes=minute), zones, index),
            guess,
        )
        for index, (entrant, score, duration, minute, guess) in enumerate(rows)
    ]
    expected = reference_ranking(results, counting, prediction)
    ranked, figure = rank_round(iter(results), counting, prediction)
    assert [(r.rank, r.result.attempt_id) for r in ranked] == expected
    counted = counting_attempts(iter(results), counting)
    assert figure == true_figure(counted, prediction)
    one_by_one = rank(iter(counted), figure)
    assert [(r.rank, r.result.attempt_id) for r in one_by_one] == expected
    for place in ranked:
        guess = place.result.prediction
        gap = None if figure is None or guess is None else abs(guess - figure)
        assert place.prediction_gap == gap


def test_nothing_to_rank():
    assert rank([], true_figure=3) == []
    assert rank_round([], "best", "full_score_count") == ([], 0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),  # entrant
            st.integers(0, 2),  # score
            st.integers(1, 2),  # duration
            st.integers(0, 2),  # minute (few values: equal attempts happen)
            st.one_of(st.none(), st.integers(0, 2)),  # prediction
        ),
        max_size=20,
    ),
    st.randoms(use_true_random=False),
)
def test_counting_and_ranks_do_not_depend_on_the_order_attempts_arrive(rows, rnd):
    """PCs sync in any order: the counting attempt (ties go to the shorter time, the
    earlier submission, then the smaller attempt id) and the ranking stay the same."""
    results = [
        result(f"a{index}", f"e{entrant}", score, duration, minute, guess, max_score=2)
        for index, (entrant, score, duration, minute, guess) in enumerate(rows)
    ]
    shuffled = list(results)
    rnd.shuffle(shuffled)
    for counting in ("best", "first", "last"):  # first/last: same moment → smaller id
        ranked, figure = rank_round(results, counting, "full_score_count")
        again, figure_again = rank_round(shuffled, counting, "full_score_count")
        assert figure == figure_again, counting
        assert [(r.rank, r.result.attempt_id, r.prediction_gap) for r in ranked] == [
            (r.rank, r.result.attempt_id, r.prediction_gap) for r in again
        ], counting
