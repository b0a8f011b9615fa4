"""Checks on the questions a contest can draw: its pool's key-longest share, and quotas
that ``exclusive`` groups make impossible to fill (draw version 2)."""

from __future__ import annotations

from skillsapp.content.pack import PackReadResult
from skillsapp.content.problems import Problems
from skillsapp.engine.draw import QuestionBank, draw_units
from skillsapp.i18n import _
from skillsapp.models import Contest, Quota


def pool_ids(contest: Contest, bank: QuestionBank) -> list[str]:
    """Ids (sorted) of the questions the contest's quotas can draw."""
    rules = contest.rules
    pool = bank.restricted(rules.topics, ())
    quotas = rules.quotas or (Quota(rules.questions_per_attempt),)
    return sorted({qid for quota in quotas for qid in pool.matching(quota)})


def check_group_quotas(
    contest: Contest, bank: QuestionBank, file: str, line: int, problems: Problems
) -> None:
    """Error for a quota some seeds cannot fill because groups shrink its pool: questions of
    one group count once, and a group an earlier quota may draw from is lost to it."""
    rules = contest.rules
    pool = bank.restricted(rules.topics, ())
    quotas = rules.quotas or (Quota(rules.questions_per_attempt),)
    earlier_groups: set[str] = set()
    earlier_count = 0
    for quota in quotas:
        ids = pool.matching(quota)
        units = draw_units(ids, pool)
        groups = {pool.by_id[qid].exclusive for qid in ids} - {""}
        lost = min(earlier_count, len(groups & earlier_groups))
        have = len(units) - lost
        if have < quota.count and len(ids) >= quota.count:
            problems.error(
                file,
                line,
                _(
                    "contest {id}: a quota asks for {need} questions (topic {topic}, difficulty "
                    "{difficulty}) but with the exclusive groups only {have} can always be drawn "
                    "(questions of one group count once); add questions or ask for fewer"
                ).format(
                    id=contest.id,
                    need=quota.count,
                    topic=quota.topic or "*",
                    difficulty=quota.difficulty or "*",
                    have=have,
                ),
            )
        earlier_groups |= groups
        earlier_count += quota.count


def check_contest_pools(read: PackReadResult, problems: Problems, share_check) -> None:
    """Run the pool checks on every contest that draws from this pack; ``share_check(ids,
    file, line, what)`` reports the key-longest share of a set of questions."""
    pack = read.pack
    bank = QuestionBank(pack.questions)
    for contest in pack.contests:
        if contest.rules.packs and pack.id not in contest.rules.packs:
            continue  # draws from other packs: checked when the contest is installed
        file, line = read.contest_at[contest.id]
        check_group_quotas(contest, bank, file, line, problems)
        what = _("the questions contest {id} can draw").format(id=contest.id)
        share_check(pool_ids(contest, bank), file, line, what)
