"""Vietnam's administrative divisions since 1 July 2025, for pickers and checks.

Two levels only: 34 provinces (*tỉnh*, *thành phố trung ương*) and their 3,321
communes (*xã*, *phường*, *đặc khu*). The data comes from the ``vietnam-provinces``
package and is loaded on first use, then kept: importing this module costs nothing.

Codes are the official GSO codes as zero-padded strings, the form stored in
profiles and registrations: provinces have **2 digits** (``"01"`` Hà Nội, ``"79"``
Hồ Chí Minh), communes **5 digits** (``"00070"`` Phường Hoàn Kiếm). Lookups expect
exactly that form.

>>> province("01").name
'Thành phố Hà Nội'
>>> [c.name for c in search_communes("hoan kiem")]
['Phường Hoàn Kiếm']
>>> province_of_commune("00070").code
'01'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from skillsapp import text as text_tools

PROVINCE_CODE_DIGITS = 2
COMMUNE_CODE_DIGITS = 5

# The folded word that starts a commune's name, left out when ranking search results so
# that typing "ba dinh" finds "Phường Ba Đình" as an exact match.
_KIND_PREFIXES = ("dac khu ", "phuong ", "xa ")
_WORD = re.compile(r"\w+")
# The kind words as they start names, left out when sorting by name: "Thành phố Hà Nội"
# sorts under H, "Phường Ba Đình" under B.
_NAME_PREFIXES = ("Thành phố ", "Tỉnh ", "Đặc khu ", "Phường ", "Xã ")


@dataclass(frozen=True)
class Division:
    """A province or a commune.

    ``kind`` is the Vietnamese division type as the data gives it: "tỉnh" or
    "thành phố trung ương" for provinces, "xã", "phường" or "đặc khu" for communes.
    ``province_code`` is the province a commune belongs to, ``None`` for a province.
    """

    code: str
    name: str
    kind: str
    province_code: str | None = None


@dataclass(frozen=True)
class _Indexed:
    division: Division
    words: tuple[str, ...]  # folded words of the full name, for matching
    full: str  # those words joined by single spaces: "phuong hoan kiem"
    bare: str  # the same without the kind word: "hoan kiem", for sorting and ranking


@dataclass(frozen=True)
class _Data:
    provinces: tuple[Division, ...]
    province_by_code: dict[str, Division]
    commune_by_code: dict[str, Division]
    communes_by_province: dict[str, tuple[Division, ...]]
    index: tuple[_Indexed, ...]  # every commune, in picker order


def _fold(text: str) -> str:
    return text_tools.fold(text)


def _bare_name(name: str) -> str:
    """The name without the kind word that starts it: "Ba Đình" for "Phường Ba Đình"."""
    for prefix in _NAME_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _index(division: Division) -> _Indexed:
    words = tuple(_WORD.findall(_fold(division.name)))
    full = " ".join(words)
    bare = full
    for prefix in _KIND_PREFIXES:
        if full.startswith(prefix):
            bare = full[len(prefix) :]
            break
    return _Indexed(division, words, full, bare)


@functools.cache
def _data() -> _Data:
    from vietnam_provinces import Province, Ward

    provinces = tuple(
        Division(
            code=f"{int(p.code):0{PROVINCE_CODE_DIGITS}d}",
            name=p.name,
            kind=p.division_type.value,
        )
        for p in sorted(Province.iter_all(), key=lambda p: int(p.code))
    )
    indexed = [
        _index(
            Division(
                code=f"{int(w.code):0{COMMUNE_CODE_DIGITS}d}",
                name=w.name,
                kind=w.division_type.value,
                province_code=f"{int(w.province_code):0{PROVINCE_CODE_DIGITS}d}",
            )
        )
        for w in Ward.iter_all()
    ]
    indexed.sort(
        key=lambda item: (text_tools.sort_key(_bare_name(item.division.name)), item.division.code)
    )
    by_province: dict[str, list[Division]] = {p.code: [] for p in provinces}
    for item in indexed:
        assert item.division.province_code is not None
        by_province[item.division.province_code].append(item.division)
    return _Data(
        provinces=provinces,
        province_by_code={p.code: p for p in provinces},
        commune_by_code={item.division.code: item.division for item in indexed},
        communes_by_province={code: tuple(items) for code, items in by_province.items()},
        index=tuple(indexed),
    )


def provinces() -> list[Division]:
    """The 34 provinces in official order (by code: Hà Nội first, Cà Mau last).

    >>> len(provinces())
    34
    """
    return list(_data().provinces)


def provinces_by_name() -> list[Division]:
    """The 34 provinces in Vietnamese alphabetical order, for a person to choose from.

    "Thành phố" is left out when sorting, and letters come before tones
    (a < ă < â < b … < d < đ), as in a dictionary.

    >>> [p.name for p in provinces_by_name()][:3]
    ['An Giang', 'Bắc Ninh', 'Cà Mau']
    """
    return sorted(
        _data().provinces, key=lambda p: (text_tools.sort_key(_bare_name(p.name)), p.code)
    )


def province(code: str) -> Division | None:
    """The province with this 2-digit code, or ``None``."""
    return _data().province_by_code.get(code)


def communes(province_code: str) -> list[Division]:
    """The communes of a province in Vietnamese alphabetical order of the name without
    "Xã"/"Phường"/"Đặc khu" (see :func:`skillsapp.text.sort_key`).

    An unknown province has no communes.
    """
    return list(_data().communes_by_province.get(province_code, ()))


def commune(code: str) -> Division | None:
    """The commune with this 5-digit code, or ``None``."""
    return _data().commune_by_code.get(code)


def province_of_commune(code: str) -> Division | None:
    """The province a commune belongs to, or ``None`` for an unknown commune."""
    found = commune(code)
    if found is None or found.province_code is None:
        return None
    return province(found.province_code)


def search_communes(text: str, province_code: str | None = None) -> list[Division]:
    """Communes whose name matches what a person typed, best matches first.

    Case and diacritics are ignored, and each typed word must start a word of the
    name, in any order: "hoan kiem", "Hoàn Kiếm" and "phuong hoan ki" all find
    Phường Hoàn Kiếm. Names that start with the typed text come first. Empty text
    matches every commune (of the province, when one is given).
    """
    data = _data()
    wanted = _WORD.findall(_fold(text))
    typed = " ".join(wanted)
    if not wanted:
        return [
            item.division
            for item in data.index
            if province_code is None or item.division.province_code == province_code
        ]
    # Among equally good matches the order is diacritic-blind like the typing, then by
    # code: "ba dinh" gives Phường Ba Đình (Hà Nội) before Xã Ba Dinh.
    ranked: list[tuple[int, str, str, Division]] = []
    for item in data.index:
        division = item.division
        if province_code is not None and division.province_code != province_code:
            continue
        if not all(any(word.startswith(w) for word in item.words) for w in wanted):
            continue
        if typed in (item.bare, item.full):
            rank = 0
        elif item.bare.startswith(typed) or item.full.startswith(typed):
            rank = 1
        else:
            rank = 2
        ranked.append((rank, item.bare, division.code, division))
    ranked.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in ranked]
