"""Verifying a contest attempt: the server believes nothing a PC merely claims.

The server re-derives the attempt's draw from its seed, the draw contract version
(:data:`skillsapp.engine.draw.DRAWS`) and the published contest version it was
drawn under, with the server's own questions (docs/draw-contract.md), and checks
the answers, the times and the attempt limits against the contest's rules.

What cannot happen under the rules is **refused** (:class:`RecordProblem`, with a
stable ``code`` and a Vietnamese ``reason`` the app shows as is); what can
happen honestly but is unusual is **accepted and flagged** for an organiser to
review. Refused:

* an unknown (future) draw version or contest version, a round the contest lacks;
* a layout that is not exactly what the seed draws: wrong count, a question twice,
  a question the province never published, two questions of one ``exclusive`` group
  (draw version 2 on), topic quotas not met, options not a permutation, other
  questions, another order or another option order;
* an answer to a question outside the layout, two answers to one question, an
  option index the question does not have;
* ``submitted_at`` before ``started_at``; started more than :data:`~skillsapp.server.verify_times.WINDOW_TOLERANCE`
  before the round opened or submitted more than that after it closed; a round the
  server's own clock says is not open yet; ``submitted_at`` later than the moment
  the server received it, allowing the PC clock's measured offset in this batch
  plus :data:`~skillsapp.server.verify_times.RECEIPT_TOLERANCE`;
* a duration of 0 or less, or longer than the time limit plus :data:`DURATION_GRACE`;
* more attempts than the contest allows per round or per Vietnamese day for the
  registration, counting what the server already holds plus earlier records of the
  same batch (the later arrival is the one refused).

Flagged (kept, left for review): started or submitted outside the round but within
:data:`~skillsapp.server.verify_times.WINDOW_TOLERANCE` (a PC clock a little off); clock events (the PC clock went
backwards during the attempt); a duration that differs from ``submitted_at −
started_at`` (capped at the limit) by more than :data:`DURATION_SLACK`; a score that
differs from the server's; a draw the server cannot make (its questions changed).

The PC clock can be wrong, so tolerances rest on what the server measures: the
batch's ``sent_at`` against the server's receive time gives the PC's offset.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from skillsapp.engine.draw import (
    DRAWS,
    DrawError,
    Layout,
    QuestionBank,
    layout_from_json,
    layout_to_json,
    repeated_group,
)
from skillsapp.engine.rules import vietnam_day
from skillsapp.models import Contest, Question, Round
from skillsapp.server.verify_times import RecordProblem, check_times


@dataclass
class Verified:
    """An attempt that passed verification, with what storing it needs."""

    contest: Contest
    contest_version: str
    draw_version: int
    round: Round
    layout: Layout
    answers: dict[str, list[int]]
    questions: dict[str, Question]
    started_at: datetime.datetime
    submitted_at: datetime.datetime
    flags: list[str] = field(default_factory=list)


def _draw_version(payload: Mapping[str, Any]) -> int:
    value = payload.get("draw_version")
    if value is None:
        return 1  # apps from before the contract was versioned drew with version 1
    if not isinstance(value, int) or isinstance(value, bool) or value not in DRAWS:
        raise RecordProblem(
            f"Lượt thi được rút câu hỏi theo cách (phiên bản {value!s:.20}) mà máy chủ chưa biết. "
            "Hãy báo ban tổ chức cập nhật máy chủ, rồi đồng bộ lại.",
            "draw_version_unknown",
        )
    return value


def _parse_layout(raw: Any) -> Layout:
    try:
        if not isinstance(raw, list):
            raise TypeError
        return layout_from_json(raw)
    except (TypeError, ValueError):
        raise RecordProblem(
            "Danh sách câu hỏi của lượt thi (layout) bị hỏng: mỗi mục phải là [mã câu hỏi, "
            "[thứ tự phương án]].",
            "invalid_layout",
        ) from None


def _check_layout(
    raw: Any, contest: Contest, bank: QuestionBank, seed: int, draw_version: int
) -> tuple[Layout, list[str]]:
    """The layout ``seed`` draws, if ``raw`` (the payload's layout) is exactly it, with flags
    (none unless the server cannot draw); otherwise refuse, saying what is wrong."""
    try:
        drawn: Layout | None = DRAWS[draw_version](bank, contest.rules, seed)
    except DrawError:  # the server's questions changed since: not the device's doing
        drawn = None
    # The usual case, kept cheap (the server verifies thousands of attempts a minute): the
    # layout as sent equals the draw's, so count, quotas and option orders all hold.
    if drawn is not None and raw == layout_to_json(drawn):
        return drawn, []
    layout = _parse_layout(raw)
    rules = contest.rules
    expected = sum(q.count for q in rules.quotas) if rules.quotas else rules.questions_per_attempt
    if len(layout) != expected:
        raise RecordProblem(
            f"Lượt thi có {len(layout)} câu hỏi, nhưng thể lệ cuộc thi quy định {expected} câu.",
            "layout_wrong_count",
        )
    ids = [slot.question_id for slot in layout]
    if len(set(ids)) != len(ids):
        raise RecordProblem(
            "Lượt thi có một câu hỏi xuất hiện hai lần; mỗi câu chỉ được rút một lần.",
            "layout_duplicate_question",
        )
    unknown = [qid for qid in ids if qid not in bank.by_id]
    if unknown:
        raise RecordProblem(
            f"Lượt thi có câu hỏi «{unknown[0]:.60}» không thuộc bộ câu hỏi tỉnh đã công bố. "
            "Hãy cập nhật gói câu hỏi trên máy từ máy chủ.",
            "layout_unknown_question",
        )
    group = repeated_group(layout, bank) if draw_version >= 2 else None
    if group:
        raise RecordProblem(
            f"Lượt thi có hai câu hỏi cùng nhóm «{group:.60}» (hai câu hỏi cùng một ý); "
            "mỗi lượt thi chỉ được có một câu của mỗi nhóm.",
            "layout_exclusive_group",
        )
    if rules.quotas and all(q.topic and q.difficulty is None for q in rules.quotas):
        wanted: dict[str, int] = {}
        for quota in rules.quotas:
            wanted[quota.topic or ""] = wanted.get(quota.topic or "", 0) + quota.count
        have: dict[str, int] = {}
        for qid in ids:
            topic = bank.by_id[qid].topic
            have[topic] = have.get(topic, 0) + 1
        if have != wanted:
            raise RecordProblem(
                "Số câu hỏi theo từng chủ đề của lượt thi không đúng thể lệ cuộc thi.",
                "layout_quota",
            )
    for slot in layout:
        if sorted(slot.option_order) != list(range(len(bank.by_id[slot.question_id].options))):
            raise RecordProblem(
                f"Thứ tự phương án của câu «{slot.question_id:.60}» không hợp lệ.",
                "layout_bad_option_order",
            )
    if drawn is None:
        return layout, ["máy chủ không rút lại được câu hỏi (bộ câu hỏi đã đổi)"]
    if [s.question_id for s in drawn] != ids:
        raise RecordProblem(
            "Các câu hỏi của lượt thi không đúng với bộ câu rút từ mã lượt thi (seed) theo thể lệ "
            "cuộc thi. Kết quả này không được tính.",
            "layout_mismatch",
        )
    raise RecordProblem(
        "Thứ tự phương án của các câu hỏi không đúng với thứ tự rút từ mã lượt thi (seed). "
        "Kết quả này không được tính.",
        "layout_option_order_mismatch",
    )


def _check_answers(payload: Mapping[str, Any], layout: Layout, bank: QuestionBank) -> dict:
    raw = payload.get("answers")
    if not isinstance(raw, list):
        raise RecordProblem("Lượt thi thiếu danh sách câu trả lời.", "invalid_answers")
    in_layout = {slot.question_id for slot in layout}
    answers: dict[str, list[int]] = {}
    for item in raw:
        qid = item.get("question_id") if isinstance(item, dict) else None
        chosen = item.get("chosen") if isinstance(item, dict) else None
        if not isinstance(qid, str) or not isinstance(chosen, list):
            raise RecordProblem(
                "Một câu trả lời thiếu mã câu hỏi hoặc phương án đã chọn.", "invalid_answers"
            )
        if qid not in in_layout:
            raise RecordProblem(
                f"Có câu trả lời cho câu «{qid:.60}», một câu không có trong lượt thi.",
                "answer_not_in_layout",
            )
        if qid in answers:
            raise RecordProblem(
                f"Câu «{qid:.60}» có hai câu trả lời; mỗi câu chỉ được trả lời một lần.",
                "answer_duplicate",
            )
        count = len(bank.by_id[qid].options)
        if not all(
            type(c) is int and 0 <= c < count  # a bool is no option index
            for c in chosen
        ) or len(set(chosen)) != len(chosen):
            raise RecordProblem(
                f"Câu trả lời cho câu «{qid:.60}» chọn phương án không có (câu này có {count} "
                "phương án).",
                "answer_bad_option",
            )
        answers[qid] = list(chosen)
    return answers


def check_limits(
    contest: Contest,
    round_: Round,
    started: datetime.datetime,
    earlier: Sequence[datetime.datetime],
) -> None:
    """Refuse an attempt beyond the contest's limits; ``earlier`` are the start times of the
    registration's other attempts in this round that the server holds or accepted before."""
    rules = contest.rules
    if rules.attempts_per_round is not None and len(earlier) >= rules.attempts_per_round:
        raise RecordProblem(
            f"Người dự thi đã dùng hết {rules.attempts_per_round} lượt thi của vòng "
            f"«{round_.title}»; lượt này không được tính.",
            "attempt_limit_round",
        )
    if rules.attempts_per_day is not None:
        day = vietnam_day(started)
        if sum(1 for s in earlier if vietnam_day(s) == day) >= rules.attempts_per_day:
            raise RecordProblem(
                f"Người dự thi đã dùng hết {rules.attempts_per_day} lượt thi của ngày "
                f"{day:%d/%m/%Y}; lượt này không được tính.",
                "attempt_limit_day",
            )


def verify_attempt(
    payload: Mapping[str, Any],
    versions: Mapping[str, Contest],
    bank_for: Any,
    received_at: datetime.datetime,
    device_offset: datetime.timedelta = datetime.timedelta(0),
) -> Verified:
    """Check an attempt payload against its contest's published ``versions`` (``{version:
    contest}``, oldest first); ``bank_for(contest)`` gives the server's question pool.
    Raises :class:`RecordProblem`; returns the verified attempt with its flags."""
    if any(contest.trial for contest in versions.values()):
        raise RecordProblem(
            "Đây là lượt thi thử: kết quả thi thử chỉ để luyện tập trên máy, không gửi lên tỉnh "
            "và không được xếp hạng.",
            "trial_contest",
        )
    draw_version = _draw_version(payload)
    claimed = payload.get("contest_version")
    if claimed is not None and (not isinstance(claimed, str) or claimed not in versions):
        raise RecordProblem(
            "Lượt thi được làm theo một phiên bản thể lệ cuộc thi mà máy chủ không có. Hãy cập "
            "nhật cuộc thi trên máy từ máy chủ.",
            "contest_version_unknown",
        )
    seed = payload.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise RecordProblem("Lượt thi thiếu mã rút câu hỏi (seed).", "invalid_seed")
    raw_layout = payload.get("layout")
    # An app from before versioned contests says nothing: the newest version its draw
    # reproduces is the one it was drawn under.
    candidates = [claimed] if claimed is not None else list(reversed(list(versions)))
    problem: RecordProblem | None = None
    for version in candidates:
        contest = versions[version]
        round_ = next((r for r in contest.rounds if r.id == payload.get("round_id")), None)
        if round_ is None:
            problem = problem or RecordProblem(
                f"Cuộc thi không có vòng «{payload.get('round_id')!s:.60}».", "unknown_round"
            )
            continue
        bank = bank_for(contest)
        try:
            layout, flags = _check_layout(raw_layout, contest, bank, seed, draw_version)
        except RecordProblem as refused:
            problem = problem or refused
            continue
        answers = _check_answers(payload, layout, bank)
        started, submitted, time_flags = check_times(
            payload, contest, round_, received_at, device_offset
        )
        questions = {slot.question_id: bank.by_id[slot.question_id] for slot in layout}
        return Verified(
            contest,
            version,
            draw_version,
            round_,
            layout,
            answers,
            questions,
            started,
            submitted,
            flags + time_flags,
        )
    assert problem is not None
    raise problem
