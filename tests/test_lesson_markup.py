"""A lesson cut into blocks and pages: nothing lost, nothing doubled, lists numbered on."""

import re
from pathlib import Path

import pytest

from skillsapp.ui.lessons.markup import (
    HEADING,
    cut_pages,
    join_blocks,
    lesson_blocks,
    lesson_pages,
)

LESSONS = sorted((Path(__file__).parent.parent / "content/packs").glob("*/lessons/*.md"))


def words(html: str) -> list[str]:
    return re.sub(r"<[^>]+>", " ", html).split()


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_blocks_hold_the_whole_lesson_in_order(path):
    body = path.read_text(encoding="utf-8").split("---", 2)[2]
    whole = "".join(page.html for page in lesson_pages(body))
    blocks = lesson_blocks(body)
    assert words(join_blocks(blocks)) == words(whole)
    # However the pages fall, read one after another they are the lesson.
    pages = cut_pages(blocks, lambda html: len(html) < 400)
    assert sum((words(join_blocks(blocks[p.start : p.stop])) for p in pages), []) == words(whole)


def test_sections_start_pages_and_headings_stay_with_their_text():
    blocks = lesson_blocks("Mở đầu.\n\n## Bước 1\nMột câu. Hai câu.\n\n### Chú ý\nBa câu.")
    pages = cut_pages(blocks, lambda html: html.count("câu") <= 2)
    starts = [blocks[p.start] for p in pages]
    assert starts[1].starts_section  # "## Bước 1" on a page of its own start
    for page in pages:
        assert blocks[page.stop - 1].kind != HEADING or page.stop == len(blocks)
    assert any("Chú ý" in blocks[p.start].html for p in pages)  # "### Chú ý" moved on


def test_a_numbered_list_cut_over_two_pages_goes_on_numbering():
    blocks = lesson_blocks("1. Gọi ngân hàng.\n2. Đổi mật khẩu.\n3. Báo công an.")
    pages = cut_pages(blocks, lambda html: html.count("<li>") <= 2)
    assert [len(p) for p in pages] == [2, 1]
    second = join_blocks(blocks[pages[1].start : pages[1].stop])
    assert second.startswith('<ol start="3">') and "Báo công an" in second


def test_a_long_item_goes_on_over_the_page_without_a_second_bullet():
    blocks = lesson_blocks("- **Dừng lại.** Không làm theo. Không chuyển tiền.\n- Hỏi người quen.")
    pages = cut_pages(blocks, lambda html: html.count(".") <= 2)
    continued = join_blocks(blocks[pages[1].start : pages[1].stop])
    assert continued.startswith('<ul style="list-style-type: none">')
    assert "<ul>\n<li>Hỏi người quen." in continued  # the next item has its bullet again
