"""A lesson's Markdown as pages of HTML for the reader: one ``##`` section per page.

Raw HTML in lessons is escaped, not rendered. Quotes (``> **Ghi nhớ** …``) become
a boxed table, the one box Qt's rich text draws with a border and a background.

>>> pages = lesson_pages("# Bài\\n\\nMở đầu.\\n\\n## Bước 1\\nLàm.\\n\\n## Bước 2\\nXong.")
>>> [p.title for p in pages]
['', 'Bước 1', 'Bước 2']
"""

from __future__ import annotations

import re
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
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
SIMPLE_ITEM = ["list_item_open", "paragraph_open", "inline", "paragraph_close", "list_item_close"]
CONTINUED_LIST = '<ul style="list-style-type: none">\n'
_BOLD_LINE = re.compile(r"<strong>[^<]*</strong>")


@dataclass(frozen=True)
class Group:
    """What a block sits inside: a list, a paragraph or a "Ghi nhớ" box. Blocks of the same
    group (same ``key``) on one page are joined back into it; ``opening`` is the tag that
    opens it from this block on (a numbered list goes on from this item's number)."""

    key: int
    opening: str
    closing: str
    continued: bool = False  # a list going on from the page before, without bullets

    def goes_on_in(self, open_group: Group) -> bool:
        """Whether this block continues ``open_group`` rather than starting anew."""
        return self.key == open_group.key and (self.continued or not open_group.continued)


@dataclass(frozen=True)
class Block:
    """One piece of a lesson that is never split across two pages: a heading, a sentence of
    a paragraph, a picture, one item of a list.

    >>> [(b.kind, b.starts_section) for b in lesson_blocks("# T\\n\\nA.\\n\\n## B\\n- x\\n- y")]
    [('text', False), ('heading', True), ('item', False), ('item', False)]
    """

    section: int  # which ``##`` section (0: the introduction)
    kind: str
    html: str
    starts_section: bool = False
    groups: tuple[Group, ...] = ()  # outermost first


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


def _sentences(inline: Token) -> list[str]:
    """A paragraph's text as HTML, one piece per sentence (never inside bold or a link)."""
    pieces: list[list[Token]] = [[]]
    depth = 0
    ended = False  # the text so far ends a sentence (e.g. inside bold: "**Dừng lại.** Không…")
    for child in inline.children or []:
        depth += max(child.nesting, 0)
        if child.type == "text" and depth == 0 and ended and child.content[:1].isspace():
            pieces[-1].append(child.copy(content=" "))
            pieces.append([])
            child = child.copy(content=child.content.lstrip())
        if child.type == "text":
            text = child.content.rstrip()
            ended = text[-1:] in (".", "!", "?", "…") if text else ended
        if child.type == "text" and depth == 0:
            parts = SENTENCE_END.split(child.content)
            for number, part in enumerate(parts):
                last = number == len(parts) - 1
                pieces[-1].append(child.copy(content=part if last else part + " "))
                if not last:
                    pieces.append([])
        else:
            pieces[-1].append(child)
        depth += min(child.nesting, 0)
    rendered = [_MD.renderer.renderInline(piece, _MD.options, {}) for piece in pieces if piece]
    return [html for html in rendered if html.strip()] or [""]


