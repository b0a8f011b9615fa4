"""Candidate pairs for the near-duplicate search: the pairs of stems worth comparing,
found without comparing all pairs.

Comparing every pair of a 10,000-question bank is 50 million fuzzy comparisons (49 s).
Vietnamese writes a word as several syllables, each its own "word" to the computer, and
a few thousand syllables make up every text, so single words are poor keys. The keys
here are *word pairs* (two neighbouring words, "mã otp", "tin nhắn"), compared without
diacritics: each stem keeps its :data:`RARE_PAIRS` rarest word pairs (rarity over the
whole pack), and two stems are compared when one's rare word pairs include a word pair
of the other. A stem with fewer word pairs than that is compared with every stem whose
length allows a match.

**What it cannot miss.** Two stems whose words differ by at most :data:`SURE_EDITS`
word edits (a word replaced, inserted or deleted; diacritics ignored) are always
compared: an edit breaks at most two of a stem's word pairs (replacing or deleting a word
breaks the pairs on both its sides, inserting one breaks the pair it falls in), so at
most ``2 × 3 = 6`` of its 7 rare word pairs are gone from the other stem.

**What it can miss** (precisely): a pair whose stems differ by 4 or more word edits
*and* share none of either stem's rare word pairs: a question reworded in four or more
places, or misspelt in many words. ``tests/test_content_duplicates.py`` checks that
blocking finds every pair the exhaustive search finds on the bundled pack, that stems
up to 3 word edits apart are always compared, and that each pair it misses on random
banks (reworded again and again, misspelt) is of the kind above.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

SURE_EDITS = 3
RARE_PAIRS = 2 * SURE_EDITS + 1
# fuzz.ratio >= 80 needs the longer stem at most 1.5 times the shorter one's length.
LENGTH_FACTOR = 1.5
# Partners listed ahead for every stem up to this many (about 240,000 on the bench's
# 10,000-question bank; a bank of templated questions would need 500 million).
MAX_LISTED = 2_000_000


def fold(text: str) -> str:
    """Text without its diacritics: the form word pairs are matched on.

    >>> fold("hoà"), fold("hòa"), fold("đường")
    ('hoa', 'hoa', 'duong')
    """
    return text.translate(_FOLDED)


class _FoldTable(dict):
    """Each character's form without diacritics, worked out the first time it is seen
    (``str.translate`` with this table is C speed on a 10,000-question bank)."""

    def __missing__(self, code: int) -> str:
        base = unicodedata.normalize("NFD", chr(code)).replace("đ", "d").replace("Đ", "D")
        folded = "".join(c for c in base if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLDED = _FoldTable()


def word_pairs(stem: str) -> set[str]:
    """The distinct pairs of neighbouring words of ``stem``, without diacritics.

    >>> sorted(word_pairs("mã otp mã"))
    ['ma otp', 'otp ma']
    """
    words = fold(stem).split()
    # Kept as text: a string caches its hash, a tuple does not (3x faster here).
    return {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


class Blocking:
    """The candidate pairs of ``stems``, stem by stem (:meth:`later`), so that a search
    that stops early (a bank of templated questions, every pair alike) never builds them
    all."""

    def __init__(self, stems: Sequence[str]) -> None:
        self.stems = stems
        self.keys = [word_pairs(s) if s else set() for s in stems]
        self.having: defaultdict[str, list[int]] = defaultdict(list)
        for i, own in enumerate(self.keys):
            for key in own:
                self.having[key].append(i)
        count = {key: len(having) for key, having in self.having.items()}
        # The stems that keep each word pair among their rare ones.
        self.chosen: defaultdict[str, list[int]] = defaultdict(list)
        self.rare: list[list[str]] = []
        few: list[tuple[int, int]] = []
        for i, own in enumerate(self.keys):
            if not stems[i] or len(own) < RARE_PAIRS:
                self.rare.append([])
                if stems[i]:
                    few.append((len(stems[i]), i))
                continue
            # Rarest first; ties by text, so the choice is the same on every run (sorted by
            # text, then by count: a stable sort keeps the text order among equal counts).
            self.rare.append(sorted(sorted(own), key=count.__getitem__)[:RARE_PAIRS])
            for key in self.rare[-1]:
                self.chosen[key].append(i)
        self.few = {i for _length, i in few}
        self.by_length = sorted((len(s), j) for j, s in enumerate(stems) if s)
        self.lengths = [length for length, _j in self.by_length]
        self.few_by_length = sorted(few)
        self.few_lengths = [length for length, _i in self.few_by_length]
        # The stems whose rare word pairs each stem has, listed once for all when that is
        # a small job (it is not for a bank of templated questions: every stem would list
        # every other, and a search that stops early never needs them).
        self.chosen_by: list[list[int]] | None = None
        if sum(count[key] * len(chosen) for key, chosen in self.chosen.items()) <= MAX_LISTED:
            self.chosen_by = [[] for _ in stems]
            for key, chosen in self.chosen.items():
                for i in self.having[key]:
                    self.chosen_by[i].extend(chosen)

    def _window(self, i: int, order: list[tuple[int, int]], lengths: list[int]) -> list[int]:
        # "j in i's window" is symmetric: len(i) / 1.5 <= len(j) <= len(i) * 1.5.
        size = len(self.stems[i])
        start = bisect.bisect_left(lengths, size / LENGTH_FACTOR)
        end = bisect.bisect_right(lengths, size * LENGTH_FACTOR)
        return [j for _length, j in order[start:end]]

    def later(self, i: int) -> set[int]:
        """The stems ``j > i`` worth comparing with stem ``i``: one's rare word pairs
        meet the other's word pairs, or one has too few word pairs to tell (and the
        lengths allow ``fuzz.ratio ≥ 80``)."""
        return set(self.later_in_order(i))

    def later_in_order(self, i: int) -> list[int]:
        """:meth:`later`, sorted."""
        if not self.stems[i]:
            return []
        if self.chosen_by is not None:
            found = set(self.chosen_by[i])
        else:
            found = set()
            for key in self.keys[i]:
                found.update(self.chosen.get(key, ()))
        for key in self.rare[i]:
            found.update(self.having[key])
        found.update(self._window(i, self.few_by_length, self.few_lengths))
        if i in self.few:
            found.update(self._window(i, self.by_length, self.lengths))
        ordered = sorted(found)
        return ordered[bisect.bisect_right(ordered, i) :]


def partners(stems: Sequence[str]) -> dict[int, set[int]]:
    """For each stem ``i``, the stems ``j > i`` worth comparing with it
    (:meth:`Blocking.later`; stems with none are left out)."""
    blocking = Blocking(stems)
    found = {i: blocking.later(i) for i in range(len(stems))}
    return {i: later for i, later in found.items() if later}


def candidate_pairs(stems: Sequence[str]) -> set[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, :func:`partners` gives."""
    return {(i, j) for i, later in partners(stems).items() for j in later}
