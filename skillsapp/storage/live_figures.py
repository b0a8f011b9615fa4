"""What the phone games of one group session add up to: read-only counts over the
``live_games``, ``live_players`` and ``live_answers`` tables.

Both the session (its attendance and the report sent to the province) and the phone
game's own summary read them, so the counting rule is written once, here:

* a phone player who picked their name from the check-in list is a checked-in profile,
  counted once however many games they played;
* an anonymous phone player (a typed display name) cannot be told apart from the same
  person in the session's next game, so the session counts the most anonymous players
  any one of its games had, never the sum over games;
* the session's attendance is its checked-in profiles plus those anonymous players.

>>> live_summary(db, session_id).players      # doctest: +SKIP
12
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from skillsapp.storage.connection import Database


@dataclass(frozen=True)
class LiveQuestionFigures:
    """One question as the phones answered it, over every game of the session."""

    question_id: str
    answers: int
    right: int

    @property
    def share_right(self) -> float | None:
        return self.right / self.answers if self.answers else None


@dataclass(frozen=True)
class LiveSessionSummary:
    games: int = 0
    checked_in_players: int = 0  # distinct checked-in profiles who played on a phone
    anonymous_players: int = 0  # the most anonymous players in one game of the session
    answers: int = 0
    answered_questions: int = 0  # (game, question) pairs with at least one answer
    questions: tuple[LiveQuestionFigures, ...] = ()  # in the order the games asked them

    @property
    def players(self) -> int:
        """Phone players as the session counts them (see the module docstring)."""
        return self.checked_in_players + self.anonymous_players


def live_summary(db: Database, session_id: str) -> LiveSessionSummary:
    """The session's phone games added up; all zero when it had none."""
    games = db.execute(
        "SELECT question_ids FROM live_games WHERE session_id = ? ORDER BY started_at, rowid",
        [session_id],
    ).fetchall()
    if not games:
        return LiveSessionSummary()
    of_session = "JOIN live_games g ON g.id = {t}.game_id WHERE g.session_id = ?"
    checked_in = db.execute(
        "SELECT COUNT(DISTINCT p.profile_id) FROM live_players p "
        + of_session.format(t="p")
        + " AND p.profile_id IS NOT NULL",
        [session_id],
    ).fetchone()[0]
    anonymous = db.execute(
        "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM live_players p "
        + of_session.format(t="p")
        + " AND p.profile_id IS NULL GROUP BY p.game_id)",
        [session_id],
    ).fetchone()[0]
    answered_questions = db.execute(
        "SELECT COUNT(*) FROM (SELECT DISTINCT a.game_id, a.question_id FROM live_answers a "
        + of_session.format(t="a")
        + ")",
        [session_id],
    ).fetchone()[0]
    per_question = {
        row[0]: LiveQuestionFigures(row[0], int(row[1]), int(row[2]))
        for row in db.execute(
            "SELECT a.question_id, COUNT(*), SUM(a.correct) FROM live_answers a "
            + of_session.format(t="a")
            + " GROUP BY a.question_id",
            [session_id],
        )
    }
    order: list[str] = []
    for (question_ids,) in games:
        order += [qid for qid in json.loads(question_ids) if qid not in order]
    order += sorted(qid for qid in per_question if qid not in order)
    return LiveSessionSummary(
        games=len(games),
        checked_in_players=int(checked_in),
        anonymous_players=int(anonymous),
        answers=sum(q.answers for q in per_question.values()),
        answered_questions=int(answered_questions),
        questions=tuple(per_question[qid] for qid in order if qid in per_question),
    )


def unrevealed_tallies(db: Database, session_id: str) -> dict[str, list[int]]:
    """Questions answered on phones that have no quiz counts in the session (the app
    stopped before the reveal): how many chose each option, from the stored answers, as
    the game tallies a reveal. The list is as long as the installed question's options
    (or reaches the highest option chosen, for a question no longer installed)."""
    rows = db.execute(
        "SELECT a.question_id, a.choices FROM live_answers a "
        "JOIN live_games g ON g.id = a.game_id WHERE g.session_id = ? AND a.question_id "
        "NOT IN (SELECT question_id FROM session_quiz WHERE session_id = ?) "
        "ORDER BY g.started_at, g.rowid, a.answered_at",
        [session_id, session_id],
    ).fetchall()
    tallies: dict[str, list[int]] = {}
    for question_id, choices in rows:
        if question_id not in tallies:
            found = db.execute("SELECT data FROM questions WHERE id = ?", [question_id]).fetchone()
            options = (json.loads(found[0]).get("options") or []) if found else []
            tallies[question_id] = [0] * len(options)
        tally = tallies[question_id]
        for choice in json.loads(choices):
            if not 0 <= choice < 26:  # never stored by the game; kept out of the counts
                continue
            if choice >= len(tally):
                tally.extend([0] * (choice + 1 - len(tally)))
            tally[choice] += 1
    return tallies
