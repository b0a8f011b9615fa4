"""The near-duplicate search with blocking finds what comparing every pair finds.

The reference here is the plain definition: every pair of stems, ``fuzz.ratio ≥ 90``, or
``≥ 80`` with ``fuzz.token_set_ratio ≥ 92``.
"""

from __future__ import annotations

import random

import pytest
from content_helpers import BUNDLED
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from skillsapp.content import stem_blocking
from skillsapp.content.duplicates import (
    CLOSE_RATIO,
    CLOSE_TOKEN_SET,
    SAME_RATIO,
    near_duplicates,
    similar_pairs,
    stem,
)
from skillsapp.content.pack import read_pack
from skillsapp.content.stem_blocking import (
    LENGTH_FACTOR,
    RARE_PAIRS,
    SURE_EDITS,
    Blocking,
    candidate_pairs,
    fold,
    word_pairs,
)
from skillsapp.models import Question

SYLLABLES = [
    "bạn",
    "nên",
    "làm",
    "gì",
    "khi",
    "nhận",
    "được",
    "tin",
    "nhắn",
    "lạ",
    "yêu",
    "cầu",
    "cung",
    "cấp",
    "mã",
    "otp",
    "ngân",
    "hàng",
    "tài",
    "khoản",
    "mật",
    "khẩu",
    "điện",
    "thoại",
    "ứng",
    "dụng",
    "vneid",
    "căn",
    "cước",
    "định",
    "danh",
    "điện",
    "tử",
    "bảo",
    "hiểm",
    "xã",
    "hội",
    "cài",
    "đặt",
    "đăng",
    "nhập",
    "cập",
    "nhật",
    "zalo",
    "facebook",
    "chuyển",
    "khoản",
    "lừa",
    "đảo",
    "đường",
    "link",
    "giả",
    "mạo",
    "trang",
    "web",
    "chính",
    "thức",
    "thông",
    "báo",
    "công",
    "an",
    "phường",
    "xã",
    "người",
    "thân",
    "hỏi",
    "vay",
    "tiền",
    "gấp",
    "quét",
    "mã",
    "qr",
    "thanh",
    "toán",
    "hóa",
    "đơn",
    "điện",
    "nước",
    "học",
    "sinh",
    "giáo",
    "viên",
    "dịch",
    "vụ",
    "công",
    "trực",
    "tuyến",
    "nộp",
    "hồ",
    "sơ",
]


def exhaustive_pairs(stems: list[str]) -> list[tuple[int, int, float]]:
    found = []
    for i in range(len(stems)):
        for j in range(i + 1, len(stems)):
            if not stems[i] or not stems[j]:
                continue
            score = fuzz.ratio(stems[i], stems[j])
            if score >= SAME_RATIO or (
                score >= CLOSE_RATIO and fuzz.token_set_ratio(stems[i], stems[j]) >= CLOSE_TOKEN_SET
            ):
                found.append((i, j, score))
    return found


def word_edits(a: str, b: str) -> int:
    """Levenshtein distance over words (replace, insert, delete), diacritics ignored."""
    x, y = fold(a).split(), fold(b).split()
    row = list(range(len(y) + 1))
    for i, word in enumerate(x, start=1):
        previous, row[0] = row[0], i
        for j, other in enumerate(y, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != other))
    return row[-1]


def _sentence(rng: random.Random, size: int) -> list[str]:
    return [rng.choice(SYLLABLES) for _ in range(size)]


def _reword(rng: random.Random, words: list[str], edits: int) -> list[str]:
    words = list(words)
    for _ in range(edits):
        kind = rng.choice(("replace", "insert", "delete"))
        at = rng.randrange(len(words))
        if kind == "replace":
            words[at] = rng.choice(SYLLABLES)
        elif kind == "insert":
            words.insert(at, rng.choice(SYLLABLES))
        elif len(words) > 1:
            del words[at]
    return words


def _bank(seed: int, size: int, typos: bool) -> list[str]:
    """Stems of random sentences, a fifth of them reworded copies of an earlier one (and,
    with ``typos``, some copies with a misspelling in many words)."""
    rng = random.Random(seed)
    stems: list[str] = []
    for _ in range(size):
        if stems and rng.random() < 0.2:
            words = _reword(rng, rng.choice(stems).split(), rng.randint(0, 4))
            if typos and rng.random() < 0.3:
                words = [w[:-1] + "x" if rng.random() < 0.5 and len(w) > 1 else w for w in words]
        else:
            words = _sentence(rng, rng.randint(4, 22))
        stems.append(stem(" ".join(words)))
    return stems


