"""Group sessions run by a community digital-technology group: who came, what was
covered, and the answers counted in a group quiz on the projector."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from skillsapp.storage.connection import Database
from skillsapp.storage.ids import new_id, utc_now_iso
from skillsapp.storage.live_figures import live_summary, unrevealed_tallies
from skillsapp.storage.outbox import Outbox


@dataclass(frozen=True)
class GroupSession:
    id: str
    held_on: datetime.date
    place: str
    group_name: str
    topic: str
    leader: str
    notes: str
    closed: bool


@dataclass(frozen=True)
class SessionQuizItem:
    question_id: str
    counts: tuple[int, ...]  # people who chose each option, in the question's own order


@dataclass
class SessionReport:
    session: GroupSession
    attendees: list[str] = field(default_factory=list)  # display names
    quiz: list[SessionQuizItem] = field(default_factory=list)
    phone_anonymous: int = 0  # phone players who typed a name: counted, never named

    @property
    def attendance(self) -> int:
        """How many came: checked-in people plus anonymous phone players (see
        :mod:`skillsapp.storage.live_figures` for why those are not summed over games)."""
        return len(self.attendees) + self.phone_anonymous


class GroupSessions:
    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox

    def _session(self, row: dict) -> GroupSession:
        return GroupSession(
            row["id"],
            datetime.date.fromisoformat(row["held_on"]),
            row["place"] or "",
            row["group_name"] or "",
            row["topic"] or "",
            row["leader"] or "",
            row["notes"] or "",
            bool(row["closed_at"]),
        )

    def create(
        self,
        held_on: datetime.date,
        place: str,
        group_name: str,
        topic: str,
        leader: str,
        notes: str = "",
    ) -> GroupSession:
        row = {
            "id": new_id(),
            "held_on": held_on.isoformat(),
            "place": place.strip(),
            "group_name": group_name.strip(),
            "topic": topic,
            "leader": leader.strip(),
            "notes": notes.strip(),
            "created_at": utc_now_iso(),
            "closed_at": None,
        }
        with self.db.atomic():
            self.db.table("group_sessions").insert(row)
        return self._session(row)

    def update(
        self,
        session_id: str,
        held_on: datetime.date,
        place: str,
        group_name: str,
        topic: str,
        leader: str,
    ) -> GroupSession:
        """Correct the details of a session that has not ended (an ended one was sent)."""
        with self.db.atomic():
            self.db.table("group_sessions").update(
                session_id,
                {
                    "held_on": held_on.isoformat(),
                    "place": place.strip(),
                    "group_name": group_name.strip(),
                    "topic": topic,
                    "leader": leader.strip(),
                },
            )
        return self.get(session_id)

    def get(self, session_id: str) -> GroupSession:
        return self._session(self.db.table("group_sessions").get(session_id))

    def all(self) -> list[GroupSession]:
        return [
            self._session(r)
            for r in self.db.table("group_sessions").rows_where(
                order_by="held_on desc, created_at desc"
            )
        ]

    def check_in(self, session_id: str, profile_id: str) -> bool:
        """Mark a person present; returns False if they were already checked in."""
        with self.db.atomic():
            exists = self.db.execute(
                "SELECT 1 FROM attendance WHERE session_id = ? AND profile_id = ?",
                [session_id, profile_id],
            ).fetchone()
            if exists:
                return False
            self.db.table("attendance").insert(
                {
                    "id": new_id(),
                    "session_id": session_id,
                    "profile_id": profile_id,
                    "checked_in_at": utc_now_iso(),
                }
            )
        return True

    def attendees(self, session_id: str) -> list[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT p.id, p.display_name FROM attendance a JOIN profiles p ON p.id = a.profile_id "
            "WHERE a.session_id = ? ORDER BY a.checked_in_at",
            [session_id],
        )
        return [(r[0], r[1]) for r in rows]

    def record_quiz(self, session_id: str, question_id: str, counts: list[int]) -> None:
        """Save how many people chose each option (entered by the leader), replacing earlier counts."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM session_quiz WHERE session_id = ? AND question_id = ?",
                [session_id, question_id],
            )
            self.db.table("session_quiz").insert(
                {
                    "id": new_id(),
                    "session_id": session_id,
                    "question_id": question_id,
                    "counts": json.dumps(counts),
                    "revealed_at": utc_now_iso(),
                    "created_at": utc_now_iso(),
                }
            )

    def quiz(self, session_id: str) -> list[SessionQuizItem]:
        rows = self.db.execute(
            "SELECT question_id, counts FROM session_quiz WHERE session_id = ? ORDER BY created_at",
            [session_id],
        )
        return [SessionQuizItem(r[0], tuple(json.loads(r[1]))) for r in rows]

    def attendance(self, session_id: str) -> int:
        """How many came: checked-in people plus anonymous phone players."""
        checked_in = self.db.execute(
            "SELECT COUNT(*) FROM attendance WHERE session_id = ?", [session_id]
        ).fetchone()[0]
        return int(checked_in) + live_summary(self.db, session_id).anonymous_players

    def report(self, session_id: str) -> SessionReport:
        return SessionReport(
            self.get(session_id),
            [name for _id, name in self.attendees(session_id)],
            self.quiz(session_id),
            live_summary(self.db, session_id).anonymous_players,
        )

    def close(self, session_id: str) -> SessionReport:
        """Close the session and queue its report for the province (no names leave: counts only).

        ``attendance`` counts checked-in people plus anonymous phone players; a session
        with a phone game adds ``phone_players`` (of them, those who played on a phone),
        ``phone_answers`` and ``phone_questions`` (game questions answered at least once).
        Phone answers to a question the app never revealed (it stopped mid-question) are
        tallied into the quiz counts first, so they are in the report like the rest."""
        with self.db.atomic():
            for question_id, counts in unrevealed_tallies(self.db, session_id).items():
                self.record_quiz(session_id, question_id, counts)
            report = self.report(session_id)
            phones = live_summary(self.db, session_id)
            self.db.execute(
                "UPDATE group_sessions SET closed_at = ? WHERE id = ?", [utc_now_iso(), session_id]
            )
            session = report.session
            payload: dict[str, object] = {
                "id": session_id,
                "held_on": session.held_on.isoformat(),
                "place": session.place,
                "group_name": session.group_name,
                "topic": session.topic,
                "attendance": report.attendance,
                "quiz": [
                    {"question_id": q.question_id, "counts": list(q.counts)} for q in report.quiz
                ],
            }
            if phones.games:
                payload["phone_players"] = phones.players
                payload["phone_answers"] = phones.answers
                payload["phone_questions"] = phones.answered_questions
            self.outbox.queue("session_report", session_id, payload)
        return self.report(session_id)
