"""The summary as a Word document the secretariat can edit into the meeting document.

Labels are written in the report's language and direction, content in the consultation's; a
right-to-left paragraph carries w:bidi, its runs w:rtl, and its tables w:bidiVisual.
"""

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

from consult.selectors.summaries import Summary

from .charts import chart_png
from .document import AreaBlock, QuestionBlock, RecommendationBlock, SummaryDocument, internal_note, summary_document
from .files import document_text, fixed_zip

CHART_WIDTH = Cm(16.5)
SMALL_CELL = "†"
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


def render_docx(summary: Summary, *, language: str) -> bytes:
    """Return the summary as a .docx file, in the language given."""
    with translation.override(language):
        layout = summary_document(summary)
        word = Document()
        write_summary(word, layout)
        describe(word, layout, language)
        buffer = BytesIO()
        word.save(buffer)
    return fixed_zip(buffer.getvalue(), summary.data_cutoff)


def write_summary(word, layout: SummaryDocument) -> None:
    labels = Writer(layout.direction)
    content = Writer(layout.content_direction)
    labels.heading(word, layout.title, 0)
    content.paragraph(word, layout.summary.consultation_title)
    labels.paragraph(word, _("Figures as of %(cutoff)s.") % {"cutoff": layout.cutoff})
    if layout.summary.internal:
        labels.paragraph(word, internal_note(), bold=True)
    write_coverage(word, layout, labels)
    write_consensus(word, layout, labels)
    for area in layout.areas:
        write_area(word, layout, area)


def write_coverage(word, layout: SummaryDocument, labels) -> None:
    labels.heading(word, _("Response coverage"), 1)
    labels.table(word, [], layout.coverage)
    if layout.subregions:
        headers = [_("Sub-region"), _("Invited"), _("Answered"), _("Submitted")]
        labels.table(word, headers, layout.subregions)
    if layout.countries:
        labels.table(word, [_("Country"), _("Responses")], layout.countries)


def write_consensus(word, layout: SummaryDocument, labels) -> None:
    if not layout.consensus:
        return
    labels.heading(word, _("Consensus ranking"), 1)
    labels.paragraph(word, _("Recommendations ordered by the breadth of their support across regions."))
    rows = [(rank, f"{code} {text}", breadth) for rank, code, text, breadth in layout.consensus]
    labels.table(word, [_("Rank"), _("Recommendation"), _("Breadth of support")], rows)


def write_area(word, layout: SummaryDocument, area: AreaBlock) -> None:
    content = Writer(layout.content_direction)
    content.heading(word, f"{area.number}. {area.title}", 1)
    content.paragraph(word, area.headline, bold=True)
    write_figures(word, layout, area)
    for recommendation in area.recommendations:
        write_recommendation(word, layout, recommendation)


def write_recommendation(word, layout: SummaryDocument, recommendation: RecommendationBlock) -> None:
    labels, content = Writer(layout.direction), Writer(layout.content_direction)
    content.heading(word, f"{recommendation.code} {recommendation.text}", 2)
    if recommendation.divergence:
        flag = _("Governments and civil society diverge") + " · " if recommendation.divergence_flag else ""
        labels.paragraph(word, flag + _("Divergence: %(value)s") % {"value": recommendation.divergence})
    write_figures(word, layout, recommendation)
    if recommendation.excerpts:
        labels.heading(word, _("What respondents said"), 3)
    for text, attribution in recommendation.excerpts:
        content.paragraph(word, text, style="Quote")
        labels.paragraph(word, f"— {attribution}")


def write_figures(word, layout: SummaryDocument, block) -> None:
    """Write the block's chart, then its figures: the two audiences side by side in a table."""
    if block.chart:
        picture = word.add_picture(BytesIO(chart_png(block.chart)), width=CHART_WIDTH)
        picture._inline.docPr.set("descr", document_text(block.chart.alt))
    columns = [column for column in block.columns if column.questions]
    if not columns:
        return
    labels = Writer(layout.direction)
    table = labels.table(word, [column.audience for column in columns], [[""] * len(columns)])
    for cell, column in zip(table.rows[1].cells, columns):
        for question in column.questions:
            write_question(cell, layout, question)


def write_question(cell, layout: SummaryDocument, question: QuestionBlock) -> None:
    labels, content = Writer(layout.direction), Writer(layout.content_direction)
    content.paragraph(cell, f"{question.code} {question.text}", bold=True)
    if question.hidden:
        labels.paragraph(cell, _("Not shown: too few respondents."), italic=True)
        return
    mark = f" {SMALL_CELL} " + _("fewer respondents than the threshold") if question.small_cell else ""
    labels.paragraph(cell, _("Respondents: %(number)s") % {"number": question.respondents} + mark)
    if question.rows:
        labels.table(cell, question.headers, question.rows)
    for label, value in question.statistics:
        labels.paragraph(cell, f"{label}: {value}")


class Writer:
    """Write paragraphs, headings and tables in one direction, of text Word can hold (document_text)."""

    def __init__(self, direction: str):
        self.rtl = direction == "rtl"

    def paragraph(self, container, text: str, *, style=None, bold=False, italic=False):
        paragraph = container.add_paragraph(style=style)
        run = paragraph.add_run(document_text(text))
        run.bold, run.italic = bold or None, italic or None
        return self.orient(paragraph)

    def heading(self, word, text: str, level: int):
        return self.orient(word.add_heading(document_text(text), level))

    def table(self, container, headers: list[str], rows):
        """Add a grid with a header row (when headers are given) and return it."""
        table = container.add_table(rows=0, cols=len(headers) or len(rows[0]))
        table.style = "Table Grid"
        if headers:
            self.row(table, headers, bold=True)
        for row in rows:
            self.row(table, row)
        if self.rtl:
            table._tbl.tblPr.insert_element_before(OxmlElement("w:bidiVisual"), *TABLE_PROPERTIES_AFTER_BIDI)
        return table

    def row(self, table, values, *, bold=False):
        for cell, value in zip(table.add_row().cells, values):
            cell.paragraphs[0].add_run(document_text(str(value))).bold = bold or None
            self.orient(cell.paragraphs[0])

    def orient(self, paragraph):
        if self.rtl:
            paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *PARAGRAPH_PROPERTIES_AFTER_BIDI)
            for run in paragraph.runs:
                run.font.rtl = True
        return paragraph


def describe(word, layout: SummaryDocument, language: str) -> None:
    """Set the document's properties; dated at the cut-off, so that a rebuild gives the same file."""
    properties = word.core_properties
    properties.title = document_text(layout.title)
    properties.language = language
    properties.author = properties.last_modified_by = ""
    properties.created = properties.modified = layout.summary.data_cutoff.replace(tzinfo=None)
    properties.revision = 1
    word.styles["Normal"].font.size = Pt(10)
