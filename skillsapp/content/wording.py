"""Wording rules for text a resident reads: the pack's one voice, typographic quotes,
"all/none of the above" options, and the text a question's SVG picture shows.

The lists live here and nowhere else; ``content/README.md`` (section 9) explains them.

>>> normalise("Mã OTP là gì? (Chọn tất cả các đáp án đúng)")
'mã otp là gì'
>>> address_forms("Bà con nên đặt mật khẩu dài.")
['bà con']
>>> is_all_or_none("Cả A và B")
True
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

# The pack speaks to the reader as "bạn". These other forms of address are reported
# wherever a resident reads them (scenario questions name people instead: "bà Hoa").
ADDRESS_FORMS = ("bà con", "quý vị", "các bác", "cô chú")
_ADDRESS = re.compile(r"\b(" + "|".join(ADDRESS_FORMS) + r")\b", re.IGNORECASE)

MULTI_SUFFIX = "(Chọn tất cả các đáp án đúng)"

# Options that point at other options instead of saying something ("all of the above").
# Matched on normalised text (lower case, no punctuation).
_ITEM = r"(?:đáp án|phương án|ý|câu|cách|việc)"
_ANSWER = r"(?:đáp án|phương án|ý)"
ALL_OR_NONE = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\btất cả(?: các| những)? {_ANSWER}\b",
        rf"\btất cả(?: các| những)? {_ITEM} (?:trên|nêu trên|đều)\b",
        r"\btất cả đều\b",
        r"\bcả [a-f] (?:và|lẫn) [a-f]\b",
        rf"\bcả (?:hai|ba|bốn|năm|2|3|4|5)(?: {_ITEM})?(?: trên| nêu trên)? đều\b",
        rf"\bcả (?:hai|ba|bốn|năm|2|3|4|5) {_ITEM} trên\b",
        rf"\bkhông (?:có )?{_ANSWER} nào\b",
        rf"\b(?:các|những) {_ITEM}(?: nêu)? trên đều\b",
        r"^(?:đều|tất cả) (?:đúng|sai)$",
        r"\b(?:all|none|both|neither) of the (?:above|answers|options)\b",
    )
)

_PUNCTUATION = re.compile(r"[^\w\s]")


def normalise(text: str) -> str:
    """Text to compare: NFC, lower case, the multi-answer suffix and punctuation removed."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace(MULTI_SUFFIX.casefold(), " ")
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def address_forms(text: str) -> list[str]:
    """The forms of address other than "bạn" used in ``text`` (lower case, in order)."""
    text = unicodedata.normalize("NFC", text)
    # A match holds a form in some case; lower-casing finds it (none of the forms' letters
    # has another case-insensitive partner), and most texts hold none: skip the search.
    lowered = text.lower()
    if not any(form in lowered for form in ADDRESS_FORMS):
        return []
    return [m.group(1).lower() for m in _ADDRESS.finditer(text)]


# The patterns above as one: a single search per option instead of ten (an option that
# matches one of them matches this, and only such an option).
_ANY_ALL_OR_NONE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in ALL_OR_NONE))


# Every match of those patterns holds one of these (most options hold none, and looking
# for them is ten times faster than the search).
_ALL_OR_NONE_WORDS = ("cả", "không", "đều", "of the")


def is_all_or_none(option: str) -> bool:
    text = normalise(option)
    if not any(word in text for word in _ALL_OR_NONE_WORDS):
        return False
    return _ANY_ALL_OR_NONE.search(text) is not None


def has_straight_quote(text: str) -> bool:
    return '"' in text


_MARKDOWN_TARGET = re.compile(r"(!?\[[^\]]*\])\([^)]*\)")
_CODE = re.compile(r"`[^`]*`")


def markdown_visible(line: str) -> str:
    """A Markdown line without link/image addresses (and titles) or code spans."""
    return _CODE.sub(" ", _MARKDOWN_TARGET.sub(r"\1", line))


def svg_text(path: Path) -> str | None:
    """The normalised words an SVG picture shows (its ``<text>``, with ``<tspan>``s), or
    None when the file cannot be read as SVG."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return None
    parts = [
        "".join(element.itertext())
        for element in root.iter()
        if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] == "text"
    ]
    return normalise(" ".join(parts))


# What counts as a picture printing an option (see :func:`shows_option`).
PICTURE_KEY_WORDS = 2  # the right option, printed whole, from this many words
PICTURE_OPTION_WORDS = 4  # any other option, printed whole, from this many words
PICTURE_KEY_SHARE = 0.7  # or this share of the right option's words (3 words or more)


def shows_option(picture: str, option: str, is_key: bool) -> bool:
    """Whether the normalised picture text gives ``option`` away: it contains the option's
    words whole (the right option from 2 words, any other from 4), or, for the right
    option, most of its words (rephrased advice printed on the picture)."""
    wanted = normalise(option)
    words = wanted.split()
    if len(words) >= (PICTURE_KEY_WORDS if is_key else PICTURE_OPTION_WORDS) and (
        f" {wanted} " in f" {picture} "
    ):
        return True
    if not is_key or len(words) < 3:
        return False
    shown = set(picture.split())
    return sum(word in shown for word in words) / len(words) >= PICTURE_KEY_SHARE