class _Blocks:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.section = 0
        self.keys = 0

    def key(self) -> int:
        self.keys += 1
        return self.keys

    def add(self, tokens: list[Token], groups: tuple[Group, ...] = ()) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            end = _closing(tokens, index)
            part = tokens[index : end + 1]
            if _is_heading(token, "h2") and not groups:
                self.section += 1
                self.blocks.append(Block(self.section, HEADING, _render(part), True, groups))
            elif token.type == "heading_open":
                self.blocks.append(Block(self.section, HEADING, _render(part), groups=groups))
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                self._list(tokens, index, end, groups)
            elif token.type == "blockquote_open":
                note = Group(self.key(), NOTE_OPEN, NOTE_CLOSE)
                self.add(tokens[index + 1 : end], (*groups, note))
            elif _is_picture(part):
                self.blocks.append(Block(self.section, PICTURE, _render(part), groups=groups))
            elif token.type == "paragraph_open" and not token.hidden:
                paragraph = Group(self.key(), "<p>", "</p>\n")
                sentences = _sentences(tokens[index + 1])
                # A bold line on its own ("Ghi nhớ") is a heading: it stays with what follows.
                bold = len(sentences) == 1 and _BOLD_LINE.fullmatch(sentences[0].strip())
                kind = HEADING if bold else TEXT
                for html in sentences:
                    self.blocks.append(Block(self.section, kind, html, groups=(*groups, paragraph)))
            else:
                self.blocks.append(Block(self.section, TEXT, _render(part), groups=groups))
            index = end + 1

    def _list(self, tokens: list[Token], start: int, end: int, groups: tuple[Group, ...]) -> None:
        ordered = tokens[start].type == "ordered_list_open"
        number = int(tokens[start].attrGet("start") or 1) if ordered else 1
        key = self.key()
        inner = start + 1
        while inner < end:
            item_end = _closing(tokens, inner)
            opening = f'<ol start="{number}">\n' if ordered else "<ul>\n"
            group = Group(key, opening, "</ol>\n" if ordered else "</ul>\n")
            item = tokens[inner : item_end + 1]
            simple = [t.type for t in item] == SIMPLE_ITEM and item[1].hidden
            if not simple:
                html = _render(item)
                self.blocks.append(Block(self.section, ITEM, html, groups=(*groups, group)))
            else:
                # A long item may go on over the page: there, without its bullet or number.
                going_on = Group(key, CONTINUED_LIST, "</ul>\n", continued=True)
                whole = Group(self.key(), "<li>", "</li>\n")
                for piece, html in enumerate(_sentences(item[2])):
                    inside = (*groups, group if piece == 0 else going_on, whole)
                    self.blocks.append(Block(self.section, ITEM, html, groups=inside))
            number += 1
            inner = item_end + 1


def lesson_blocks(body: str) -> list[Block]:
    """The lesson as blocks in reading order; the leading ``#`` title is left out."""
    tokens = _MD.parse(body)
    if len(tokens) >= 3 and _is_heading(tokens[0], "h1"):
        tokens = tokens[3:]
    builder = _Blocks()
    builder.add(tokens)
    return builder.blocks or [Block(0, TEXT, "<p></p>")]


def join_blocks(blocks: list[Block]) -> str:
    """The HTML of consecutive blocks, sentences and list items gathered back into their
    paragraphs, lists and boxes.

    >>> join_blocks(lesson_blocks("Một. Hai.\\n\\n1. a\\n2. b")[1:4])
    '<p>Hai.</p>\\n<ol start="1">\\n<li>a</li>\\n<li>b</li>\\n</ol>\\n'
    >>> [b.html for b in lesson_blocks("**Dừng lại.** Gọi lại. Hỏi **người quen.** Xong")]
    ['<strong>Dừng lại.</strong> ', 'Gọi lại. ', 'Hỏi <strong>người quen.</strong> ', 'Xong']
    >>> join_blocks(lesson_blocks("1. a. b.\\n2. c.")[1:])  # a page starting inside item 1
    '<ul style="list-style-type: none">\\n<li>b.</li>\\n</ul>\\n<ol start="2">\\n<li>c.</li>\\n</ol>\\n'
    """
    html: list[str] = []
    open_groups: list[Group] = []
    for block in blocks:
        keep = 0
        while (
            keep < len(open_groups)
            and keep < len(block.groups)
            and block.groups[keep].goes_on_in(open_groups[keep])
        ):
            keep += 1
        while len(open_groups) > keep:
            html.append(open_groups.pop().closing)
        for group in block.groups[keep:]:
            html.append(group.opening)
            open_groups.append(group)
        html.append(block.html)
    while open_groups:
        html.append(open_groups.pop().closing)
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
