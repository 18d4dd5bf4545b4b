"""The pieces a Word working document is made of: named styles, fields, bookmarks, links, directions.

Every text goes through files.document_text: only what Word can hold.

Everything visual is a style the secretariat can restyle with its own template (Title,
Subtitle, Heading 1-3, Caption, Quote, List Bullet, a table style, and the few styles of our
own defined here); nothing is formatted run by run. Fields (table of contents, figure and
table numbers, page numbers) are real Word fields that Word updates on opening.

Right-to-left paragraphs carry w:bidi, their runs w:rtl, and their tables w:bidiVisual.
"""

from django.utils.translation import gettext as _
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .files import document_text

TABLE_STYLE = "Light List Accent 1"
# Word refuses properties out of the schema's order: these are the ones that come after w:bidi.
PARAGRAPH_PROPERTIES_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
TABLE_PROPERTIES_AFTER_BIDI = (
    "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
    "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
)
# Our own styles: (name, type, based on, font size, bold, italic, colour).
OWN_STYLES = [
    ("Report Status", WD_STYLE_TYPE.PARAGRAPH, "Normal", 12, True, False, "8A5A00"),
    ("Headline", WD_STYLE_TYPE.PARAGRAPH, "Normal", None, True, False, None),
    ("Figure Note", WD_STYLE_TYPE.PARAGRAPH, "Normal", 8, False, False, "595959"),
    ("Divergence", WD_STYLE_TYPE.PARAGRAPH, "Normal", None, True, False, "8A1C1C"),
    ("Attribution", WD_STYLE_TYPE.PARAGRAPH, "Normal", 9, False, False, "595959"),
    ("Hyperlink", WD_STYLE_TYPE.CHARACTER, None, None, False, False, "0B3D6B"),
]


def styles_define(word) -> None:
    """Add our styles to the document, and set the base size: once, before writing."""
    word.styles["Normal"].font.size = Pt(10)
    for name, kind, base, size, bold, italic, colour in OWN_STYLES:
        style = word.styles.add_style(name, kind)
        if base:
            style.base_style = word.styles[base]
        style.font.size = Pt(size) if size else None
        style.font.bold, style.font.italic = bold or None, italic or None
        if colour:
            style.font.color.rgb = RGBColor.from_string(colour)
    word.styles["Hyperlink"].font.underline = True


def page_set_up(word) -> None:
    """Lay the document out on A4 with 2 cm margins, as the UN's documents are."""
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)


def fields_update_on_open(word) -> None:
    """Ask Word to update the fields (contents, numbers) when the document opens."""
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    word.settings.element.append(update)


def complex_field(paragraph, instruction: str, placeholder: str) -> None:
    """Add a field (`TOC \\o "1-2"`, `PAGE`) whose result reads `placeholder` until Word updates it."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", placeholder),
                       ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
            run._r.append(element)
        elif kind == "text":
            run.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)


def caption(word, direction: "Writer", kind: str, number: int, text: str):
    """Add a caption: "Figure 3: ..." with a SEQ field Word renumbers when figures are added."""
    paragraph = word.add_paragraph(style="Caption")
    paragraph.add_run(f"{kind} ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" SEQ {'Table' if kind == _('Table') else 'Figure'} \\* ARABIC ")
    run = OxmlElement("w:r")
    number_text = OxmlElement("w:t")
    number_text.text = str(number)
    run.append(number_text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(document_text(f": {text}"))
    return direction.orient(paragraph)


def bookmark(paragraph, name: str, number: int) -> None:
    """Mark the paragraph as a bookmark, the target of the key messages' links."""
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), bookmark_name(name))
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def bookmark_name(anchor: str) -> str:
    return anchor.replace("-", "_")[:40]


def internal_link(paragraph, text: str, anchor: str) -> None:
    """Add a link to a bookmark of the document, styled as a Hyperlink."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), bookmark_name(anchor))
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    run.append(properties)
    content = OxmlElement("w:t")
    content.set(qn("xml:space"), "preserve")
    content.text = document_text(text)
    run.append(content)
    link.append(run)
    paragraph._p.append(link)


class Writer:
    """Write paragraphs, headings and tables in one direction, with named styles only."""

    def __init__(self, direction: str):
        self.rtl = direction == "rtl"

    def paragraph(self, container, text: str = "", *, style=None):
        paragraph = container.add_paragraph(style=style)
        if text:
            paragraph.add_run(document_text(text))
        return self.orient(paragraph)

    def heading(self, word, text: str, level: int):
        return self.orient(word.add_heading(document_text(text), level))

    def table(self, container, headers: list[str], rows, *, widths=(), description: str = ""):
        """Add a table in the table style, its header row repeated on each page, and return it.

        `widths` (in centimetres, one per column) replace Word's equal columns.
        """
        table = container.add_table(rows=0, cols=len(headers) or len(rows[0]))
        table.style = TABLE_STYLE
        table.autofit = not widths
        if headers:
            self.row(table, headers)
            repeat = OxmlElement("w:tblHeader")
            table.rows[0]._tr.get_or_add_trPr().append(repeat)
        for row in rows:
            self.row(table, row)
        for row in table.rows:  # a row is never split across pages
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)
        if description:
            table._tbl.tblPr.append(described(description))
        if self.rtl:
            table._tbl.tblPr.insert_element_before(OxmlElement("w:bidiVisual"), *TABLE_PROPERTIES_AFTER_BIDI)
        return table

    def row(self, table, values):
        for cell, value in zip(table.add_row().cells, values):
            cell.paragraphs[0].add_run(document_text(str(value)))
            self.orient(cell.paragraphs[0])

    def orient(self, paragraph):
        if self.rtl:
            paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *PARAGRAPH_PROPERTIES_AFTER_BIDI)
            for run in paragraph.runs:
                run.font.rtl = True
        return paragraph


def described(text: str):
    element = OxmlElement("w:tblDescription")
    element.set(qn("w:val"), document_text(text)[:250])
    return element
