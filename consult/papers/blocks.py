"""The flat list of blocks every reader produces, and the text cleaning they share."""

import re
from dataclasses import dataclass
from enum import StrEnum

from surveys.text import entered_text


class Kind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET = "bullet"


@dataclass
class Block:
    """One heading, paragraph or bullet item of a paper, its text already clean.

    `level` is a heading's level (0 for a document title) or a bullet's nesting depth.
    """

    kind: Kind
    text: str
    level: int = 0
    starts_bold: bool = False
    all_bold: bool = False


# A word cut at the end of a line by the PDF's hyphenation: "mainte-\nnance".
BROKEN_HYPHENATION = re.compile(r"(?<=[^\W\d_])-[ \t]*\n\s*(?=\w)")
FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]\s]+\]|[\u00b9\u00b2\u00b3\u2070-\u2079]+")
FOOTNOTE_DEFINITION = re.compile(r"^\s*\[\^[^\]\s]+\]:")
NUMBERED_LINE = re.compile(r"^\s*\(?\d")
# Bullets typed as characters (PDF extractions, Word documents without list styles).
BULLET_MARKER = re.compile(r"^\s*(?:[•▪●◦‣·○■□➢►–—]|\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})\))(?:\s+|$)")


def clean_text(raw: str) -> str:
    """Return `raw` on one line: broken hyphenation joined, footnote references, extra spaces and controls gone."""
    text = BROKEN_HYPHENATION.sub(_join_hyphenated, entered_text(raw))
    text = FOOTNOTE_REFERENCE.sub("", text)
    return " ".join(text.split())


def _join_hyphenated(match: re.Match) -> str:
    # Only a lowercase continuation is a cut word; "Nord-\nSud" and "après-\n2015" keep their hyphen.
    following = match.string[match.end()]
    return "" if following.islower() else "-"


def is_footnote_definition(raw: str) -> bool:
    """Tell whether a paragraph is a footnote's text ("[^2]: ..."), not the paper's."""
    return bool(FOOTNOTE_DEFINITION.match(raw))


def paragraph_blocks(raw: str, *, starts_bold: bool = False, all_bold: bool = False) -> list[Block]:
    """Return the blocks of a paragraph: bullets when its lines start with bullet characters."""
    if is_footnote_definition(raw):
        return []
    # "**1) Improve data**" is an area heading that lost its style, not a list item.
    is_numbered_heading = all_bold and NUMBERED_LINE.match(raw)
    if is_numbered_heading or not BULLET_MARKER.match(raw):
        text = clean_text(raw)
        return [Block(Kind.PARAGRAPH, text, starts_bold=starts_bold, all_bold=all_bold)] if text else []
    texts = [clean_text(item) for item in _bullet_items(raw)]
    return [Block(Kind.BULLET, text) for text in texts if text]


def _bullet_items(raw: str) -> list[str]:
    """Split typed bullets, joining the lines a long bullet was wrapped over."""
    items: list[str] = []
    for line in raw.strip().splitlines():
        marker = BULLET_MARKER.match(line)
        if marker:
            items.append(line[marker.end():])
        else:
            items[-1] += "\n" + line
    return items


def join_continuations(blocks: list[Block]) -> list[Block]:
    """Join each paragraph that starts in lowercase to the block it continues.

    A page break or a footnote cuts a paragraph or a bullet in two in PDF extractions;
    the second half then stands alone, starting in the middle of a sentence.
    """
    joined: list[Block] = []
    for block in blocks:
        if joined and _continues(joined[-1], block):
            joined[-1].text = _join(joined[-1].text, block.text)
            joined[-1].all_bold = joined[-1].all_bold and block.all_bold
        else:
            joined.append(block)
    return joined


def _continues(previous: Block, block: Block) -> bool:
    return block.kind == Kind.PARAGRAPH and block.text[:1].islower() and previous.kind != Kind.HEADING


def _join(text: str, continuation: str) -> str:
    if re.search(r"[^\W\d_]-$", text):
        return text[:-1] + continuation
    return f"{text} {continuation}"
