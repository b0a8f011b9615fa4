"""Item-quality rules run by ``skillsapp content check``: warnings by default, errors
with ``--strict`` (and when the province publishes a pack).

* the share of single-answer questions whose right option is the longest one, per
  question file and per contest pool (above :data:`KEY_LONGEST_LIMIT`);
* near-duplicate question stems across the pack (:mod:`skillsapp.content.duplicates`);
* a question picture (SVG) showing an option's text;
* "all/none of the above" options; straight quotes and other forms of address than
  "bạn" (:mod:`skillsapp.content.wording`);
* lessons longer than :data:`~skillsapp.content.reading.MAX_LESSON_WORDS` words.

Rules that need the raw YAML (a ``minutes`` field, a source without ``date``, a key
letter out of range) are reported where the files are read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from skillsapp.content.contest_pools import check_contest_pools
from skillsapp.content.duplicate_helper import SearchHelper
from skillsapp.content.duplicates import MAX_PAIRS, near_duplicates
from skillsapp.content.pack import PackReadResult
from skillsapp.content.problems import Problems
from skillsapp.content.reading import MAX_LESSON_WORDS, word_count
from skillsapp.content.wording import (
    address_forms,
    has_straight_quote,
    is_all_or_none,
    markdown_visible,
    shows_option,
    svg_text,
)
from skillsapp.i18n import _
from skillsapp.models import Question

KEY_LONGEST_LIMIT = 0.40
LETTERS = "ABCDEF"


def counts_for_key_length(question: Question) -> bool:
    """Single-answer multiple-choice questions (not true/false, not weighted)."""
    return (
        len(question.correct) == 1
        and question.kind == "choice"
        and not question.weights
        and len(question.options) >= 2
    )


def key_is_longest(question: Question) -> bool:
    key = question.correct[0]
    length = len(question.options[key].strip())
    return all(length >= len(o.strip()) for i, o in enumerate(question.options) if i != key)


def _question_texts(question: Question) -> Iterable[str]:
    yield question.title
    yield question.text
    yield from question.options
    yield question.explanation
    yield from question.option_feedback


class QualityCheck:
    def __init__(
        self, read: PackReadResult, problems: Problems, helper: SearchHelper | None = None
    ) -> None:
        self.read = read
        self.problems = problems
        self.root = Path(read.pack.root)
        self.by_id = {q.id: q for q in read.pack.questions}
        self.helper = helper

    def run(self) -> None:
        by_file: dict[str, list[str]] = defaultdict(list)
        for question in self.read.pack.questions:
            by_file[self.read.question_at[question.id][0]].append(question.id)
            self.question(question)
        for file, ids in by_file.items():
            self.key_longest_share(ids, file, 1, _("the questions of this file"))
        self.duplicates()
        check_contest_pools(self.read, self.problems, self.key_longest_share)
        for lesson in self.read.pack.lessons:
            self.lesson(lesson)

    def key_longest_share(self, ids: list[str], file: str, line: int, what: str) -> None:
        counted = [self.by_id[i] for i in ids if counts_for_key_length(self.by_id[i])]
        longest = sum(1 for q in counted if key_is_longest(q))
        if counted and longest / len(counted) > KEY_LONGEST_LIMIT:
            self.problems.warning(
                file,
                line,
                _(
                    "in {what}, the right option is the longest one in {share} of the "
                    "single-answer questions ({longest} of {total}; at most 40%): a guesser "
                    "who picks the longest option scores high. Make a plausible wrong option "
                    "the longest in some of them."
                ).format(
                    what=what,
                    share=f"{round(100 * longest / len(counted))}%",
                    longest=longest,
                    total=len(counted),
                ),
            )

    def question(self, question: Question) -> None:
        file, line = self.read.question_at[question.id]
        warn = self.problems.warning
        for index, option in enumerate(question.options):
            if is_all_or_none(option):
                warn(
                    file,
                    line,
                    _(
                        "question {id}: option {letter} (“{option}”) points at other options "
                        "(“all/none of the above”); write an option that says something itself"
                    ).format(id=question.id, letter=LETTERS[index], option=option[:60]),
                )
        texts = [t for t in _question_texts(question) if t]
        if any(has_straight_quote(t) for t in texts):
            warn(
                file,
                line,
                _(
                    'question {id}: straight quotes " in the text; use typographic quotes “…” '
                    "(and ‘…’ inside them)"
                ).format(id=question.id),
            )
        self.address(file, line, texts, _("question {id}").format(id=question.id))
        if question.image and question.image.lower().endswith(".svg"):
            self.picture(question, file, line)

    def picture(self, question: Question, file: str, line: int) -> None:
        path = self.root / question.image
        shown = svg_text(path) if path.is_file() else None
        if not shown:
            return
        order = sorted(range(len(question.options)), key=lambda i: i not in question.correct)
        for index in order:  # the right options first
            option = question.options[index]
            if shows_option(shown, option, index in question.correct):
                self.problems.warning(
                    file,
                    line,
                    _(
                        "question {id}: its picture {image} shows the text of option {letter} "
                        "(“{option}”), so it gives the answer away; use a neutral picture (the "
                        "message, the screen) the reader must read"
                    ).format(
                        id=question.id,
                        image=question.image,
                        letter=LETTERS[index],
                        option=option[:60],
                    ),
                )
                return

    def address(self, file: str, line: int, texts: Iterable[str], what: str) -> None:
        # One search over the texts joined by line breaks: a form of address is two words
        # joined by a space, so no match spans two texts.
        found = sorted(set(address_forms("\n".join(texts))))
        if found:
            self.problems.warning(
                file,
                line,
                _(
                    "{what}: “{forms}” addresses the reader; the pack speaks to the reader as "
                    "“bạn” everywhere"
                ).format(what=what, forms="”, “".join(found)),
            )

    def duplicates(self) -> None:
        # A helper given the questions (check_pack) searched while the other rules ran.
        found = self.helper.receive() if self.helper is not None else None
        pairs = near_duplicates(self.read.pack.questions, MAX_PAIRS, found)
        if len(pairs) > MAX_PAIRS:
            file, line = self.read.question_at[pairs[-1].first.id]
            self.problems.warning(
                file,
                line,
                _(
                    "more than {n} pairs of questions ask nearly the same thing; only the first "
                    "{n} are listed"
                ).format(n=MAX_PAIRS),
            )
            pairs = pairs[:MAX_PAIRS]
        for pair in pairs:
            file, line = self.read.question_at[pair.first.id]
            other_file, other_line = self.read.question_at[pair.second.id]
            self.problems.warning(
                file,
                line,
                _(
                    "questions {first} and {second} ({where}) ask nearly the same thing "
                    "(similarity {score}%); merge them, or give both the same "
                    "'exclusive: <group>' so a draw never shows both"
                ).format(
                    first=pair.first.id,
                    second=pair.second.id,
                    where=f"{other_file}:{other_line}",
                    score=round(pair.score),
                ),
            )

    def lesson(self, lesson) -> None:
        file, line = self.read.lesson_at[lesson.id]
        warn = self.problems.warning
        words = word_count(lesson.body)
        if words > MAX_LESSON_WORDS:
            warn(
                file,
                line,
                _(
                    "lesson {id} has {n} words of text, more than {limit}: split it into parts "
                    "(two lessons)"
                ).format(id=lesson.id, n=words, limit=MAX_LESSON_WORDS),
            )
        front = [lesson.title, lesson.summary, *lesson.objectives]
        what = _("lesson {id}").format(id=lesson.id)
        if any(has_straight_quote(t) for t in front):
            warn(
                file,
                line,
                _('{what}: straight quotes " in the title, summary or objectives; use “…”').format(
                    what=what
                ),
            )
        self.address(file, line, front, what)
        text = (self.root / lesson.path).read_text(encoding="utf-8-sig")
        body_start = text.count("\n", 0, len(text) - len(lesson.body)) + 1 if lesson.body else 0
        for offset, raw in enumerate(lesson.body.split("\n")):
            visible = markdown_visible(raw)
            number = body_start + offset
            if has_straight_quote(visible):
                warn(
                    file,
                    number,
                    _('{what}: straight quotes " in the text; use “…”').format(what=what),
                )
            self.address(file, number, [visible], what)


def check_quality(
    read: PackReadResult, problems: Problems, helper: SearchHelper | None = None
) -> None:
    """Add every item-quality warning for the pack ``read`` to ``problems``; the
    near-duplicate search runs in ``helper`` when there is one."""
    QualityCheck(read, problems, helper).run()
