"""A group session's report as a PDF for the group's own records: when and where,
who came (by name: this copy stays with the group; phone players who typed a name
are counted, not listed), what was covered, the group quiz results and what the
residents answered on their phones.

>>> write_session_pdf(session_summary(store, sid), Path("bao-cao.pdf"), today)   # doctest: +SKIP
"""

from __future__ import annotations

import datetime
from pathlib import Path

from skillsapp.flows.group_session import SessionSummary
from skillsapp.i18n import _, format_date, format_number, format_percent, ngettext
from skillsapp.reports.pdf import FAMILY, long_date, new_document, save_pdf

LETTERS = "ABCDEF"


def _line(doc, text: str, size: int = 12, style: str = "", height: float = 7) -> None:
    doc.set_font(FAMILY, style, size)
    doc.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def write_session_pdf(summary: SessionSummary, target: Path, issued: datetime.date) -> Path:
    """Write the report; needs no database, so it can run on a background thread."""
    session = summary.session
    doc = new_document()
    doc.add_page()
    _line(doc, _("Group session report"), 18, "B", 10)
    _line(doc, _("Date: {date}").format(date=format_date(session.held_on)))
    _line(doc, _("Place: {place}").format(place=session.place or "-"))
    if session.group_name:
        _line(doc, _("Community group: {group}").format(group=session.group_name))
    if session.leader:
        _line(doc, _("Led by: {leader}").format(leader=session.leader))
    _line(doc, _("Topic: {topic}").format(topic=summary.topic_title))
    if not session.closed:
        _line(doc, _("The session is not ended yet: this report may still change."), style="I")

    doc.ln(3)
    count = summary.attendance
    _line(
        doc,
        ngettext("Who came: {n} person", "Who came: {n} people", count).format(n=count),
        14,
        "B",
        9,
    )
    if summary.attendees:
        doc.set_font(FAMILY, "", 11)
        with doc.table(col_widths=(12, 170), text_align=("CENTER", "LEFT")) as table:
            table.row(["#", _("Full name")])
            for number, name in enumerate(summary.attendees, start=1):
                table.row([str(number), name])
    elif not summary.phone.anonymous_players:
        _line(doc, _("Nobody was checked in."))
    anonymous = summary.phone.anonymous_players
    if anonymous:
        _line(
            doc,
            ngettext(
                "{n} person played on a phone without picking a name from the check-in list: "
                "counted, not listed.",
                "{n} people played on a phone without picking a name from the check-in list: "
                "counted, not listed.",
                anonymous,
            ).format(n=anonymous),
            11,
        )

    doc.ln(3)
    _line(doc, _("What was covered"), 14, "B", 9)
    for title in summary.lessons:
        _line(doc, "• " + title)
    if summary.quiz:
        _line(
            doc,
            "• "
            + ngettext(
                "Group quiz: {n} question", "Group quiz: {n} questions", len(summary.quiz)
            ).format(n=len(summary.quiz)),
        )

    if summary.quiz:
        doc.ln(3)
        _line(doc, _("Group quiz results"), 14, "B", 9)
        doc.set_font(FAMILY, "", 10)
        with doc.table(
            col_widths=(10, 110, 20, 20, 22),
            text_align=("CENTER", "LEFT", "CENTER", "CENTER", "CENTER"),
        ) as table:
            table.row(["#", _("Question"), _("Answers"), _("Right answer"), _("Right")])
            for number, outcome in enumerate(summary.quiz, start=1):
                share = outcome.share_right
                table.row(
                    [
                        str(number),
                        outcome.question.text,
                        format_number(outcome.total),
                        ", ".join(LETTERS[i] for i in outcome.question.correct),
                        format_percent(share) if share is not None else "-",
                    ]
                )
        average = summary.average_right
        if average is not None:
            doc.ln(2)
            _line(doc, _("Right answers on average: {share}").format(share=format_percent(average)))

    if summary.phone.games:
        _phone_section(doc, summary)

    doc.ln(4)
    _line(
        doc,
        _("Made with Kỹ Năng Số, {date}. This copy has names: keep it within the group.").format(
            date=long_date(issued)
        ),
        10,
        "I",
        6,
    )
    return save_pdf(doc, target)


def _phone_section(doc, summary: SessionSummary) -> None:
    phone = summary.phone
    doc.ln(3)
    _line(doc, _("Played on phones"), 14, "B", 9)
    _line(
        doc,
        ngettext("{n} player", "{n} players", phone.players).format(n=format_number(phone.players))
        + " · "
        + ngettext(
            "{n} of them picked their name from the check-in list",
            "{n} of them picked their name from the check-in list",
            phone.checked_in_players,
        ).format(n=format_number(phone.checked_in_players))
        + " · "
        + ngettext("{n} answer", "{n} answers", phone.answers).format(
            n=format_number(phone.answers)
        ),
    )
    apart = summary.phone_quiz_apart
    if not apart:
        _line(doc, _("The group quiz results above include the answers given on phones."), 11)
        return
    doc.set_font(FAMILY, "", 10)
    with doc.table(
        col_widths=(10, 130, 20, 22), text_align=("CENTER", "LEFT", "CENTER", "CENTER")
    ) as table:
        table.row(["#", _("Question"), _("Answers"), _("Right")])
        for number, outcome in enumerate(apart, start=1):
            share = outcome.share_right
            table.row(
                [
                    str(number),
                    outcome.question.text,
                    format_number(outcome.answers),
                    format_percent(share) if share is not None else "-",
                ]
            )


def default_file_name(summary: SessionSummary) -> str:
    """``buoi-sinh-hoat-2026-12-08.pdf`` in Vietnamese: plain ASCII, which any USB stick accepts."""
    return _("group-session-{date}.pdf").format(date=summary.session.held_on.isoformat())
