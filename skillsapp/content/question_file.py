"""Reading one question of a pack's question file into a :class:`Question`,
recording every problem with its line."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from skillsapp.content.fields import field_text, unknown_fields
from skillsapp.content.problems import Problems
from skillsapp.content.yamlfile import LineDict, LineList
from skillsapp.i18n import _
from skillsapp.models import DIFFICULTIES, QUESTION_KINDS, Question

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
LETTERS = "ABCDEF"

QUESTION_FIELDS = {
    "id",
    "topic",
    "difficulty",
    "text",
    "options",
    "answer",
    "explanation",
    "image",
    "title",
    "kind",
    "weights",
    "feedback",
    "exclusive",
}


def _parse_answer(value: Any, option_count: int) -> tuple[tuple[int, ...], str | None]:
    letters = value if isinstance(value, list) else [value]
    indexes = []
    for letter in letters:
        if not isinstance(letter, str) or len(letter.strip()) != 1:
            return (), _("the answer must be a letter such as B, or a list such as [A, C]")
        index = LETTERS.find(letter.strip().upper())
        if index < 0 or index >= option_count:
            return (), _(
                "the answer '{letter}' does not match any option: the question has {n} options"
                " ({first}–{last})"
            ).format(
                letter=letter.strip(),
                n=option_count,
                first=LETTERS[0],
                last=LETTERS[max(0, min(option_count, len(LETTERS)) - 1)],
            )
        indexes.append(index)
    if len(set(indexes)) != len(indexes):
        return (), _("the same answer letter is given twice")
    return tuple(sorted(indexes)), None


def read_question(
    data: Any,
    file: str,
    line: int,
    default_topic: str,
    pack_id: str,
    problems: Problems,
    folder: str,
) -> Question | None:
    """One question from its YAML mapping; problems are recorded, not raised."""
    if not isinstance(data, LineDict):
        problems.error(
            file, line, _("a question must be a set of fields (id, text, options, answer…)")
        )
        return None
    unknown_fields(data, QUESTION_FIELDS, file, problems)
    qid = data.get("id")
    if not isinstance(qid, str) or not ID_PATTERN.match(qid):
        problems.error(
            file,
            data.line_of("id"),
            _(
                "the question id '{id}' is missing or not valid "
                "(use lower-case letters, digits and hyphens)"
            ).format(id=qid or ""),
        )
        return None
    text = field_text(data.get("text"))
    if not text:
        problems.error(file, data.line_of("text"), _("question {id} has no text").format(id=qid))
    topic = field_text(data.get("topic")) or default_topic
    difficulty = field_text(data.get("difficulty")) or "medium"
    if difficulty not in DIFFICULTIES:
        problems.error(
            file,
            data.line_of("difficulty"),
            _("question {id}: difficulty must be easy, medium or hard").format(id=qid),
        )
    kind = field_text(data.get("kind")) or "choice"
    if kind not in QUESTION_KINDS:
        problems.error(
            file,
            data.line_of("kind"),
            _("question {id}: unknown kind '{kind}'").format(id=qid, kind=kind),
        )
    raw_options = data.get("options")
    options: list[str] = []
    if not isinstance(raw_options, list):
        problems.error(
            file, data.line_of("options"), _("question {id} has no list of options").format(id=qid)
        )
    else:
        for index, option in enumerate(raw_options):
            if not isinstance(option, str | int | float) or isinstance(option, bool):
                where = (
                    raw_options.line_of(index) if isinstance(raw_options, LineList) else data.line
                )
                problems.error(
                    file,
                    where,
                    _("question {id}: option {n} is not text (put it in quotes)").format(
                        id=qid, n=index + 1
                    ),
                )
                option = str(option)
            options.append(str(option).strip())
    if not 2 <= len(options) <= 6 and isinstance(raw_options, list):
        problems.error(
            file,
            data.line_of("options"),
            _("question {id} has {n} options; a question needs 2 to 6").format(
                id=qid, n=len(options)
            ),
        )
    seen: dict[str, int] = {}
    for index, option in enumerate(options):
        if not option:
            problems.error(
                file,
                data.line_of("options"),
                _("question {id}: option {n} is empty").format(id=qid, n=index + 1),
            )
        key = " ".join(option.casefold().split())
        if key in seen:
            problems.error(
                file,
                data.line_of("options"),
                _("question {id}: options {a} and {b} are the same text").format(
                    id=qid,
                    a=LETTERS[seen[key]] if seen[key] < 6 else seen[key] + 1,
                    b=LETTERS[index] if index < 6 else index + 1,
                ),
            )
        seen.setdefault(key, index)
    correct: tuple[int, ...] = ()
    if "answer" not in data:
        problems.error(
            file,
            data.line,
            _("question {id} has no correct option (add 'answer: B')").format(id=qid),
        )
    else:
        correct, error = _parse_answer(data["answer"], len(options))
        if error:
            problems.error(
                file,
                data.line_of("answer"),
                _("question {id}: {problem}").format(id=qid, problem=error),
            )
        elif not correct:
            problems.error(
                file,
                data.line_of("answer"),
                _("question {id} has no correct option").format(id=qid),
            )
    explanation = field_text(data.get("explanation"))
    if not explanation:
        problems.error(
            file,
            data.line_of("explanation") if "explanation" in data else data.line,
            _("question {id} has no explanation; learners need to know why").format(id=qid),
        )
    weights: tuple[float, ...] = ()
    if data.get("weights") is not None:
        raw = data["weights"]
        if (
            not isinstance(raw, list)
            or len(raw) != len(options)
            or not all(isinstance(w, int | float) and not isinstance(w, bool) for w in raw)
        ):
            problems.error(
                file,
                data.line_of("weights"),
                _("question {id}: weights must be one number per option").format(id=qid),
            )
        else:
            weights = tuple(float(w) for w in raw)
    feedback: tuple[str, ...] = ()
    if data.get("feedback") is not None:
        raw = data["feedback"]
        if not isinstance(raw, list) or len(raw) != len(options):
            problems.error(
                file,
                data.line_of("feedback"),
                _("question {id}: feedback must be one text per option").format(id=qid),
            )
        else:
            feedback = tuple(field_text(f) if isinstance(f, str) else "" for f in raw)
    image = None
    if data.get("image"):
        image = field_text(data["image"])
        # Stored relative to the pack root ("images/x.svg"), whatever folder the file is in.
        image = posixpath.normpath(posixpath.join(folder, image)) if folder else image
    exclusive = field_text(data.get("exclusive"))
    if "exclusive" in data and not ID_PATTERN.match(exclusive):
        problems.error(
            file,
            data.line_of("exclusive"),
            _(
                "question {id}: the exclusive group must be a name such as 'ma-otp' "
                "(lower-case letters, digits and hyphens)"
            ).format(id=qid),
        )
        exclusive = ""
    return Question(
        id=qid,
        topic=topic,
        difficulty=difficulty,
        text=text,
        options=tuple(options),
        correct=correct,
        explanation=explanation,
        image=image,
        title=field_text(data.get("title")),
        kind=kind,
        weights=weights,
        option_feedback=feedback,
        pack_id=pack_id,
        exclusive=exclusive,
    )
