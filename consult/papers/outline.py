"""Find, in the flat list of blocks, the recommendations part of a paper and its priority areas."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .blocks import Block, Kind
from .errors import PaperError

# The word that names the recommendations part, in the six UN languages and Portuguese.
RECOMMENDATION_KEYWORDS = {
    "recommendation": "en",
    "recommandation": "fr",
    "recomendaci": "es",
    "recomendaç": None,
    "توصي": "ar",
    "建议": "zh",
    "建議": "zh",
    "рекоменд": "ru",
}
# "1. Title", "1) Title", "1 - Title", "1: Title", "4.1 Title" or "D.1 Title" under a numbered part,
# "١. ..." in Arabic (\d matches every script's digits) and "一、..." in Chinese.
AREA_NUMBER = re.compile(
    r"^(?:(?:\d{1,2}|[A-Z])\.)?(\d{1,2}|[一二三四五六七八九十]{1,3})(?:[.)、．）:：]\s*|\s*[-–—:]\s*|\s+)(\S.*)$"
)
CHINESE_DIGITS = "一二三四五六七八九"


@dataclass
class AreaOutline:
    number: int
    title: str
    headline: str
    context: str
    recommendations: list[str] = field(default_factory=list)


@dataclass
class PaperOutline:
    areas: list[AreaOutline]
    title: str = ""
    language: str | None = None

    @property
    def recommendation_count(self) -> int:
        return sum(len(area.recommendations) for area in self.areas)


@dataclass
class _AreaStart:
    index: int
    number: int
    title: str


def find_outline(blocks: list[Block]) -> PaperOutline:
    """Return the priority areas of the paper's recommendations part."""
    levels = heading_levels(blocks)
    parts = [index for index, level in enumerate(levels) if level is not None and keyword_language(blocks[index].text)]
    if not parts:
        raise PaperError(_("No recommendations part found: no heading mentions recommendations."))
    candidates = [(index, areas) for index in parts if (areas := part_areas(blocks, levels, index))]
    if not candidates:
        raise PaperError(
            _('The recommendations part "%(part)s" has no numbered priority area.') % {"part": blocks[parts[0]].text}
        )
    part, areas = _first_complete(candidates)
    return PaperOutline(areas=areas, title=paper_title(blocks), language=keyword_language(blocks[part].text)[1])


def _first_complete(candidates: list[tuple[int, list[AreaOutline]]]) -> tuple[int, list[AreaOutline]]:
    """Return the first part whose every area has sub-recommendations, or say which area has none."""
    for part, areas in candidates:
        if all(area.recommendations for area in areas):
            return part, areas
    empty = next(area for area in candidates[0][1] if not area.recommendations)
    raise PaperError(
        _('Priority area %(number)s ("%(title)s") has no sub-recommendations.')
        % {"number": empty.number, "title": empty.title}
    )


def heading_levels(blocks: list[Block]) -> list[int | None]:
    """Return the level of each heading-like block, None for the others.

    A paragraph that is entirely bold counts as a heading one level below the section it is in:
    papers extracted from PDF often lose their heading styles but keep the bold.
    """
    levels: list[int | None] = []
    section = 0
    for block in blocks:
        if block.kind == Kind.HEADING:
            section = block.level
            levels.append(block.level)
        elif block.kind == Kind.PARAGRAPH and block.all_bold:
            levels.append(section + 1)
        else:
            levels.append(None)
    return levels


def keyword_language(text: str) -> tuple[str, str | None] | None:
    """Return the recommendation keyword found in a heading, with its language."""
    folded = text.casefold()
    return next(((word, language) for word, language in RECOMMENDATION_KEYWORDS.items() if word in folded), None)


def paper_title(blocks: list[Block]) -> str:
    """Return the first of the paper's top-level headings, or "" when it has none."""
    headings = [block for block in blocks if block.kind == Kind.HEADING]
    top = min((heading.level for heading in headings), default=None)
    return next((heading.text for heading in headings if heading.level == top), "")


