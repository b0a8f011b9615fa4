"""A lesson's Markdown as pages of HTML for the reader: one ``##`` section per page.

Raw HTML in lessons is escaped, not rendered. Quotes (``> **Ghi nhớ** …``) become
a boxed table, the one box Qt's rich text draws with a border and a background.

>>> pages = lesson_pages("# Bài\\n\\nMở đầu.\\n\\n## Bước 1\\nLàm.\\n\\n## Bước 2\\nXong.")
>>> [p.title for p in pages]
['', 'Bước 1', 'Bước 2']
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

NOTE_OPEN = (
    '<table class="note" width="100%" cellspacing="0" cellpadding="18"><tr><td class="note">'
)
NOTE_CLOSE = "</td></tr></table>"


@dataclass(frozen=True)
class LessonPage:
    title: str  # the ``##`` heading, "" for the introduction
    html: str


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})

    def note_open(self, tokens, idx, options, env) -> str:
        return NOTE_OPEN

    def note_close(self, tokens, idx, options, env) -> str:
        return NOTE_CLOSE

    def paragraph_open(self, tokens, idx, options, env) -> str:
        if tokens[idx].hidden:  # paragraphs inside tight lists are not written
            return ""
        inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
        children = [c for c in (inline.children or []) if c.type != "softbreak"] if inline else []
        if len(children) == 1 and children[0].type == "image":
            return '<p align="center" class="picture">'  # a picture on its own line is centred
        return "<p>"

    md.add_render_rule("blockquote_open", note_open)
    md.add_render_rule("blockquote_close", note_close)
    md.add_render_rule("paragraph_open", paragraph_open)
    return md


_MD = _markdown()


def _is_heading(token: Token, tag: str) -> bool:
    return token.type == "heading_open" and token.tag == tag and token.level == 0


def _split(tokens: list[Token]) -> list[tuple[str, list[Token]]]:
    sections: list[tuple[str, list[Token]]] = [("", [])]
    for index, token in enumerate(tokens):
        if _is_heading(token, "h2"):
            sections.append((tokens[index + 1].content.strip(), []))
        sections[-1][1].append(token)
    return sections


def lesson_pages(body: str) -> list[LessonPage]:
    """The lesson split at its ``##`` headings; the leading ``#`` title is left out
    (the reader shows the title above every page)."""
    tokens = _MD.parse(body)
    if len(tokens) >= 3 and _is_heading(tokens[0], "h1"):
        tokens = tokens[3:]
    pages = []
    for title, part in _split(tokens):
        if not part:
            continue
        pages.append(LessonPage(title, _MD.renderer.render(part, _MD.options, {})))
    return pages or [LessonPage("", "<p></p>")]


# -- blocks, for pages cut to the screen -------------------------------------------------
HEADING, PICTURE, ITEM, TEXT = "heading", "picture", "item", "text"


@dataclass(frozen=True)
class Block:
    """One piece of a lesson that is never split across two pages: a heading, a paragraph,
    a picture, one item of a list, or a "Ghi nhớ" box.

    ``list_key`` groups the items of one list (so they are joined back into one list) and
    ``number`` is an item's number in a numbered list.
    """

    section: int  # which ``##`` section (0: the introduction)
    kind: str
    html: str
    starts_section: bool = False
    list_key: tuple[int, str] | None = None
    number: int = 1


def _closing(tokens: list[Token], start: int) -> int:
    """The index of the token that closes ``tokens[start]`` (itself for a lone token)."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _is_picture(tokens: list[Token]) -> bool:
    if len(tokens) != 3 or tokens[0].type != "paragraph_open":
        return False
    children = [c for c in (tokens[1].children or []) if c.type != "softbreak"]
    return len(children) == 1 and children[0].type == "image"


def _render(tokens: list[Token]) -> str:
    return _MD.renderer.render(tokens, _MD.options, {})


def lesson_blocks(body: str) -> list[Block]:
    """The lesson as blocks in reading order; the leading ``#`` title is left out.

    >>> [(b.kind, b.starts_section) for b in lesson_blocks("# T\\n\\nA.\\n\\n## B\\n- x\\n- y")]
    [('text', False), ('heading', True), ('item', False), ('item', False)]
    """
    tokens = _MD.parse(body)
    if len(tokens) >= 3 and _is_heading(tokens[0], "h1"):
        tokens = tokens[3:]
    blocks: list[Block] = []
    section = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = _closing(tokens, index)
        part = tokens[index : end + 1]
        if _is_heading(token, "h2"):
            section += 1
            blocks.append(Block(section, HEADING, _render(part), starts_section=True))
        elif token.type == "heading_open":
            blocks.append(Block(section, HEADING, _render(part)))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            tag = "ol" if token.type == "ordered_list_open" else "ul"
            number = int(token.attrGet("start") or 1) if tag == "ol" else 1
            inner = index + 1
            while inner < end:
                item_end = _closing(tokens, inner)
                html = _render(tokens[inner : item_end + 1])
                blocks.append(Block(section, ITEM, html, list_key=(index, tag), number=number))
                number += 1
                inner = item_end + 1
        else:
            kind = PICTURE if _is_picture(part) else TEXT
            blocks.append(Block(section, kind, _render(part)))
        index = end + 1
    return blocks or [Block(0, TEXT, "<p></p>")]


def join_blocks(blocks: list[Block]) -> str:
    """The HTML of consecutive blocks, list items gathered back into their lists."""
    html: list[str] = []
    open_list: tuple[int, str] | None = None
    for block in blocks:
        if block.list_key != open_list:
            if open_list is not None:
                html.append(f"</{open_list[1]}>\n")
            open_list = block.list_key
            if open_list is not None:
                tag = open_list[1]
                html.append(f'<ol start="{block.number}">\n' if tag == "ol" else "<ul>\n")
        html.append(block.html)
    if open_list is not None:
        html.append(f"</{open_list[1]}>\n")
    return "".join(html)


def cut_pages(blocks: list[Block], fits) -> list[range]:
    """Blocks cut into pages: each page as many blocks as ``fits(html)`` allows, at least one.

    A ``##`` section always starts a new page, and a heading is never left alone at the
    bottom of a page (it goes on with what it introduces).

    >>> blocks = lesson_blocks("A.\\n\\nB.\\n\\nC.")
    >>> cut_pages(blocks, lambda html: html.count("<p>") <= 2)
    [range(0, 2), range(2, 3)]
    """
    pages: list[range] = []
    start, count = 0, len(blocks)
    while start < count:
        end = start + 1
        while (
            end < count
            and not blocks[end].starts_section
            and fits(join_blocks(blocks[start : end + 1]))
        ):
            end += 1
        while end - 1 > start and end < count and blocks[end - 1].kind == HEADING:
            end -= 1
        pages.append(range(start, end))
        start = end
    return pages
