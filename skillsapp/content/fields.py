"""Reading fields of hand-edited YAML: text, sources, unknown-field warnings, and a
YAML file with every problem recorded (encoding, NFC, syntax) rather than raised."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from skillsapp.content.problems import Problems
from skillsapp.content.textfile import first_non_nfc_line, read_text
from skillsapp.content.yamlfile import LineDict, LineList, load_yaml
from skillsapp.errors import ContentError
from skillsapp.i18n import _
from skillsapp.models import Source


def field_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def unknown_fields(data: LineDict, known: set[str], file: str, problems: Problems) -> None:
    for key in data:
        if key not in known:
            problems.warning(
                file, data.line_of(key), _("unknown field '{field}' (a typo?)").format(field=key)
            )


def field_date(value: Any) -> str:
    """A date field as text: YAML reads an unquoted 2025-04-29 as a date, a 2025 as a number."""
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return field_text(value)


def field_sources(value: Any) -> tuple[Source, ...]:
    found = []
    for item in value or []:
        if isinstance(item, dict):
            found.append(
                Source(
                    field_text(item.get("title")),
                    field_text(item.get("url")),
                    field_date(item.get("date")),
                )
            )
        elif isinstance(item, str):
            found.append(Source(item.strip()))
    return tuple(found)


def undated_sources(value: Any, file: str, line: int, problems: Problems, shift: int = 0) -> None:
    """Warn about each source (of a lesson or pack.yaml) that has no ``date``; ``shift`` is
    added to the lines YAML gives (a lesson's front matter starts on file line 2)."""
    if not isinstance(value, list):
        return
    for index, item in enumerate(value):
        where = value.line_of(index) + shift if isinstance(value, LineList) else line
        title = field_text(item.get("title")) if isinstance(item, dict) else field_text(item)
        if not isinstance(item, dict) or not field_date(item.get("date")):
            problems.warning(
                file,
                where,
                _(
                    'the source “{title}” has no date; add date: "2025-04-29" (the '
                    "document's or page's date, or its year)"
                ).format(title=title[:60]),
            )


def read_yaml_file(root: Path, path: Path, problems: Problems) -> tuple[Any, str]:
    rel = path.relative_to(root).as_posix()
    try:
        text = read_text(path, rel)
    except ContentError as exc:
        problems.error(rel, 0, exc.detail)
        return None, rel
    bad_line = first_non_nfc_line(text)
    if bad_line:
        problems.error(
            rel,
            bad_line,
            _("text is not in Unicode NFC form (use a Unicode editor or UniKey to fix)"),
        )
    try:
        return load_yaml(text, rel), rel
    except ContentError as exc:
        file, _sep, line = exc.where.partition(":")
        problems.error(file, int(line or 0), exc.detail)
        return None, rel
