"""Reading text files people edit by hand: UTF-8 (with or without BOM), any line
ending, and a clear message for legacy Vietnamese encodings or binary files.

>>> looks_like_legacy_vietnamese("Vieät Nam ñaát nöôùc")
True
>>> looks_like_legacy_vietnamese("Việt Nam đất nước")
False
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from skillsapp.errors import ContentError
from skillsapp.i18n import _

MAX_TEXT_FILE_BYTES = 20 * 1024 * 1024

# Characters that never occur in Unicode Vietnamese but fill text typed in the
# old TCVN3 (ABC) and VNI fonts when it is read as Windows-1252 or Latin-1.
_LEGACY_MARKERS = re.compile("[öñøûïäëåÖÑØÛÏÄËÅ¸µ¶·¹¨®ª©«¬¦§°±²³¼½¾]")
_LETTER = re.compile(r"[^\W\d_]")


def looks_like_legacy_vietnamese(text: str) -> bool:
    # Regular expressions keep this at C speed on a 10,000-question bank.
    markers = len(_LEGACY_MARKERS.findall(text))
    if markers < 3:
        return False
    return markers * 50 >= max(len(_LETTER.findall(text)), 1)


def decode_text(data: bytes, where: str) -> str:
    """Decode bytes of a hand-edited text file, or raise :class:`ContentError`."""
    if b"\x00" in data[:8192]:
        raise ContentError(where, _("this is not a text file (it looks like a binary file)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        legacy = data.decode("cp1252", errors="replace")
        if looks_like_legacy_vietnamese(legacy):
            raise ContentError(
                where,
                _(
                    "the text looks like an old Vietnamese encoding (TCVN3/ABC or VNI). "
                    "Convert it to Unicode (UTF-8), for example with UniKey's converter, and try again."
                ),
            ) from None
        raise ContentError(
            where, _("the file is not UTF-8 text. Save it as UTF-8 and try again.")
        ) from None
    if looks_like_legacy_vietnamese(text):
        raise ContentError(
            where,
            _(
                "the text looks like an old Vietnamese encoding (TCVN3/ABC or VNI). "
                "Convert it to Unicode (UTF-8), for example with UniKey's converter, and try again."
            ),
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, where: str | None = None) -> str:
    where = where or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_FILE_BYTES:
            raise ContentError(
                where,
                _("the file is too large ({size} MB; at most {limit} MB).").format(
                    size=size // (1024 * 1024), limit=MAX_TEXT_FILE_BYTES // (1024 * 1024)
                ),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(
            where, _("the file cannot be read ({reason}).").format(reason=exc.strerror)
        ) from exc
    return decode_text(data, where)


def first_non_nfc_line(text: str) -> int | None:
    """The 1-based line of the first text that is not NFC-normalised, or None."""
    if unicodedata.is_normalized("NFC", text):
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if not unicodedata.is_normalized("NFC", line):
            return number
    return 1
