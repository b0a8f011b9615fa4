"""A lesson's length: its words and the reading time computed from them.

Vietnamese is written one syllable per word-space, so a "word" here is one
whitespace-separated token with a letter or digit in it (Markdown marks, image
and link addresses are not words). Reading time assumes :data:`WORDS_PER_MINUTE`
— about half an adult's silent reading pace, for elderly beginners reading on a
screen and looking at the pictures — rounded up to whole minutes, at least 1.

>>> word_count("## Mật khẩu\\n\\nĐặt **mật khẩu** dài. ![Hình](../images/a.svg)")
6
>>> reading_minutes("từ " * 121)
2
"""

from __future__ import annotations

import math
import re

WORDS_PER_MINUTE = 120
MAX_LESSON_WORDS = 900  # longer lessons are split into parts (content/README.md, section 5)

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_WORD = re.compile(r"\w")


def word_count(markdown: str) -> int:
    """Words a reader reads in a lesson body (alt texts count, addresses do not)."""
    text = _COMMENT.sub(" ", markdown)
    text = _IMAGE.sub(r" \1 ", text)
    text = _LINK.sub(r" \1 ", text)
    return sum(1 for token in text.split() if _WORD.search(token))


def reading_minutes(markdown: str) -> int:
    """Whole minutes to read ``markdown`` at :data:`WORDS_PER_MINUTE`, at least 1."""
    return max(1, math.ceil(word_count(markdown) / WORDS_PER_MINUTE))