def test_blocking_finds_every_pair_of_the_bundled_pack():
    questions = read_pack(BUNDLED).pack.questions
    stems = [stem(q.text) for q in questions]
    expected = exhaustive_pairs(stems)
    # The pack's near-duplicates are kept on purpose, each pair in an exclusive group.
    assert expected
    assert similar_pairs(stems) == expected
    assert near_duplicates(questions) == []


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    size=st.integers(2 * SURE_EDITS + 2, 30),
    edits=st.integers(0, SURE_EDITS),
    accents=st.booleans(),
)
def test_stems_a_few_word_edits_apart_are_always_compared(seed, size, edits, accents):
    rng = random.Random(seed)
    first = _sentence(rng, size)
    second = _reword(rng, first, edits)
    if accents:  # the same words typed without their diacritics
        second = [fold(w) for w in second]
    others = [" ".join(_sentence(rng, rng.randint(3, 25))) for _ in range(40)]
    stems = [stem(" ".join(first)), stem(" ".join(second)), *map(stem, others)]
    assert word_edits(stems[0], stems[1]) <= SURE_EDITS
    assert (0, 1) in candidate_pairs(stems)


@pytest.mark.parametrize("typos", [False, True])
def test_a_pair_blocking_misses_is_more_word_edits_apart_than_the_bound(typos):
    """Random banks where reworded copies are reworded again (so some pairs are many
    edits apart), some with a misspelling in half their words: every pair the
    exhaustive search finds and blocking does not is beyond the stated bound."""
    for seed in range(4):
        stems = _bank(seed, 400, typos=typos)
        expected = exhaustive_pairs(stems)
        assert len(expected) > 20  # the bank really has near-duplicates
        found = similar_pairs(stems)
        assert set(found) <= set(expected)
        compared = candidate_pairs(stems)
        for i, j, _score in set(expected) - set(found):
            assert (i, j) not in compared
            assert word_edits(stems[i], stems[j]) > SURE_EDITS
            assert min(len(word_pairs(stems[i])), len(word_pairs(stems[j]))) >= RARE_PAIRS


def test_the_found_pairs_are_exactly_those_meeting_the_thresholds():
    stems = _bank(99, 300, typos=True)
    for i, j, score in similar_pairs(stems):
        assert score == fuzz.ratio(stems[i], stems[j])
        assert score >= SAME_RATIO or fuzz.token_set_ratio(stems[i], stems[j]) >= CLOSE_TOKEN_SET


def test_a_listing_past_its_limit_is_the_first_pairs_in_pack_order():
    text = "Câu hỏi số {n}: khi nhận được tin nhắn lạ yêu cầu cung cấp mã OTP, bạn nên làm gì?"
    questions = [
        Question(f"q-{n}", "an-toan", "easy", text.format(n=n), ("A", "B"), (0,), "Vì…")
        for n in range(300)
    ]
    expected = exhaustive_pairs([stem(q.text) for q in questions])
    assert len(expected) > 1000  # templated: nearly every pair is alike
    listed = near_duplicates(questions, limit=7)
    assert [(d.first.id, d.second.id, d.score) for d in listed] == [
        (questions[i].id, questions[j].id, score) for i, j, score in expected[:8]
    ]


def _reference_candidates(stems):
    """The candidate pairs as the blocking module defines them, every pair looked at:
    each stem's RARE_PAIRS rarest word pairs (ties by text), compared when one's rare word
    pairs meet the other's word pairs, or either has too few word pairs and the lengths
    are within a factor of LENGTH_FACTOR."""
    keys = [word_pairs(s) if s else set() for s in stems]
    having = {}
    for own in keys:
        for key in own:
            having[key] = having.get(key, 0) + 1
    few = [bool(s) and len(own) < RARE_PAIRS for s, own in zip(stems, keys, strict=True)]
    rare = [
        set() if not s or f else {k for _n, k in sorted((having[k], k) for k in own)[:RARE_PAIRS]}
        for s, own, f in zip(stems, keys, few, strict=True)
    ]
    pairs = set()
    for i in range(len(stems)):
        for j in range(i + 1, len(stems)):
            if not stems[i] or not stems[j]:
                continue
            short, long_ = sorted((len(stems[i]), len(stems[j])))
            if (
                (rare[i] & keys[j])
                or (rare[j] & keys[i])
                or (few[i] or few[j])
                and long_ <= short * LENGTH_FACTOR
            ):
                pairs.add((i, j))
    return pairs


@pytest.mark.parametrize("listed_ahead", [True, False])
def test_candidate_pairs_are_those_the_definition_gives(listed_ahead, monkeypatch):
    """Both ways of finding the candidates (partners listed ahead, or found stem by stem
    when listing them would be too big a job) give the pairs of the definition."""
    if not listed_ahead:
        monkeypatch.setattr(stem_blocking, "MAX_LISTED", 0)
    for seed in range(3):
        stems = _bank(seed, 300, typos=bool(seed % 2))
        stems[5] = ""  # an empty stem is compared with none
        stems[7] = "mã otp là gì"  # too few word pairs: compared by length
        assert (Blocking(stems).chosen_by is not None) == listed_ahead
        assert candidate_pairs(stems) == _reference_candidates(stems)