def part_areas(blocks: list[Block], levels: list[int | None], part: int) -> list[AreaOutline]:
    """Return the areas of the part whose heading is blocks[part]; [] when it has none."""
    starts, end = numbered_areas(blocks, levels, part)
    if not starts:
        starts, end = sub_heading_areas(blocks, part, levels[part])
    ends = [start.index for start in starts[1:]] + [end]
    return [area_outline(start, blocks[start.index + 1 : stop]) for start, stop in zip(starts, ends)]


def numbered_areas(blocks: list[Block], levels: list[int | None], part: int) -> tuple[list[_AreaStart], int]:
    """Return the headings numbered 1, 2, 3... after the part heading, and where the part ends.

    An area heading may be at any level, even the part's own; an unnumbered heading at the
    part's level or above ends the part.
    """
    starts: list[_AreaStart] = []
    for index in range(part + 1, len(blocks)):
        if levels[index] is None:
            continue
        number, title = area_number(blocks[index].text)
        if number == len(starts) + 1:
            starts.append(_AreaStart(index, number, title))
        elif _ends_part(blocks[index], levels[part]):
            return starts, index
    return starts, len(blocks)


def sub_heading_areas(blocks: list[Block], part: int, part_level: int) -> tuple[list[_AreaStart], int]:
    """Return the headings one level below the part heading, numbered in order.

    Word numbers headings itself: their text then has no digits.
    """
    starts: list[_AreaStart] = []
    for index in range(part + 1, len(blocks)):
        block = blocks[index]
        if _ends_part(block, part_level):
            return starts, index
        if block.kind == Kind.HEADING and block.level == part_level + 1:
            starts.append(_AreaStart(index, len(starts) + 1, area_number(block.text)[1]))
    return starts, len(blocks)


def _ends_part(block: Block, part_level: int) -> bool:
    return block.kind == Kind.HEADING and block.level <= part_level


def area_number(text: str) -> tuple[int | None, str]:
    """Return the number of an area heading and its title; (None, text) when it is not numbered."""
    match = AREA_NUMBER.match(text)
    if match is None:
        return None, text
    numeral = match.group(1)
    number = int(numeral) if numeral.isdigit() else chinese_number(numeral)
    return (None, text) if number is None else (number, match.group(2).strip())


def chinese_number(numeral: str) -> int | None:
    """Return the value of a Chinese numeral from 一 (1) to 九十九 (99), None if it is not one."""
    tens, ten, units = numeral.partition("十")
    try:
        if not ten:
            return CHINESE_DIGITS.index(numeral) + 1 if len(numeral) == 1 else None
        return (CHINESE_DIGITS.index(tens) + 1 if tens else 1) * 10 + (CHINESE_DIGITS.index(units) + 1 if units else 0)
    except ValueError:
        return None


def area_outline(start: _AreaStart, blocks: list[Block]) -> AreaOutline:
    """Return an area from the blocks under its heading: headline, then bullets, then context."""
    body = [block for block in blocks if block.kind != Kind.HEADING]
    first_bullet = next((i for i, block in enumerate(body) if block.kind == Kind.BULLET), len(body))
    after = body[first_bullet:]
    return AreaOutline(
        number=start.number,
        title=sentence_case(start.title),
        headline="\n\n".join(block.text for block in body[:first_bullet]),
        context="\n\n".join(block.text for block in after if block.kind == Kind.PARAGRAPH),
        recommendations=recommendations(after),
    )


def recommendations(blocks: list[Block]) -> list[str]:
    """Return the text of each top-level bullet, its nested bullets joined to it."""
    texts: list[str] = []
    for block in blocks:
        if block.kind == Kind.BULLET and block.level > 0 and texts:
            texts[-1] = f"{texts[-1]} {block.text}"
        elif block.kind == Kind.BULLET:
            texts.append(block.text)
    return texts


def sentence_case(title: str) -> str:
    """Return an all-capitals title in sentence case; leave any other title alone."""
    if title != title.upper() or title == title.lower():
        return title
    first = next(i for i, character in enumerate(title) if character.isalpha())
    return title[:first] + title[first].upper() + title[first + 1 :].lower()
