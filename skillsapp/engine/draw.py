"""Drawing the questions of an attempt, reproducibly.

An attempt keeps its seed and the resulting layout (question order and each
question's option order), so anyone can recompute the draw and re-score it.
The draw is a contract between the app and the provincial server, written down
in ``docs/draw-contract.md``: :data:`DRAW_VERSION` names the version of it this
code implements, and :func:`contest_version` names the contest rules an attempt
was drawn under. Changing what :func:`draw` returns for a seed means a new
:data:`DRAW_VERSION`, with the old one kept in :data:`DRAWS` so attempts made by
older apps still verify on the server.

>>> bank = QuestionBank(questions)                        # doctest: +SKIP
>>> layout = draw(bank, rules, seed=12345)               # doctest: +SKIP
>>> draw(bank, rules, seed=12345) == layout               # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

from skillsapp.errors import AppError
from skillsapp.i18n import _
from skillsapp.models import Contest, ContestRules, Question, Quota

# The version of the draw contract (docs/draw-contract.md) this app draws with.
DRAW_VERSION = 2


@dataclass(frozen=True)
class Slot:
    """One question of an attempt, with the order its options are shown in.

    ``option_order[k]`` is the index (in the question's own order) of the option
    shown in position k.
    """

    question_id: str
    option_order: tuple[int, ...]


Layout = tuple[Slot, ...]


class DrawError(AppError):
    """The bank cannot satisfy the contest's rules; ``detail`` says which."""

    def user_message(self) -> str:
        return _("The questions for this attempt cannot be drawn: {problem}").format(
            problem=self.detail
        )


@dataclass(frozen=True)
class QuotaUnits:
    """A quota's draw units when nothing is left out, with the ids and groups they hold."""

    units: list[tuple[str, ...]]
    ids: frozenset[str]
    groups: frozenset[str]


class QuestionBank:
    """Questions indexed by topic and difficulty, built once, drawn from many times
    (the server verifies thousands of draws from one bank: pools and quota matches
    are remembered)."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self.by_id: dict[str, Question] = {}
        self._groups: dict[tuple[str, str], list[str]] = {}
        self._pools: dict[tuple[tuple[str, ...], tuple[str, ...]], QuestionBank] = {}
        self._matches: dict[Quota, tuple[str, ...]] = {}
        self._units: dict[Quota, QuotaUnits] = {}
        for question in sorted(questions, key=lambda q: q.id):
            self.by_id[question.id] = question
            self._groups.setdefault((question.topic, question.difficulty), []).append(question.id)

    def __len__(self) -> int:
        return len(self.by_id)

    def restricted(self, topics: Sequence[str], packs: Sequence[str]) -> QuestionBank:
        if not topics and not packs:
            return self
        key = (tuple(topics), tuple(packs))
        if key not in self._pools:
            self._pools[key] = QuestionBank(
                q
                for q in self.by_id.values()
                if (not topics or q.topic in topics) and (not packs or q.pack_id in packs)
            )
        return self._pools[key]

    def matching(self, quota: Quota) -> list[str]:
        """Ids (sorted) of the questions a quota may draw from."""
        if quota not in self._matches:
            self._matches[quota] = tuple(self._matching(quota))
        return list(self._matches[quota])

    def quota_units(self, quota: Quota) -> QuotaUnits:
        """The draw units of all the questions a quota may draw from (remembered)."""
        found = self._units.get(quota)
        if found is None:
            ids = self.matching(quota)
            found = QuotaUnits(
                draw_units(ids, self),
                frozenset(ids),
                frozenset(self.by_id[qid].exclusive for qid in ids),
            )
            self._units[quota] = found
        return found

    def _matching(self, quota: Quota) -> list[str]:
        found: list[str] = []
        for (topic, difficulty), ids in self._groups.items():
            if (quota.topic is None or topic == quota.topic) and (
                quota.difficulty is None or difficulty == quota.difficulty
            ):
                found.extend(ids)
        found.sort()
        return found


def _option_order(question: Question, shuffle: bool, rng: random.Random) -> tuple[int, ...]:
    order = list(range(len(question.options)))
    if shuffle and question.kind != "truefalse":  # "Đúng" before "Sai" reads naturally
        rng.shuffle(order)
    return tuple(order)


def _too_few(quota: Quota, have: int) -> DrawError:
    return DrawError(
        quota.topic or "*",
        _(
            "{need} questions are needed (topic {topic}, difficulty {difficulty}) but only {have} are "
            "available"
        ).format(
            need=quota.count,
            topic=quota.topic or "*",
            difficulty=quota.difficulty or "*",
            have=have,
        ),
    )


def draw(bank: QuestionBank, rules: ContestRules, seed: int) -> Layout:
    """Draw an attempt with the current contract version, :data:`DRAW_VERSION`."""
    return DRAWS[DRAW_VERSION](bank, rules, seed)


def draw_v1(bank: QuestionBank, rules: ContestRules, seed: int) -> Layout:
    """Version 1: draw an attempt's questions and option orders from ``bank`` with ``seed``.

    Quotas are filled in the order given; a question is never drawn twice.
    Raises :class:`DrawError` when the bank cannot meet a quota.
    """
    rng = random.Random(seed)
    pool = bank.restricted(rules.topics, rules.packs)
    quotas = rules.quotas or (Quota(rules.questions_per_attempt),)
    chosen: list[str] = []
    taken: set[str] = set()
    for quota in quotas:
        candidates = [qid for qid in pool.matching(quota) if qid not in taken]
        if len(candidates) < quota.count:
            raise _too_few(quota, len(candidates))
        picked = rng.sample(candidates, quota.count)
        chosen.extend(picked)
        taken.update(picked)
    if rules.shuffle_questions:
        rng.shuffle(chosen)
    return tuple(
        Slot(qid, _option_order(pool.by_id[qid], rules.shuffle_options, rng)) for qid in chosen
    )


def draw_units(candidates: Sequence[str], bank: QuestionBank) -> list[tuple[str, ...]]:
    """The candidates (sorted ids) as draw units: a question without an ``exclusive`` group
    on its own, the members of a group together; sorted by each unit's first id."""
    units: list[tuple[str, ...]] = []
    groups: dict[str, list[str]] = {}
    for qid in candidates:
        group = bank.by_id[qid].exclusive
        if not group:
            units.append((qid,))
        elif group not in groups:
            groups[group] = [qid]
            units.append(())  # placeholder, filled below, keeps the order of first ids
        else:
            groups[group].append(qid)
    members = iter(tuple(ids) for ids in groups.values())
    return [unit or next(members) for unit in units]


def draw_v2(bank: QuestionBank, rules: ContestRules, seed: int) -> Layout:
    """Version 2: as version 1, but never two questions of one ``exclusive`` group.

    Each quota samples draw units (:func:`draw_units`) instead of questions, leaving out
    groups an earlier quota drew from; then one member of each drawn group is chosen.
    Without groups it draws exactly what version 1 draws.
    """
    rng = random.Random(seed)
    pool = bank.restricted(rules.topics, rules.packs)
    quotas = rules.quotas or (Quota(rules.questions_per_attempt),)
    chosen: list[str] = []
    taken: set[str] = set()
    used_groups: set[str] = set()
    for quota in quotas:
        whole = pool.quota_units(quota)
        if taken.isdisjoint(whole.ids) and used_groups.isdisjoint(whole.groups):
            # The usual case (quotas on different topics): nothing of this quota's pool was
            # drawn yet, so its units are the remembered ones (the server draws thousands).
            units = whole.units
        else:
            candidates = [
                qid
                for qid in pool.matching(quota)
                if qid not in taken and pool.by_id[qid].exclusive not in used_groups
            ]
            units = draw_units(candidates, pool)
        if len(units) < quota.count:
            raise _too_few(quota, len(units))
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


def repeated_group(layout: Layout, bank: QuestionBank) -> str | None:
    """The ``exclusive`` group two of the layout's questions share, if any."""
    seen: set[str] = set()
    for slot in layout:
        question = bank.by_id.get(slot.question_id)
        group = question.exclusive if question else ""
        if group and group in seen:
            return group
        seen.add(group)
    return None


# Every draw version the server can re-derive; an attempt without a version is version 1.
DRAWS: dict[int, Callable[[QuestionBank, ContestRules, int], Layout]] = {1: draw_v1, 2: draw_v2}


def contest_version(contest: Contest) -> str:
    """The version of a contest's rules and rounds: what an attempt's draw and times depend on.

    16 hex digits of the SHA-256 of a canonical JSON (sorted keys, round times in
    UTC), so the app and the server compute the same value from the same contest
    whatever the time zone or the order of fields it was stored with.

    >>> contest_version(contest)                       # doctest: +SKIP
    '3f0c9a1d2b7e4c55'
    """
    data = {
        "id": contest.id,
        "rules": asdict(contest.rules),
        "rounds": [
            {
                "id": r.id,
                "opens_at": r.opens_at.astimezone(datetime.UTC).isoformat(),
                "closes_at": r.closes_at.astimezone(datetime.UTC).isoformat(),
            }
            for r in contest.rounds
        ],
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def draw_practice(questions: Sequence[Question], seed: int) -> Layout:
    """A lesson quiz: all its questions, shuffled, options shuffled; of questions sharing an
    ``exclusive`` group only the first in the shuffled order is kept."""
    rng = random.Random(seed)
    order = list(questions)
    rng.shuffle(order)
    groups: set[str] = set()
    kept = []
    for question in order:
        if question.exclusive and question.exclusive in groups:
            continue
        groups.add(question.exclusive)
        kept.append(question)
    return tuple(Slot(q.id, _option_order(q, True, rng)) for q in kept)


def layout_to_json(layout: Layout) -> list[list]:
    return [[slot.question_id, list(slot.option_order)] for slot in layout]


def layout_from_json(data: list[list]) -> Layout:
    return tuple(Slot(str(qid), tuple(int(i) for i in order)) for qid, order in data)
