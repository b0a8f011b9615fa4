"""One round for organisers: the ranking and per-question statistics on this PC,
and exports (Excel, CSV, PDF report, winners' certificates) made in the background.

Identification and phone numbers are masked unless the organiser ticks the box;
that choice is recorded in the audit log by the export itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from skillsapp.errors import AppError
from skillsapp.flows.contest_admin import CLOSED, UPCOMING, round_status
from skillsapp.i18n import _, format_datetime, format_duration, format_number, format_percent
from skillsapp.models import Contest, Round
from skillsapp.reports import round_data, round_statistics
from skillsapp.reports.round_export import export_round
from skillsapp.ui.common.widgets import TaskPage, big_button, card, heading, paragraph
from skillsapp.ui.manage.common import (
    BusyBar,
    CheckLine,
    Reflow,
    message_label,
    read_only_table,
    say,
)
from skillsapp.ui.shell.context import AppContext

TEXT_LENGTH = 70


def _short(text: str) -> str:
    return text if len(text) <= TEXT_LENGTH else text[: TEXT_LENGTH - 1].rstrip() + "…"


class RoundScreen(TaskPage):
    """The export card comes first and "Export to Excel" sits in the action bar, so the
    exports are in reach however long the ranking is."""

    back = Signal()

    def __init__(self, context: AppContext, contest: Contest, round_: Round) -> None:
        super().__init__()
        self.context = context
        self.contest = contest
        self.round = round_
        self.report: round_data.RoundReport | None = None
        self.written: list[Path] = []
        # Asks where to save; returns None when the organiser cancels. Tests replace it.
        self.choose_folder: Callable[[], Path | None] = self._ask_folder
        page = self
        page.body.addWidget(
            heading(_("{contest} — {round}").format(contest=contest.title, round=round_.title))
        )
        page.body.addWidget(paragraph(self._status_text()))
        self.ranking_table = None
        self.question_table = None
        try:
            self.report = round_data.load_round(context.store, contest.id, round_.id, context.now())
        except AppError as exc:
            self.empty = paragraph(str(exc))
            page.body.addWidget(self.empty)
            page.body.addWidget(self._export_card())
        else:
            page.body.addWidget(self._export_card())
            self._show_report(page)
        page.body.addStretch(1)
        self.back_button = self.add_action(big_button(_("Back")), left=True)
        self.back_button.clicked.connect(self.back.emit)
        self.add_action(self.export_buttons["xlsx"])
        self.setFocusProxy(self.back_button)

    def _status_text(self) -> str:
        round_ = self.round
        status = round_status(round_, self.context.now())
        if status == UPCOMING:
            return _("This round opens at {when}.").format(when=format_datetime(round_.opens_at))
        if status == CLOSED:
            return _("This round closed at {when}.").format(when=format_datetime(round_.closes_at))
        return _("This round is open from {opens} to {closes}.").format(
            opens=format_datetime(round_.opens_at), closes=format_datetime(round_.closes_at)
        )

    # --- on screen ------------------------------------------------------------------

    def _show_report(self, page: TaskPage) -> None:
        report = self.report
        assert report is not None
        if report.still_open:
            page.body.addWidget(
                paragraph(_("The round is still open: these results may still change."), muted=True)
            )
        page.body.addWidget(
            paragraph(
                _(
                    "Entrants: {n}. Full scores: {full}. True figure for the prediction: {figure}."
                ).format(
                    n=report.entrants,
                    full=report.full_scores,
                    figure=report.true_figure if report.true_figure is not None else "–",
                )
            )
        )
        page.body.addWidget(heading(_("Ranking"), level=2))
        rows = []
        for row in round_data.ranking_rows(report):
            rank, name, commune, score, out_of, prediction = row[:6]
            rows.append(
                [
                    rank,
                    name,
                    commune,
                    f"{format_number(score)}/{format_number(out_of)}",
                    "" if prediction is None else format_number(prediction),
                    format_duration(row[7]),
                    row[10],
                    row[9],
                ]
            )
        headers = [
            _("Rank"),
            _("Full name"),
            _("Commune"),
            _("Score"),
            _("Prediction"),
            _("Time taken"),
            _("ID number"),
            _("Eligible for a prize"),
        ]
        self.ranking_table = read_only_table(headers, rows, numeric=(0, 3, 4, 5))
        self.ranking_table.setAccessibleName(_("Ranking"))
        page.body.addWidget(self.ranking_table)
        page.body.addWidget(heading(_("Questions"), level=2))
        page.body.addWidget(
            paragraph(
                _(
                    "Facility: the share of entrants who answered right. Discrimination: how "
                    "well the question separates stronger from weaker entrants (higher is better)."
                ),
                muted=True,
            )
        )
        self.question_table = self._question_table(report)
        page.body.addWidget(self.question_table)

    def _question_table(self, report: round_data.RoundReport):
        topics = {t.id: t.title for t in self.context.store.content.topics()}
        raw = list(round_statistics.question_rows(self.context.store, report))
        # Columns A–D always; E and F only when some question has them chosen.
        used = [i for row in raw for i in range(6) if row[6 + i]]
        options = max([4, *(i + 1 for i in used)])
        headers = [_("Question"), _("Attempts"), _("Facility"), _("Discrimination")]
        headers += [_(round_data.QUESTION_HEADERS[6 + i]) for i in range(options)]
        headers += [_("Unanswered"), _("Topic"), _("Text")]
        rows = []
        for row in raw:
            qid, topic, text, attempts, facility, discrimination = row[:6]
            rows.append(
                [
                    qid,
                    attempts,
                    format_percent(facility),
                    format_number(discrimination, 1) if discrimination != "" else "–",
                    *row[6 : 6 + options],
                    row[12],
                    topics.get(topic, topic),
                    _short(text),
                ]
            )
        text_column = len(headers) - 1
        table = read_only_table(headers, rows, numeric=range(1, text_column - 1))
        for r, row in enumerate(raw):
            table.item(r, text_column).setToolTip(row[2])
        table.setAccessibleName(_("Questions"))
        return table

    # --- exports --------------------------------------------------------------------

    def _export_card(self) -> QWidget:
        frame, box = card()
        box.addWidget(heading(_("Export the results"), level=2))
        box.addWidget(
            paragraph(
                _("Choose a format, then the folder (for example a USB stick) for the files."),
                muted=True,
            )
        )
        unmasked = CheckLine(_("Show full ID numbers and phone numbers (this is recorded)"))
        self.unmasked_box = unmasked.box
        self.unmasked_box.setChecked(False)
        box.addWidget(unmasked)
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, text in (
            ("xlsx", _("Export to Excel")),
            ("csv", _("CSV files")),
            ("pdf", _("PDF report")),
            ("certificates", _("Winners' certificates (PDF)")),
        ):
            button = big_button(text, primary=fmt == "xlsx")
            button.clicked.connect(lambda _checked=False, f=fmt: self.export(f))
            button.setEnabled(self.report is not None)
            self.export_buttons[fmt] = button
        # Excel, the usual choice, is in the action bar; the other formats here.
        box.addWidget(paragraph(_("Other formats:"), muted=True))
        box.addWidget(
            Reflow([self.export_buttons[f] for f in ("csv", "pdf", "certificates")], spacing=12)
        )
        self.busy = BusyBar()
        box.addWidget(self.busy)
        self.result = message_label()
        box.addWidget(self.result)
        return frame

    def _ask_folder(self) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(
            self, _("Choose where to save the files"), str(Path.home())
        )
        return Path(chosen) if chosen else None

    def _target(self, folder: Path, fmt: str) -> Path:
        stem = f"{self.contest.id}-{self.round.id}"
        names = {
            "xlsx": f"{stem}.xlsx",
            "csv": stem,
            "pdf": f"{stem}-bao-cao.pdf",
            "certificates": f"{stem}-giay-khen.pdf",
        }
        return folder / names[fmt]

    def export(self, fmt: str) -> None:
        folder = self.choose_folder()
        if folder is None:
            return
        target = self._target(folder, fmt)
        unmasked = self.unmasked_box.isChecked()
        organiser = self.context.organiser if unmasked else None
        contest_id, round_id, now = self.contest.id, self.round.id, self.context.now()
        store = self.context.store

        def work(progress):
            worker = store.for_thread()
            try:
                return export_round(
                    worker,
                    contest_id,
                    round_id,
                    fmt,
                    target,
                    now,
                    unmasked=unmasked,
                    organiser=organiser,
                    progress=progress,
                )
            finally:
                worker.close()

        for button in self.export_buttons.values():
            button.setEnabled(False)
        say(self.result, "")
        self.busy.start(_("Preparing the export…"))
        self.scroll.ensureWidgetVisible(self.busy)
        self.context.tasks.start(
            work, lambda paths: self._done(paths, unmasked), self._failed, self.busy.progress
        )

    def _finish(self) -> None:
        self.busy.stop()
        for button in self.export_buttons.values():
            button.setEnabled(True)

    def _done(self, paths: list[Path], unmasked: bool) -> None:
        self._finish()
        self.written = list(paths)
        text = _("Written to: {path}").format(path="\n".join(str(p) for p in paths))
        if unmasked:
            text += "\n" + _("Full ID and phone numbers are in this export; it has been recorded.")
        say(self.result, text, good=True)
        self.scroll.ensureWidgetVisible(self.result)
        self.export_buttons["xlsx"].setFocus()

    def _failed(self, error: Exception) -> None:
        self._finish()
        message = str(error) if isinstance(error, AppError) else _("Something went wrong.")
        say(self.result, message, good=False)
        self.scroll.ensureWidgetVisible(self.result)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            self.back.emit()
            return
        super().keyPressEvent(event)
