"""Vietnamese text for people who type without diacritics, and lists in dictionary order.

``fold`` makes searching diacritic- and case-blind (đ counts as d), so a resident who
types "ba dinh" finds "Phường Ba Đình". ``sort_key`` orders names the way a Vietnamese
dictionary does: letters first (a < ă < â < b < c < d < đ < e < ê …), tones only when
the letters are the same (ngang, huyền, hỏi, ngã, sắc, nặng: a < à < ả < ã < á < ạ).

>>> fold("Phường Ba Đình")
'phuong ba dinh'
>>> sorted(["Đồng Nai", "Cà Mau", "Cao Bằng", "Cần Thơ", "Bắc Ninh"], key=sort_key)
['Bắc Ninh', 'Cà Mau', 'Cao Bằng', 'Cần Thơ', 'Đồng Nai']
>>> matches("ba dinh", "Phường Ba Đình"), matches("inh", "Phường Ba Đình")
(True, False)
"""

from __future__ import annotations

import re
import unicodedata

# The Vietnamese alphabet, with the Latin letters it does not use (f, j, w, z) in their
# Latin places so that foreign names still sort sensibly.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET, start=20)}
# Marks that make a different letter (ă, â, ê, ô, ơ, ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Tone marks in dictionary order: huyền, hỏi, ngã, sắc, nặng (ngang, no mark, is 0).
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without diacritics, đ as d: what a search compares.

    >>> fold("ĐẮK LẮK")
    'dak lak'
    """
    decomposed = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of ``text``: punctuation and extra spaces dropped."""
    return _WORD.findall(fold(text))


def matches(typed: str, text: str) -> bool:
    """Whether every word typed starts a word of ``text``, in any order, ignoring case
    and diacritics. Nothing typed matches everything.

    >>> matches("dong thap", "Đồng Tháp"), matches("thap", "Đồng Tháp"), matches("", "x")
    (True, True, True)
    """
    have = words(text)
    return all(any(word.startswith(want) for word in have) for want in words(typed))


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """A key that sorts Vietnamese text in dictionary order (see the module docstring).

    Spaces come before every letter, so "Hà Nội" sorts before "Hải Phòng", and digits
    before letters. Case only breaks ties.
    """
    primary: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFC", text.casefold()):
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        letter = unicodedata.normalize(
            "NFC", base + "".join(m for m in marks if m in _LETTER_MARKS)
        )
        tone = next((_TONE_RANK[m] for m in marks if m in _TONE_RANK), 0)
        if letter in _LETTER_RANK:
            primary.append(_LETTER_RANK[letter])
            tones.append(tone)
        elif base.isdigit():
            primary.append(1 + int(base))
        elif base.isspace() or not base.isalnum():
            # Spaces, dashes and other punctuation separate words: they sort first.
            if primary and primary[-1] != 0:
                primary.append(0)
        else:
            primary.append(100 + ord(base))
            tones.append(tone)
    while primary and primary[-1] == 0:
        primary.pop()
    return tuple(primary), tuple(tones), text
