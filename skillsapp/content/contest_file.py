"""Reading a contest definition (a YAML file in a pack's ``contests/`` folder).

::

    id: tim-hieu-chuyen-doi-so-2026
    title: Tìm hiểu về chuyển đổi số
    rules:
      questions_per_attempt: 20
      time_limit_minutes: 15
      attempts_per_day: 1
      counting: best
      prediction: full_score_count
      quotas:
        - {topic: vneid, count: 2}
    rounds:
      - {id: tuan-1, title: Tuần 1, opens: 2026-12-07T00:00:00+07:00, closes: 2026-12-14T00:00:00+07:00}
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from skillsapp.content.problems import Problems
from skillsapp.content.yamlfile import LineDict, LineList
from skillsapp.i18n import _
from skillsapp.models import (
    COUNTING_RULES,
    DIFFICULTIES,
    PREDICTION_KINDS,
    Contest,
    ContestRules,
    Quota,
    Round,
)

RULE_FIELDS = {
    "questions_per_attempt",
    "quotas",
    "time_limit_minutes",
    "attempts_per_round",
    "attempts_per_day",
    "counting",
    "shuffle_questions",
    "shuffle_options",
    "partial_credit",
    "prediction",
    "min_age",
    "prize_fields",
    "topics",
    "packs",
}
REGISTRATION_FIELDS = ("full_name", "date_of_birth", "id_number", "phone", "commune_code")
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
# The one round of a trial contest: open from long before any install to the far future.
TRIAL_ROUND_ID = "thi-thu"
TRIAL_OPENS = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
TRIAL_CLOSES = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


def _when(value: Any) -> datetime.datetime | None:
    """A round time; a time without a zone is Vietnam time (UTC+7)."""
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, datetime.date):
        parsed = datetime.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VIETNAM)


def _positive_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0)


def read_rules(data: Any, file: str, line: int, problems: Problems) -> ContestRules:
    if data is None:
        data = LineDict()
    if not isinstance(data, LineDict):
        problems.error(file, line, _("the contest rules must be a set of fields"))
        return ContestRules()
    for key in data:
        if key not in RULE_FIELDS:
            problems.warning(
                file, data.line_of(key), _("unknown rule '{field}' (a typo?)").format(field=key)
            )
    defaults = ContestRules()
    count = data.get("questions_per_attempt", defaults.questions_per_attempt)
    if not isinstance(count, int) or not 1 <= count <= 200:
        problems.error(
            file,
            data.line_of("questions_per_attempt"),
            _("questions_per_attempt must be a whole number from 1 to 200"),
        )
        count = defaults.questions_per_attempt
    minutes = data.get("time_limit_minutes", defaults.time_limit_minutes)
    if not isinstance(minutes, int) or not 1 <= minutes <= 300:
        problems.error(
            file,
            data.line_of("time_limit_minutes"),
            _("time_limit_minutes must be a whole number from 1 to 300"),
        )
        minutes = defaults.time_limit_minutes
    for key in ("attempts_per_round", "attempts_per_day", "min_age"):
        if key in data and not _positive_or_none(data[key]):
            problems.error(
                file,
                data.line_of(key),
                _("{field} must be a positive whole number or empty").format(field=key),
            )
    counting = data.get("counting", defaults.counting)
    if counting not in COUNTING_RULES:
        problems.error(file, data.line_of("counting"), _("counting must be best, first or last"))
        counting = defaults.counting
    prediction = data.get("prediction", defaults.prediction)
    if prediction not in PREDICTION_KINDS:
        problems.error(
            file,
            data.line_of("prediction"),
            _("prediction must be full_score_count, entrant_count or none"),
        )
        prediction = defaults.prediction
    prize_fields = data.get("prize_fields", list(defaults.prize_fields))
    if not isinstance(prize_fields, list) or any(
        f not in REGISTRATION_FIELDS for f in prize_fields
    ):
        problems.error(
            file,
            data.line_of("prize_fields"),
            _("prize_fields may only name: {fields}").format(fields=", ".join(REGISTRATION_FIELDS)),
        )
        prize_fields = list(defaults.prize_fields)
    quotas = []
    raw_quotas = data.get("quotas") or []
    if not isinstance(raw_quotas, list):
        problems.error(file, data.line_of("quotas"), _("quotas must be a list"))
        raw_quotas = []
    for index, item in enumerate(raw_quotas):
        qline = raw_quotas.line_of(index) if isinstance(raw_quotas, LineList) else line
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("count"), int)
            or item["count"] < 1
        ):
            problems.error(file, qline, _("each quota needs a count of at least 1"))
            continue
        difficulty = item.get("difficulty")
        if difficulty is not None and difficulty not in DIFFICULTIES:
            problems.error(file, qline, _("a quota's difficulty must be easy, medium or hard"))
            continue
        quotas.append(Quota(item["count"], item.get("topic"), difficulty))
    if quotas and sum(q.count for q in quotas) != count:
        problems.error(
            file,
            data.line_of("quotas"),
            _("the quotas add up to {total} questions but an attempt has {count}").format(
                total=sum(q.count for q in quotas), count=count
            ),
        )

    def flag(key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            problems.error(
                file, data.line_of(key), _("{field} must be true or false").format(field=key)
            )
            return default
        return value

    def names(key: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.error(
                file, data.line_of(key), _("{field} must be a list of ids").format(field=key)
            )
            return ()
        return tuple(value)

    return ContestRules(
        questions_per_attempt=count,
        quotas=tuple(quotas),
        time_limit_minutes=minutes,
        attempts_per_round=data.get("attempts_per_round")
        if _positive_or_none(data.get("attempts_per_round"))
        else None,
        attempts_per_day=data.get("attempts_per_day", defaults.attempts_per_day)
        if _positive_or_none(data.get("attempts_per_day", defaults.attempts_per_day))
        else None,
        counting=counting,
        shuffle_questions=flag("shuffle_questions", True),
        shuffle_options=flag("shuffle_options", True),
        partial_credit=flag("partial_credit", False),
        prediction=prediction,
        min_age=data.get("min_age") if _positive_or_none(data.get("min_age")) else None,
        prize_fields=tuple(prize_fields),
        topics=names("topics"),
        packs=names("packs"),
    )


def read_rounds(data: Any, file: str, line: int, problems: Problems) -> tuple[Round, ...]:
    if not isinstance(data, list) or not data:
        problems.error(file, line, _("a contest needs at least one round"))
        return ()
    rounds: list[Round] = []
    for index, item in enumerate(data):
        rline = data.line_of(index) if isinstance(data, LineList) else line
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.error(file, rline, _("each round needs an id, a title, opens and closes"))
            continue
        opens, closes = _when(item.get("opens")), _when(item.get("closes"))
        if opens is None or closes is None:
            problems.error(
                file,
                rline,
                _(
                    "round {id}: opens and closes must be dates and times such as "
                    "2026-12-07T08:00:00+07:00"
                ).format(id=item["id"]),
            )
            continue
        if closes <= opens:
            problems.error(
                file, rline, _("round {id} closes before it opens").format(id=item["id"])
            )
            continue
        if any(r.id == item["id"] for r in rounds):
            problems.error(file, rline, _("round id {id} is used twice").format(id=item["id"]))
            continue
        rounds.append(
            Round(item["id"], str(item.get("title") or item["id"]).strip(), opens, closes)
        )
    ordered = sorted(rounds, key=lambda r: r.opens_at)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.opens_at < before.closes_at:
            problems.error(
                file,
                line,
                _("rounds {a} and {b} overlap; a moment can belong to one round only").format(
                    a=before.id, b=after.id
                ),
            )
    return tuple(ordered)


def read_contest(data: Any, file: str, pack_id: str, problems: Problems) -> Contest | None:
    if not isinstance(data, LineDict):
        problems.error(
            file, 1, _("a contest file must be a set of fields (id, title, rules, rounds)")
        )
        return None
    contest_id = data.get("id")
    if not isinstance(contest_id, str) or not contest_id.strip():
        problems.error(file, data.line_of("id"), _("the contest has no id"))
        return None
    if not data.get("title"):
        problems.error(
            file, data.line_of("title"), _("contest {id} has no title").format(id=contest_id)
        )
    trial = data.get("trial", False)
    if not isinstance(trial, bool):
        problems.error(file, data.line_of("trial"), _("trial must be true or false"))
        trial = False
    rules = read_rules(data.get("rules"), file, data.line_of("rules"), problems)
    if trial:
        rules, rounds = _trial_rules_and_round(data, rules, file, problems)
    else:
        rounds = read_rounds(data.get("rounds"), file, data.line_of("rounds"), problems)
    groups = data.get("participant_groups") or []
    return Contest(
        id=contest_id,
        title=str(data.get("title") or "").strip(),
        rules=rules,
        rounds=rounds,
        title_en=str(data.get("title_en") or "").strip(),
        description=str(data.get("description") or "").strip(),
        organiser=str(data.get("organiser") or "").strip(),
        participant_groups=tuple(str(g) for g in groups) if isinstance(groups, list) else (),
        pack_id=pack_id,
        trial=trial,
    )


def _trial_rules_and_round(
    data: LineDict, rules: ContestRules, file: str, problems: Problems
) -> tuple[ContestRules, tuple[Round, ...]]:
    """A trial contest has no rounds of its own (it is always open), no attempt limits,
    no prediction and nothing to register: it is practice in the contest's format."""
    if data.get("rounds"):
        problems.error(
            file,
            data.line_of("rounds"),
            _("a trial contest is always open: remove its rounds"),
        )
    rules = dataclasses.replace(
        rules,
        attempts_per_day=None,
        attempts_per_round=None,
        prediction="none",
        prize_fields=(),
        min_age=None,
    )
    return rules, (Round(TRIAL_ROUND_ID, _("Trial"), TRIAL_OPENS, TRIAL_CLOSES),)
