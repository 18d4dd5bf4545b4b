"""Read a Word (.docx) paper into blocks with python-docx: heading styles, list items, bold runs."""

import io
import re
import zipfile

from django.utils.translation import gettext as _
from docx import Document
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .blocks import Block, Kind, clean_text, paragraph_blocks
from .errors import PaperError

LIST_STYLE = re.compile(r"^List (?:Bullet|Number)(?: (\d))?$")
HEADING_STYLE = re.compile(r"^Heading (\d)$")
FOOTNOTE_MARK = re.compile(r"^[\d\s,*†‡]+$")
# Word's outline level 9 is body text.
BODY_TEXT_OUTLINE_LEVEL = 9
# A Word file is a zip: a few hundred kilobytes can unpack to gigabytes (a "zip bomb"), which
# python-docx would hold in memory. Real papers unpack to a few times their size; zipfile reads
# no entry past the size its header declares, so the declared sizes are a safe bound.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def read_docx(content: bytes) -> list[Block]:
    """Return the blocks of a Word paper, in the order of its body."""
    blocks: list[Block] = []
    for paragraph in open_document(content).paragraphs:
        blocks += _paragraph_blocks(paragraph)
    return blocks


def open_document(content: bytes):
    """Return the python-docx document, or say why the file is not one."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise PaperError(_("The file is not a Word document: a .docx file is a zip archive and this one is not."))
    try:
        unpacked = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(content)).infolist())
    except (zipfile.BadZipFile, ValueError):
        raise PaperError(_("The file is a zip archive but not a Word document (.docx).")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise PaperError(
            _("The Word document unpacks to more than %(size)s MB: save it again without embedded files.")
            % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    try:
        return Document(io.BytesIO(content))
    except Exception:
        # python-docx fails with KeyError, ValueError or an XML error depending on what is missing.
        raise PaperError(_("The file is a zip archive but not a Word document (.docx).")) from None


def _paragraph_blocks(paragraph: Paragraph) -> list[Block]:
    pieces = _pieces(paragraph)
    raw = "".join(text for text, _bold in pieces)
    if not raw.strip() or _is_footnote_text(paragraph, pieces):
        return []
    level = heading_level(paragraph)
    if level is not None:
        return [Block(Kind.HEADING, clean_text(raw), level=level)]
    depth = list_depth(paragraph)
    if depth is not None:
        return [Block(Kind.BULLET, clean_text(raw), level=depth)]
    bold = [is_bold for text, is_bold in pieces if text.strip()]
    return paragraph_blocks(raw, starts_bold=bold[0], all_bold=all(bold))


def heading_level(paragraph: Paragraph) -> int | None:
    """Return the paragraph's heading level (0 for the document title), None for body text."""
    name = _style_name(paragraph)
    if name == "Title":
        return 0
    outline = _outline_level(paragraph)
    if outline is not None and outline < BODY_TEXT_OUTLINE_LEVEL:
        return outline + 1
    match = HEADING_STYLE.match(name)
    return int(match.group(1)) if match else None


def list_depth(paragraph: Paragraph) -> int | None:
    """Return the nesting depth of a list item (0 at the top), None when it is not one."""
    number_properties = _number_properties(paragraph)
    if number_properties is not None and number_properties.ilvl is not None:
        return number_properties.ilvl.val
    match = LIST_STYLE.match(_style_name(paragraph))
    if match:
        return int(match.group(1) or 1) - 1
    return 0 if number_properties is not None else None


def _style_name(paragraph: Paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def _style_chain(paragraph: Paragraph):
    """Yield the paragraph's own properties, then its style's, then the styles it is based on."""
    yield paragraph._p.pPr
    style = paragraph.style
    while style is not None:
        yield style.element.pPr
        style = style.base_style


def _outline_level(paragraph: Paragraph) -> int | None:
    for properties in _style_chain(paragraph):
        if properties is not None and properties.outlineLvl is not None:
            return properties.outlineLvl.val
    return None


def _number_properties(paragraph: Paragraph):
    for properties in _style_chain(paragraph):
        if properties is not None and properties.numPr is not None:
            return properties.numPr
    return None


def _pieces(paragraph: Paragraph) -> list[tuple[str, bool]]:
    """Return the text of each run with whether it is bold, leaving out footnote markers."""
    pieces = []
    for item in paragraph.iter_inner_content():
        for run in item.runs if isinstance(item, Hyperlink) else [item]:
            if not (_is_superscript(run) and FOOTNOTE_MARK.match(run.text)):
                pieces.append((run.text, _is_bold(run, paragraph)))
    return pieces


def _is_footnote_text(paragraph: Paragraph, pieces: list[tuple[str, bool]]) -> bool:
    """Tell whether a paragraph is a footnote's text pasted into the body (its marker dropped)."""
    if _style_name(paragraph).startswith("Footnote"):
        return True
    first = next((run for run in paragraph.runs if run.text.strip()), None)
    return first is not None and _is_superscript(first) and FOOTNOTE_MARK.match(first.text) is not None


def _is_bold(run: Run, paragraph: Paragraph) -> bool:
    """Tell whether a run is bold: set on the run itself, else by its style, else by the paragraph's."""
    for value in (run.bold, _style_setting(run, "bold"), _style_setting(paragraph, "bold")):
        if value is not None:
            return value
    return False


def _is_superscript(run: Run) -> bool:
    return bool(run.font.superscript or _style_setting(run, "superscript"))


def _style_setting(item: Run | Paragraph, name: str) -> bool | None:
    """Return a font setting of the item's style, None when the style leaves it unset."""
    return getattr(item.style.font, name) if item.style is not None else None
