"""One entry point for every round export, used by the organiser screens and by
``skillsapp export``. Unmasked personal data needs a named organiser and is audited."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from skillsapp.errors import AppError
from skillsapp.i18n import N_, _
from skillsapp.reports import round_data
from skillsapp.reports.certificate import prize_certificates

FORMATS = ("xlsx", "csv", "pdf", "certificates")
PRIZES = (N_("First prize"), N_("Second prize"), N_("Third prize"))


class UnmaskRefused(AppError):
    def user_message(self) -> str:
        return _("Only a signed-in organiser may export unmasked personal data.")


def export_round(
    store,
    contest_id: str,
    round_id: str,
    fmt: str,
    target: Path,
    now: datetime.datetime,
    unmasked: bool = False,
    organiser: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the round's export in ``fmt``. For "csv", ``target`` is a folder + file stem
    (``folder/stem``). Returns the files written."""
    if unmasked and not organiser:
        raise UnmaskRefused(target)
    report = round_data.load_round(store, contest_id, round_id, now, unmasked=unmasked)
    if unmasked:
        store.organisers.audit(
            organiser or "",
            "export_unmasked",
            {"contest": contest_id, "round": round_id, "format": fmt, "file": str(target)},
        )
    target = Path(target)
    if fmt == "xlsx":
        from skillsapp.reports.round_xlsx import write_round_xlsx

        return [write_round_xlsx(store, report, target, progress)]
    if fmt == "csv":
        from skillsapp.reports.round_csv import write_round_csv

        return write_round_csv(store, report, target.parent, target.name, progress)
    if fmt == "pdf":
        from skillsapp.reports.round_pdf import write_round_pdf

        return [write_round_pdf(store, report, target, now.date())]
    if fmt == "certificates":
        winners = []
        for item in report.ranking():
            if item.rank > len(PRIZES):
                break  # in rank order: nobody further down has a prize
            if item.complete:
                winners.append((item.full_name, _(PRIZES[item.rank - 1])))
        if not winners:
            raise round_data.RoundNotReady(
                round_id, _("No eligible entrant has a prize in this round yet.")
            )
        return [
            prize_certificates(
                target,
                winners,
                report.contest.title,
                report.round.title,
                now.date(),
                report.contest.organiser or _("Organising board"),
            )
        ]
    raise ValueError(fmt)
