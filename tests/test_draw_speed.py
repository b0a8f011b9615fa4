"""The draw's remembered quota units (the server re-draws thousands of attempts from one
bank) draw exactly what the plain computation draws, on random banks and rules."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from skillsapp.engine.draw import DrawError, QuestionBank, Slot, _option_order, draw_units, draw_v2
from skillsapp.models import ContestRules, Question, Quota

TOPICS = ("t1", "t2", "t3")
LEVELS = ("easy", "medium", "hard")


def plain_draw_v2(bank: QuestionBank, rules: ContestRules, seed: int):
    """Version 2 as written before the units were remembered: every quota's candidates and
    units computed afresh."""
    rng = random.Random(seed)
    pool = bank.restricted(rules.topics, rules.packs)
    quotas = rules.quotas or (Quota(rules.questions_per_attempt),)
    chosen: list[str] = []
    taken: set[str] = set()
    used_groups: set[str] = set()
    for quota in quotas:
        candidates = [
            qid
            for qid in pool.matching(quota)
            if qid not in taken and pool.by_id[qid].exclusive not in used_groups
        ]
        units = draw_units(candidates, pool)
        if len(units) < quota.count:
            raise DrawError(quota.topic or "*", "too few")
        for unit in rng.sample(units, quota.count):
            qid = unit[0] if len(unit) == 1 else rng.choice(unit)
            chosen.append(qid)
            taken.add(qid)
            if pool.by_id[qid].exclusive:
                used_groups.add(pool.by_id[qid].exclusive)
    if rules.shuffle_questions:
        rng.shuffle(chosen)
    return tuple(
        Slot(qid, _option_order(pool.by_id[qid], rules.shuffle_options, rng)) for qid in chosen
    )


@st.composite
def banks(draw):
    count = draw(st.integers(min_value=10, max_value=40))
    groups = ["", "", "", "g1", "g2", "g3", "g4"]
    questions = []
    for n in range(count):
        options = draw(st.integers(min_value=2, max_value=6))
        questions.append(
            Question(
                f"q{n:03d}",
                draw(st.sampled_from(TOPICS)),
                draw(st.sampled_from(LEVELS)),
                f"Câu {n}?",
                tuple(f"Phương án {k}" for k in range(options)),
                (0,),
                "Vì thế.",
                kind=draw(st.sampled_from(["choice", "choice", "truefalse"])),
                exclusive=draw(st.sampled_from(groups)),
            )
        )
    return questions


quotas = st.builds(
    Quota,
    st.integers(min_value=1, max_value=3),
    st.sampled_from([None, *TOPICS]),
    st.sampled_from([None, None, None, *LEVELS]),  # mostly by topic, as contests do
)
rule_sets = st.builds(
    ContestRules,
    questions_per_attempt=st.integers(min_value=1, max_value=8),
    quotas=st.lists(quotas, max_size=3).map(tuple),
    shuffle_questions=st.booleans(),
    shuffle_options=st.booleans(),
    topics=st.sampled_from([(), ("t1",), ("t1", "t2")]),
)


def outcome(function, bank, rules, seed):
    try:
        return function(bank, rules, seed)
    except DrawError:
        return "DrawError"


@settings(max_examples=300, deadline=None)
@given(banks(), rule_sets, st.lists(st.integers(0, 2**31 - 1), min_size=1, max_size=5))
def test_remembered_units_draw_what_the_plain_computation_draws(questions, rules, seeds):
    bank = QuestionBank(questions)  # one bank drawn from several times, as on the server
    for seed in seeds:
        assert outcome(draw_v2, bank, rules, seed) == outcome(
            plain_draw_v2, QuestionBank(questions), rules, seed
        )


def test_overlapping_quotas_still_leave_out_what_an_earlier_quota_drew():
    """Quotas on one topic overlap: the second must not reuse the remembered units."""
    questions = [
        Question(f"q{n}", "t1", "easy", f"Câu {n}?", ("a", "b"), (0,), "Vì.", exclusive="")
        for n in range(6)
    ]
    rules = ContestRules(quotas=(Quota(3, "t1"), Quota(3, "t1")))
    bank = QuestionBank(questions)
    for seed in range(50):
        layout = draw_v2(bank, rules, seed)
        assert sorted(s.question_id for s in layout) == [f"q{n}" for n in range(6)]
        assert layout == plain_draw_v2(bank, rules, seed)


def test_a_group_drawn_by_one_quota_is_left_out_of_the_next_quotas_units():
    """A group spanning two topics: once the first quota drew it, the second quota's
    remembered units (which hold it) must not be used."""
    questions = [
        Question("q0", "t1", "easy", "?", ("a", "b"), (0,), "", exclusive="g1"),
        Question("q1", "t1", "easy", "?", ("a", "b"), (0,), ""),
        Question("q2", "t2", "easy", "?", ("a", "b"), (0,), "", exclusive="g1"),
        Question("q3", "t2", "easy", "?", ("a", "b"), (0,), ""),
        Question("q4", "t2", "easy", "?", ("a", "b"), (0,), ""),
    ]
    rules = ContestRules(quotas=(Quota(1, "t1"), Quota(2, "t2")))
    bank = QuestionBank(questions)
    layouts = [draw_v2(bank, rules, seed) for seed in range(100)]
    assert layouts == [plain_draw_v2(bank, rules, seed) for seed in range(100)]
    drawn = [{s.question_id for s in layout} for layout in layouts]
    assert all(not {"q0", "q2"} <= ids for ids in drawn)
    assert any("q0" in ids for ids in drawn) and any("q2" in ids for ids in drawn)
