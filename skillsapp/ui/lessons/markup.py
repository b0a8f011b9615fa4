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
