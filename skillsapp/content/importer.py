"""Adding the questions of a GIFT, Aiken or Excel file to a pack folder, and
exporting a pack's questions back to GIFT or Excel.

>>> report = import_into_pack(Path("ngan-hang.gift"), Path("content/packs/xa-a"))   # doctest: +SKIP
>>> len(report.imported), report.skipped[:1]                                        # doctest: +SKIP
(41, [(17, 'matching questions are not supported')])
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from skillsapp.content.pack import read_pack
from skillsapp.content.question_file import LETTERS
from skillsapp.content.textfile import read_text
from skillsapp.errors import ContentError
from skillsapp.i18n import _
from skillsapp.models import ImportReport, Question

FORMATS = ("gift", "aiken", "xlsx")


@dataclass
class PackImport:
    """An :class:`ImportReport` plus where the questions went and what still needs work."""

    report: ImportReport
    written_to: Path | None = None
    needs_explanation: list[str] = field(default_factory=list)


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".gift":
        return "gift"
    if suffix == ".txt":
        text = read_text(path, path.name)
        return "aiken" if re.search(r"^\s*(ANSWER|Đáp án)\s*:", text, re.I | re.M) else "gift"
    raise ContentError(
        path.name, _("unknown file type; use a .gift, .txt (GIFT or Aiken) or .xlsx file")
    )


def parse_file(path: Path, fmt: str, default_topic: str, id_prefix: str) -> ImportReport:
    if fmt == "xlsx":
        from skillsapp.content.formats.xlsx import read_xlsx

        return read_xlsx(path, default_topic, id_prefix)
    text = read_text(path, path.name)
    if fmt == "aiken":
        from skillsapp.content.formats.aiken import parse_aiken

        return parse_aiken(text, default_topic, id_prefix)
    from skillsapp.content.formats.gift import parse_gift

    return parse_gift(text, default_topic, id_prefix)


def question_to_yaml(question: Question) -> dict:
    """The pack-file form of a question (the inverse of the pack reader)."""
    entry: dict = {"id": question.id, "topic": question.topic, "difficulty": question.difficulty}
    if question.title:
        entry["title"] = question.title
    if question.kind != "choice":
        entry["kind"] = question.kind
    entry["text"] = question.text
    entry["options"] = list(question.options)
    letters = [LETTERS[i] for i in question.correct]
    entry["answer"] = letters[0] if len(letters) == 1 else letters
    if question.weights:
        entry["weights"] = [int(w) if float(w).is_integer() else w for w in question.weights]
    if question.option_feedback and any(question.option_feedback):
        entry["feedback"] = list(question.option_feedback)
    entry["explanation"] = question.explanation
    if question.exclusive:
        entry["exclusive"] = question.exclusive
    if question.image:
        # Question files live in questions/; the model keeps paths from the pack root.
        entry["image"] = posixpath.relpath(question.image, "questions")
    return entry


def import_into_pack(
    source: Path, pack_dir: Path, fmt: str | None = None, topic: str | None = None
) -> PackImport:
    """Parse ``source`` and write its new questions to ``pack_dir/questions/imported-<name>.yaml``."""
    if not (pack_dir / "pack.yaml").is_file():
        raise ContentError(pack_dir, _("this folder has no pack.yaml, so it is not a content pack"))
    existing = read_pack(pack_dir)
    pack = existing.pack
    topics = pack.topic_ids()
    default_topic = topic or (pack.topics[0].id if pack.topics else "chung")
    if topic and topics and topic not in topics:
        raise ContentError(
            pack_dir / "pack.yaml", _("the pack has no topic '{topic}'").format(topic=topic)
        )
    fmt = fmt or detect_format(source)
    parsed = parse_file(source, fmt, default_topic, pack.id or "q")
    result = ImportReport(skipped=list(parsed.skipped))
    known = {q.id for q in pack.questions}
    for question in parsed.imported:
        if topics and question.topic not in topics:
            result.skipped.append(
                (
                    0,
                    _(
                        "question {id}: topic '{topic}' is not in this pack; add it to "
                        "pack.yaml or import with --topic"
                    ).format(id=question.id, topic=question.topic),
                )
            )
        elif question.id in known:
            result.skipped.append(
                (0, _("question {id} is already in the pack").format(id=question.id))
            )
        else:
            known.add(question.id)
            result.imported.append(question)
    outcome = PackImport(
        result, needs_explanation=[q.id for q in result.imported if not q.explanation]
    )
    if result.imported:
        folder = pack_dir / "questions"
        folder.mkdir(exist_ok=True)
        stem = re.sub(r"[^a-z0-9-]+", "-", source.stem.lower()).strip("-") or "cau-hoi"
        target = folder / f"imported-{stem}.yaml"
        number = 2
        while target.exists():
            target = folder / f"imported-{stem}-{number}.yaml"
            number += 1
        document = {"questions": [question_to_yaml(q) for q in result.imported]}
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
        partial = target.with_suffix(".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
        outcome.written_to = target
    return outcome


def export_pack(pack_dir: Path, fmt: str, target: Path) -> int:
    """Write every question of the pack to GIFT or Excel; returns how many."""
    read = read_pack(pack_dir)
    questions = list(read.pack.questions)
    if fmt == "gift":
        from skillsapp.content.formats.gift_writer import write_gift

        target.write_text(write_gift(questions), encoding="utf-8")
    elif fmt == "xlsx":
        from skillsapp.content.formats.xlsx import write_xlsx

        write_xlsx(questions, target)
    else:
        raise ContentError(target.name, _("export formats are gift and xlsx"))
    return len(questions)
