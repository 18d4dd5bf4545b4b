"""The summary as the Word document the secretariat edits into its conference paper.

A cover (consultation, grouping, date, "Draft for discussion"), a table of contents, the key
messages linked to their sections, the consensus ranking, a section per priority area with
its charts (images with alt text) and captioned tables, then the annex and method note. Labels
are in the report's language and direction, content in the consultation's. See docx_parts.py
for the styles and fields.
"""

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Cm

from consult.selectors.summaries import Summary

from .charts import chart_png
from .document import AreaBlock, RecommendationBlock, SummaryDocument, internal_note, summary_document
from .docx_parts import (
    Writer,
    bookmark,
    caption,
    complex_field,
    fields_update_on_open,
    internal_link,
    page_set_up,
    styles_define,
)
from .files import document_text, fixed_zip

CHART_WIDTH = Cm(17)


class WordSummary:
    """Write one summary document, counting figures, tables and bookmarks as it goes."""

    def __init__(self, layout: SummaryDocument):
        self.layout = layout
        self.word = Document()
        self.labels = Writer(layout.direction)
        self.content = Writer(layout.content_direction)
        self.figures = self.tables = self.bookmarks = 0

    def write(self) -> None:
        styles_define(self.word)
        page_set_up(self.word)
        fields_update_on_open(self.word)
        self.cover()
        self.contents()
        self.key_messages()
        self.consensus()
        for area in self.layout.areas:
            self.area(area)
        self.annex()
        self.footer()

    def cover(self) -> None:
        layout = self.layout
        self.labels.paragraph(self.word, layout.title, style="Title")
        self.content.paragraph(self.word, layout.summary.consultation_title, style="Subtitle")
        self.labels.paragraph(self.word, _("Figures as of %(cutoff)s.") % {"cutoff": layout.cutoff})
        self.labels.paragraph(self.word, layout.status, style="Report Status")
        if layout.summary.internal:
            self.labels.paragraph(self.word, internal_note(), style="Divergence")
        self.page_break()

    def contents(self) -> None:
        self.labels.paragraph(self.word, _("Contents"), style="TOC Heading")
        paragraph = self.labels.paragraph(self.word)
        complex_field(paragraph, 'TOC \\o "1-2" \\h \\z \\u', _("Update the table of contents (F9) to see it."))
        self.page_break()

    def page_break(self) -> None:
        self.word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def heading(self, writer: Writer, text: str, level: int, anchor: str = ""):
        paragraph = writer.heading(self.word, text, level)
        if anchor:
            self.bookmarks += 1
            bookmark(paragraph, anchor, self.bookmarks)
        return paragraph

    def key_messages(self) -> None:
        self.heading(self.labels, _("Key messages"), 1, "key-messages")
        for message in self.layout.key_messages:
            paragraph = self.labels.paragraph(self.word, message.text, style="List Bullet")
            if message.links:
                paragraph.add_run(f" ({_('see')} ")
                for index, (label, anchor) in enumerate(message.links):
                    internal_link(paragraph, label, anchor)
                    paragraph.add_run(", " if index < len(message.links) - 1 else ")")
        if not self.layout.key_messages:
            self.labels.paragraph(self.word, _("No figures yet: key messages appear once positions are submitted."))

    def consensus(self) -> None:
        rows = self.layout.consensus
        if not rows:
            return
        self.heading(self.labels, _("Consensus ranking"), 1, "consensus")
        self.labels.paragraph(self.word, _(
            "Recommendations ordered by the share of this grouping's member states that support them; “=” marks a tie. "
            "Definitions and tie-breaks are in the method note."
        ), style="Figure Note")
        self.table_caption(_("Consensus ranking"))
        headers = [_("Rank"), _("Recommendation"), _("Support"), _("Without reservations"), _("Mean priority")]
        cells = [(row.rank, f"{row.code} {short(row.text)}", row.support, row.full_support, row.priority) for row in rows]
        self.labels.table(self.word, headers, cells, widths=(1.4, 9, 2.2, 2.2, 2.2), description=_("Consensus ranking"))

    def table_caption(self, text: str) -> None:
        self.tables += 1
        caption(self.word, self.labels, _("Table"), self.tables, text)

    def area(self, area: AreaBlock) -> None:
        self.heading(self.content, f"{area.number}. {area.title}", 1, area.anchor)
        self.content.paragraph(self.word, area.headline, style="Headline")
        for sentence in area.sentences:
            self.labels.paragraph(self.word, sentence)
        for recommendation in area.recommendations:
            self.recommendation(recommendation)

    def recommendation(self, block: RecommendationBlock) -> None:
        self.heading(self.content, f"{block.code} {block.text}", 2, block.anchor)
        if block.chart:
            picture = self.word.add_picture(BytesIO(chart_png(block.chart)), width=CHART_WIDTH)
            picture._inline.docPr.set("descr", document_text(block.chart.alt))
            self.figures += 1
            caption(self.word, self.labels, _("Figure"), self.figures,
                    _("Ratings, implementation and effectiveness of %(code)s") % {"code": block.code})
        if block.figures:
            self.table_caption(_("Key figures of %(code)s") % {"code": block.code})
            rows = [(row.label, row.states, row.organisations) for row in block.figures]
            self.labels.table(self.word, ["", _("Governments"), _("Civil society")], rows, widths=(9, 4, 4))
        if block.divergence:
            self.labels.paragraph(self.word, block.divergence, style="Divergence" if block.divergence_flag else None)
        self.implementation(block)
        self.voices(block)
        if block.small_cell_note:
            self.labels.paragraph(self.word, block.small_cell_note, style="Figure Note")

    def implementation(self, block: RecommendationBlock) -> None:
        if not block.implementation:
            return
        self.labels.heading(self.word, _("Implementation status"), 3)
        for sentence in block.implementation:
            self.labels.paragraph(self.word, sentence)

    def voices(self, block: RecommendationBlock) -> None:
        """Write the reviewed themes with their quotation, or else the quotations."""
        if block.themes:
            self.labels.heading(self.word, _("Reviewed themes"), 3)
            for theme in block.themes:
                self.content.paragraph(self.word, f"{theme.label} ({theme.counts})", style="Headline")
                self.quotation(theme.quotation, theme.attribution)
        elif block.quotations:
            self.labels.heading(self.word, _("What respondents said"), 3)
            for quotation in block.quotations:
                self.quotation(quotation.text, quotation.attribution)

    def quotation(self, text: str, attribution: str) -> None:
        if text:
            self.content.paragraph(self.word, text, style="Quote")
            self.labels.paragraph(self.word, f"— {attribution}", style="Attribution")

    def annex(self) -> None:
        layout = self.layout
        self.page_break()
        self.heading(self.labels, _("Annex"), 1, "annex")
        self.heading(self.labels, _("Response coverage"), 2, layout.coverage_anchor)
        self.labels.table(self.word, [], layout.coverage, widths=(9, 3))
        if layout.subregions:
            self.table_caption(_("Member states by sub-region"))
            headers = [_("Sub-region"), _("Invited"), _("Answered"), _("Submitted"), _("Response rate")]
            self.labels.table(self.word, headers, layout.subregions, widths=(7, 2.5, 2.5, 2.5, 2.5))
        if layout.countries:
            self.labels.heading(self.word, _("Civil society responses by country"), 3)
            self.labels.paragraph(self.word, " · ".join(f"{country} ({total})" for country, total in layout.countries))
        self.named()
        self.heading(self.labels, _("Method note"), 2, "method")
        for paragraph in layout.method:
            self.labels.heading(self.word, paragraph.heading, 3)
            self.labels.paragraph(self.word, paragraph.text)

    def named(self) -> None:
        layout = self.layout
        self.labels.heading(self.word, _("Respondents that agreed to be named"), 2)
        if layout.named_states:
            self.labels.paragraph(self.word, _("Member states") + ": " + ", ".join(layout.named_states) + ".")
        if layout.named_organisations:
            more = f", {layout.named_more}" if layout.named_more else "."
            organisations = ", ".join(layout.named_organisations)
            self.labels.paragraph(self.word, _("Civil society organisations") + ": " + organisations + more)
        if not layout.named_states and not layout.named_organisations:
            self.labels.paragraph(self.word, _("No respondent has agreed to be named yet."))

    def footer(self) -> None:
        paragraph = self.word.sections[0].footer.paragraphs[0]
        paragraph.style = self.word.styles["Footer"]
        paragraph.add_run(document_text(f"{self.layout.title} · {self.layout.status} · "))
        complex_field(paragraph, "PAGE", "1")
        self.labels.orient(paragraph)


def short(text: str, words: int = 14) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def render_docx(summary: Summary, *, language: str) -> bytes:
    """Return the summary as a .docx file, in the language given."""
    with translation.override(language):
        layout = summary_document(summary)
        writer = WordSummary(layout)
        writer.write()
        describe(writer.word, layout, language)
        buffer = BytesIO()
        writer.word.save(buffer)
    return fixed_zip(buffer.getvalue(), summary.data_cutoff)


def describe(word, layout: SummaryDocument, language: str) -> None:
    """Set the document's properties; dated at the cut-off, so that a rebuild gives the same file."""
    properties = word.core_properties
    properties.title = document_text(layout.title)
    properties.subject = document_text(layout.summary.consultation_title)
    properties.language = language
    properties.author = properties.last_modified_by = ""
    properties.created = properties.modified = layout.summary.data_cutoff.replace(tzinfo=None)
    properties.revision = 1
