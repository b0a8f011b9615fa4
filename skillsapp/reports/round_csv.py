"""A round's results as CSV files in UTF-8 with a byte-order mark, so Excel shows
Vietnamese correctly: ranking, entrants, communes, questions and every answer.
No field can start a formula (``cells.csv_row``)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

from skillsapp.i18n import _
from skillsapp.reports import round_attempts, round_statistics
from skillsapp.reports import round_data as data
from skillsapp.reports.cells import csv_row
from skillsapp.reports.files import export_target

Progress = Callable[[str], None]


def write_csv(target: Path, headers: Iterable[str], rows: Iterable[list]) -> Path:
    with (
        export_target(target) as partial,
        open(partial, "w", encoding="utf-8-sig", newline="") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow(csv_row(headers))
        writer.writerows(csv_row(row) for row in rows)
    return target


def write_round_csv(
    store, report: data.RoundReport, folder: Path, stem: str, progress: Progress | None = None
) -> list[Path]:
    """Write ``<stem>-xep-hang.csv`` and its siblings into ``folder``; returns the paths."""
    say = progress or (lambda _m: None)
    folder = Path(folder)
    written = []
    parts = [
        ("xep-hang", [_(h) for h in data.RANKING_HEADERS], lambda: data.ranking_rows(report)),
        ("nguoi-du-thi", [_(h) for h in data.ENTRANT_HEADERS], lambda: data.entrant_rows(report)),
        ("theo-xa-phuong", [_(h) for h in data.COMMUNE_HEADERS], lambda: data.commune_rows(report)),
        (
            "cau-hoi",
            [_(h) for h in data.QUESTION_HEADERS],
            lambda: round_statistics.question_rows(store, report),
        ),
        (
            "bai-lam",
            [_(h) for h in data.ANSWER_HEADERS],
            lambda: round_attempts.answer_rows(store, report),
        ),
    ]
    for suffix, headers, rows in parts:
        say(_("Writing {name}…").format(name=f"{stem}-{suffix}.csv"))
        written.append(write_csv(folder / f"{stem}-{suffix}.csv", headers, rows()))
    return written
