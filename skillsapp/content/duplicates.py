"""Near-duplicate question stems across a pack, found with rapidfuzz.

Stems are compared on :func:`stem`: normalised Vietnamese (NFC, lower case, no
punctuation, no "(Chọn tất cả các đáp án đúng)") without the people of a scenario
("Bà Lan", "Chú Ba", "ông"), so "Bà Tâm bị mất điện thoại…" and "Bà Lan bị mất
điện thoại…" compare as the same story.

Two stems are near-duplicates when their edit-distance similarity
(``fuzz.ratio``, 0–100) is at least :data:`SAME_RATIO`, or at least
:data:`CLOSE_RATIO` while one's words are almost all in the other
(``fuzz.token_set_ratio`` ≥ :data:`CLOSE_TOKEN_SET`). Tuned on the bundled pack
(December 2026): the 9 pairs it reports there ask the same thing (token-set scores
92.7–100), while the many
"Dấu hiệu nào cho thấy … là lừa đảo?" questions that ask about different things
(a web page, a message, a call, an app) score 80–85 / 77–90.5 and are not reported.

Only pairs that share a rare word pair are compared (:mod:`skillsapp.content.stem_blocking`):
a 10,000-question bank no longer costs 50 million comparisons.

>>> stem("Bà Tâm bị mất điện thoại. Bà nên làm gì?")
'bị mất điện thoại nên làm gì'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from skillsapp.content.wording import normalise
from skillsapp.models import Question

SAME_RATIO = 90
CLOSE_RATIO = 80
CLOSE_TOKEN_SET = 92
# Listing stops here: a bank of templated questions would otherwise list millions of pairs.
MAX_PAIRS = 100

# A person in a scenario: a kinship word (any case), with the capitalised name after it.
_PERSON = re.compile(r"\b(?:ông|bà|chị|anh|cô|chú|bác|em|cụ|thím|dì|cậu)\b(\s+\w+)?", re.IGNORECASE)


def _drop_person(match: re.Match) -> str:
    name = match.group(1)
    return " " if not name or name.strip()[0].isupper() else name


def stem(text: str) -> str:
    return normalise(_PERSON.sub(_drop_person, unicodedata.normalize("NFC", text)))


@dataclass(frozen=True)
class NearDuplicate:
    first: Question
    second: Question
    score: float  # fuzz.ratio of the two stems


def _compact(stems: list[str]) -> list[str]:
    """The stems with each distinct character replaced by a small code point: the same
    equalities, so the same ``fuzz.ratio``, but rapidfuzz compares 8-bit text several times
    faster than Vietnamese letters (measured: 3x)."""
    alphabet = sorted(set("".join(stems)))
    if len(alphabet) > 255:
        return stems
    table = {ord(c): i + 1 for i, c in enumerate(alphabet)}
    return [text.translate(table) for text in stems]


def similar_pairs(stems: Sequence[str]) -> list[tuple[int, int, float]]:
    """Every pair ``(i, j, score)``, ``i < j``, of ``stems`` that are near-duplicates
    (``score`` is their ``fuzz.ratio``), in order. Only the candidate pairs of
    :mod:`skillsapp.content.stem_blocking` are compared (which pairs it can leave out is
    said there precisely)."""
    return list(iter_similar_pairs(stems))


def iter_similar_pairs(stems: Sequence[str]) -> Iterator[tuple[int, int, float]]:
    """:func:`similar_pairs` one by one, in order, so that a caller may stop early."""
    # Imported here: installing a pack (no quality rules) and the app's start never need it.
    from rapidfuzz import fuzz, process

    from skillsapp.content.stem_blocking import Blocking

    compact = _compact(list(stems))
    blocking = Blocking(stems)
    # fuzz.ratio >= CLOSE_RATIO needs the longer stem at most 1.5 times the shorter one's
    # length (ratio = 100 * (1 - distance / (la + lb)), distance >= lb - la).
    factor = 200 / CLOSE_RATIO - 1
    lengths = [len(s) for s in stems]
    for i in range(len(stems)):
        low, high = lengths[i] / factor, lengths[i] * factor
        later = [j for j in blocking.later_in_order(i) if low <= lengths[j] <= high]
        if not later:
            continue
        found = []
        for _match, score, offset in process.extract(
            compact[i],
            [compact[j] for j in later],
            scorer=fuzz.ratio,
            score_cutoff=CLOSE_RATIO,
            limit=None,
        ):
            j = later[offset]
            if score >= SAME_RATIO or fuzz.token_set_ratio(stems[i], stems[j]) >= CLOSE_TOKEN_SET:
                found.append((i, j, score))
        yield from sorted(found)


def pair_indexes(
    stems: Sequence[str], groups: Sequence[str], limit: int = MAX_PAIRS
) -> list[tuple[int, int, float]]:
    """:func:`iter_similar_pairs` of ``stems`` less the pairs that share an ``exclusive``
    group (``groups[i]``, "" for none), at most ``limit`` + 1 of them (the search stops
    there)."""
    pairs = []
    for i, j, score in iter_similar_pairs(stems):
        if groups[i] and groups[i] == groups[j]:
            continue
        pairs.append((i, j, score))
        if len(pairs) > limit:
            break
    return pairs


def near_duplicates(
    questions: Sequence[Question],
    limit: int = MAX_PAIRS,
    found: list[tuple[int, int, float]] | None = None,
) -> list[NearDuplicate]:
    """Pairs of questions whose stems are near-duplicates (each pair in pack order, the
    pairs sorted by pack order), at most ``limit`` (one more means there are more); pairs
    that share an ``exclusive`` group are left out (a draw never shows both). ``found`` is
    what :func:`pair_indexes` gave for these questions elsewhere (the helper process of
    :mod:`skillsapp.content.duplicate_helper`); without it the search runs here."""
    if found is None:
        found = pair_indexes(
            [stem(q.text) for q in questions], [q.exclusive for q in questions], limit
        )
    return [NearDuplicate(questions[i], questions[j], score) for i, j, score in found]
