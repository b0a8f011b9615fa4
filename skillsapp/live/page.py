"""The phone page: one small HTML file, its script and style, and the Vietnamese strings
(through gettext) injected as a JSON block the script reads.

The JSON is not executed (``type="application/json"``), so the strict
Content-Security-Policy allows no inline script at all; ``<`` is escaped so no text can
close the block early.

>>> '"<' not in page_html()
True
"""

from __future__ import annotations

import json
from pathlib import Path

from skillsapp.i18n import N_, _, language

TEMPLATE = Path(__file__).resolve().parent / "phone" / "index.html"

# Keys the script uses -> English message ids. {n}, {total}, {name}, {points}, {rank},
# {players} are filled in by the script.
STRINGS = {
    "title": N_("Play on your phone"),
    "room_code": N_("Room code (on the big screen)"),
    "your_name": N_("Your name"),
    "join": N_("Join"),
    "or_pick": N_("Checked in today? Pick your name:"),
    "show_list": N_("Show the check-in list"),
    "no_names": N_("No one is on the check-in list."),
    "connecting": N_("Connecting…"),
    "lost": N_("Lost connection, trying again…"),
    "hello": N_("Hello, {name}!"),
    "waiting": N_("Waiting for the question…"),
    "keep_open": N_("Keep this page open: the question will appear here."),
    "question_of": N_("Question {n} of {total}"),
    "tap_one": N_("Tap your answer."),
    "tap_many": N_("Several answers are right: tap each one, then press Send."),
    "send": N_("Send"),
    "sending": N_("Sending…"),
    "recorded": N_("Recorded"),
    "wait_reveal": N_("Wait for the leader to show the answer."),
    "right": N_("Right!"),
    "wrong": N_("Not right this time."),
    "no_answer": N_("You did not answer this question."),
    "correct_is": N_("The right answer:"),
    "explanation": N_("Explanation"),
    "your_points": N_("Your points: {points}"),
    "place": N_("Place {rank} of {players}"),
    "next_soon": N_("Wait for the next question."),
    "finished": N_("The game has ended. Thank you!"),
    "try_again": N_("Something went wrong. Please try again."),
}


def page_strings() -> dict[str, str]:
    return {key: _(message) for key, message in STRINGS.items()}


def page_html() -> str:
    strings = json.dumps(page_strings(), ensure_ascii=False).replace("<", "\\u003c")
    return (
        TEMPLATE.read_text(encoding="utf-8")
        .replace("{{LANG}}", language())
        .replace("{{TITLE}}", _(STRINGS["title"]).replace("&", "&amp;").replace("<", "&lt;"))
        .replace("{{STRINGS}}", strings)
    )
