"""Results the provincial server refused, described for the person at the PC.

The server sends, per refused record, a Vietnamese reason meant to be shown as is
(see ``skillsapp/server/verify.py``); the outbox keeps it. Here each refusal gets
the name and round it concerns, so the sync page can say whose result it was:

>>> [r.text() for r in refusals(store)]                  # doctest: +SKIP
['Kết quả của Nguyễn Văn An (Tuần 1) bị máy chủ từ chối: Thời gian làm bài …']
"""

from __future__ import annotations

from dataclasses import dataclass

from skillsapp.i18n import _

_PREFIX = "rejected: "


@dataclass(frozen=True)
class Refusal:
    record_type: str
    record_id: str
    reason: str
    name: str = ""
    round_title: str = ""

    def text(self) -> str:
        if self.record_type == "attempt" and self.name:
            return _("The result of {name} ({round}) was refused by the server: {reason}").format(
                name=self.name, round=self.round_title or "?", reason=self.reason
            )
        if self.record_type == "registration" and self.name:
            return _("The registration of {name} was refused by the server: {reason}").format(
                name=self.name, reason=self.reason
            )
        return _("A record was refused by the server: {reason}").format(reason=self.reason)


def _attempt_context(store, attempt_id: str) -> tuple[str, str]:
    row = store.db.execute(
        "SELECT registration_id, contest_id, round_id FROM attempts WHERE id = ?", [attempt_id]
    ).fetchone()
    if row is None:
        return "", ""
    registration_id, contest_id, round_id = row
    name = _registration_name(store, registration_id) if registration_id else ""
    contest = store.content.contest(contest_id) if contest_id else None
    title = next((r.title for r in contest.rounds if r.id == round_id), "") if contest else ""
    return name, title or (round_id or "")


def _registration_name(store, registration_id: str) -> str:
    row = store.db.execute(
        "SELECT full_name FROM registrations WHERE id = ?", [registration_id]
    ).fetchone()
    return row[0] if row else ""


def refusals(store) -> list[Refusal]:
    """Every record the server refused for good, oldest first, with whose result it was."""
    found = []
    for record_type, record_id, error in store.outbox.rejected():
        reason = (error or "").removeprefix(_PREFIX).strip() or _("no reason given")
        name, round_title = "", ""
        if record_type == "attempt":
            name, round_title = _attempt_context(store, record_id)
        elif record_type == "registration":
            name = _registration_name(store, record_id)
        found.append(Refusal(record_type, record_id, reason, name, round_title))
    return found
