"""Read a Markdown or plain-text paper into blocks, with markdown-it-py's CommonMark parser."""

import re

from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .blocks import Block, Kind, clean_text, paragraph_blocks
from .errors import PaperError

PARSER = MarkdownIt("commonmark")
# Emphasis markers markdown-it left as text because they were never closed ("**En" cut by a page).
STRAY_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")
# What a <sup> holds when it is a footnote marker rather than an ordinal ("21<sup>e</sup>").
FOOTNOTE_MARK = re.compile(r"^[\d\s,*†‡]+$")


def read_markdown(content: bytes) -> list[Block]:
    """Return the blocks of a Markdown paper."""
    return _Walker().walk(PARSER.parse(decode(content)))


def decode(content: bytes) -> str:
    """Return the text of a UTF-8 file, refusing binary files and other encodings."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = _("The file is binary or not UTF-8 text (invalid byte at position %(position)s).")
        raise PaperError(message % {"position": error.start}) from None
    if "\x00" in text:
        raise PaperError(_("The file is binary, not Markdown or plain text."))
    return text


class _Walker:
    """Turn markdown-it's token stream into blocks, keeping track of the open list items."""

    def __init__(self):
        self.blocks: list[Block] = []
        # One entry per open list item: its bullet, None until its first paragraph is read.
        self.items: list[Block | None] = []

    def walk(self, tokens: list[Token]) -> list[Block]:
        for index, token in enumerate(tokens):
            if token.type == "inline":
                self.read_inline(tokens[index - 1], _InlineText(token.children or []))
            elif token.type == "list_item_open":
                self.items.append(None)
            elif token.type == "list_item_close":
                self.items.pop()
        return self.blocks

    def read_inline(self, opener: Token, inline: "_InlineText") -> None:
        if opener.type == "heading_open":
            self.blocks.append(Block(Kind.HEADING, clean_text(inline.text), level=int(opener.tag[1:])))
        elif self.items:
            self.read_item_paragraph(clean_text(inline.text))
        elif not inline.is_footnote:
            self.blocks += paragraph_blocks(inline.text, starts_bold=inline.starts_bold, all_bold=inline.all_bold)

    def read_item_paragraph(self, text: str) -> None:
        bullet = self.items[-1]
        if bullet is None:
            self.items[-1] = Block(Kind.BULLET, text, level=len(self.items) - 1)
            self.blocks.append(self.items[-1])
        else:
            bullet.text = f"{bullet.text} {text}".strip()


class _InlineText:
    """The text of an inline token, without markup, and which of its parts are bold."""

    def __init__(self, children: list[Token]):
        self.pieces: list[tuple[str, bool]] = []
        self.strong = 0
        self.sup: list[str] | None = None
        self.is_footnote = _starts_with_sup(children)
        for child in children:
            self.read(child)

    @property
    def text(self) -> str:
        return "".join(text for text, _bold in self.pieces)

    @property
    def starts_bold(self) -> bool:
        words = [bold for text, bold in self.pieces if text.strip()]
        return bool(words) and words[0]

    @property
    def all_bold(self) -> bool:
        words = [bold for text, bold in self.pieces if text.strip()]
        return bool(words) and all(words)

    def read(self, child: Token) -> None:
        if child.type == "html_inline":
            self.read_html(child.content.strip().lower())
        elif child.type in ("strong_open", "strong_close"):
            self.strong += 1 if child.type == "strong_open" else -1
        elif child.type in ("softbreak", "hardbreak"):
            self.add("\n")
        elif child.type in ("text", "code_inline"):
            self.add(STRAY_EMPHASIS.sub("", child.content) if child.type == "text" else child.content)

    def read_html(self, tag: str) -> None:
        if tag == "<sup>":
            self.sup = []
        elif tag == "</sup>" and self.sup is not None:
            mark, self.sup = "".join(self.sup), None
            if not FOOTNOTE_MARK.match(mark):
                self.add(mark)
        elif tag.startswith("<br"):
            self.add("\n")

    def add(self, text: str) -> None:
        if self.sup is not None:
            self.sup.append(text)
        else:
            self.pieces.append((text, self.strong > 0))


def _starts_with_sup(children: list[Token]) -> bool:
    """Tell whether a paragraph opens with a <sup> marker: the text of a footnote."""
    first = next((child for child in children if child.type != "text" or child.content.strip()), None)
    return first is not None and first.type == "html_inline" and first.content.strip().lower() == "<sup>"
