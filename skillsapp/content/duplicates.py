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

>>> stem("Bà Tâm bị mất điện thoại. Bà nên làm gì?")
'bị mất điện thoại nên làm gì'
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
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


def near_duplicates(questions: Sequence[Question], limit: int = MAX_PAIRS) -> list[NearDuplicate]:
    """Pairs of questions whose stems are near-duplicates (each pair in pack order, the
    pairs sorted by pack order), at most ``limit`` (one more means there are more); pairs
    that share an ``exclusive`` group are left out (a draw never shows both)."""
    # Imported here: installing a pack (no quality rules) and the app's start never need it.
    from rapidfuzz import fuzz, process

    stems = [stem(q.text) for q in questions]
    compact = _compact(stems)
    # fuzz.ratio >= CLOSE_RATIO needs the longer stem at most 1.5 times the shorter one's
    # length (ratio = 100 * (1 - distance / (la + lb)), distance >= lb - la): each stem is
    # compared only with the stems after it in length order, up to that length.
    order = sorted((i for i in range(len(stems)) if stems[i]), key=lambda i: len(stems[i]))
    lengths = [len(stems[i]) for i in order]
    factor = 200 / CLOSE_RATIO - 1  # 1.5 for 80
    found: list[tuple[int, int, float]] = []
    for position, i in enumerate(order):
        end = bisect.bisect_right(lengths, lengths[position] * factor)
        later = [compact[j] for j in order[position + 1 : end]]
        for _match, score, offset in process.extract(
            compact[i], later, scorer=fuzz.ratio, score_cutoff=CLOSE_RATIO, limit=None
        ):
            j = order[position + 1 + offset]
            first, second = questions[min(i, j)], questions[max(i, j)]
            if first.exclusive and first.exclusive == second.exclusive:
                continue
            if score >= SAME_RATIO or fuzz.token_set_ratio(stems[i], stems[j]) >= CLOSE_TOKEN_SET:
                found.append((min(i, j), max(i, j), score))
                if len(found) > limit:
                    break
        if len(found) > limit:
            break
    return [NearDuplicate(questions[a], questions[b], score) for a, b, score in sorted(found)]
