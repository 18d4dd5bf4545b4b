"""The offline questionnaire as a Word document: written for line ministries to fill in Word, and read back.

Each area is a Heading 1 and each recommendation a Heading 2. A question shows its number and
text, a line of help (what it takes, its limit), then a table row of two cells: a grey cell with
the question's code, which is how its answer is found again whatever else is edited, and the
answer cell, holding the draft's answer. A choice is a line "☐ label" per choice, "☒" in front
of the chosen ones; a ranking has each item's position in front of it; a text or a number is
written as it is, one paragraph per line.

The core properties name the consultation and the position, and a custom XML part (kept by Word
and LibreOffice as it is) holds each answer as downloaded, in the workbook's layout, so that the
way back tells changes from conflicts as the workbook's hidden column does.

Reading takes what people do in Word: ☒, X or x in front of a choice, with the box or in its
place, or a choice's label typed on a line of its own; a position typed in front of a ranked item;
tracked changes as if accepted; two tables that Word joined into one.
"""

import io
import uuid
import zipfile

from django.utils import timezone
from django.utils.translation import gettext as _, ngettext
from django.utils.formats import number_format
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from surveys.models import Question
from surveys.selectors import CHOICE_TYPES, response_values, section_questions, survey_sections
from surveys.text import entered_text

from ...models import Position
from ...models.languages import RIGHT_TO_LEFT
from ...selectors.answering import areas_by_section, question_groups, quotes_page
from ..reports.docx_parts import TABLE_PROPERTIES_AFTER_BIDI, Writer, page_set_up
from ..reports.files import document_text
from .offline_parts import OfflineEntry, OfflineFile, OfflineFileError, cell_of, cell_value
from .values import CellError, number_value, text_value

Type = Question.Type
IDENTITY = "offline-questionnaire"
NAMESPACE = "urn:x-consult:offline-questionnaire"
BOX, MARKED_BOX = "☐", "☒"
# What people put in front of a choice to mark it, and what an empty box looks like.
MARKS = set("☒☑✓✔✗✘×xX")
EMPTY = set("☐□[]() \t")
CODE_WIDTH, ANSWER_WIDTH = Cm(2.6), Cm(14.4)
# Room to write by hand or type: an answer box is at least this high.
ANSWER_HEIGHTS = {Type.LONG_TEXT: Cm(4), Type.SHORT_TEXT: Cm(1.2), Type.NUMBER: Cm(0.8)}
CONTENT_TYPE_ITEM_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
DATASTORE = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"


def is_word_document(content: bytes) -> bool:
    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def offline_document_write(*, position: Position, stream, language: str) -> None:
    """Write the position's questionnaire, filled with its draft, as a Word document in the language."""
    OfflineDocument(position, language).write(stream)


class OfflineDocument:
    """Write one offline questionnaire, numbering its questions as it goes."""

    def __init__(self, position: Position, language: str):
        self.position, self.language = position, language
        self.word = Document()
        self.labels = Writer("rtl" if language in RIGHT_TO_LEFT else "ltr")
        self.content = Writer("rtl" if position.consultation.language in RIGHT_TO_LEFT else "ltr")
        self.number = 0
        self.downloaded: dict[str, str] = {}

    def write(self, stream) -> None:
        page_set_up(self.word)
        self.styles_define()
        self.properties()
        self.introduction()
        areas = areas_by_section(self.position)
        for section in survey_sections(self.position.response.survey):
            self.area(section, areas.get(section.code))
        self.downloaded_part()
        self.word.save(stream)

    def styles_define(self) -> None:
        styles = self.word.styles
        styles["Normal"].font.size = Pt(10)
        question = styles.add_style("Question", WD_STYLE_TYPE.PARAGRAPH)
        question.base_style, question.font.bold = styles["Normal"], True
        question.paragraph_format.space_before, question.paragraph_format.keep_with_next = Pt(10), True
        hint = styles.add_style("Answer Help", WD_STYLE_TYPE.PARAGRAPH)
        hint.base_style, hint.font.size = styles["Normal"], Pt(9)
        hint.font.color.rgb = RGBColor.from_string("595959")
        hint.paragraph_format.keep_with_next = True

    def properties(self) -> None:
        consultation, properties = self.position.consultation, self.word.core_properties
        properties.identifier = f"{IDENTITY} {consultation.slug} {self.position.pk}"
        properties.title = document_text(f"{consultation.title} – {self.position.respondent}")[:250]
        properties.subject = _("Offline questionnaire")
        properties.author = properties.last_modified_by = ""
        properties.comments = _("Keep the grey codes as they are: they tell the site which question each answer "
                                "belongs to.")
        properties.language = self.language
        properties.created = properties.modified = timezone.now()

    def introduction(self) -> None:
        self.content.heading(self.word, self.position.consultation.title, 0)
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        self.labels.paragraph(self.word, _("Questionnaire of %(respondent)s, filled with the draft as it was on "
                                           "%(when)s.") % {"respondent": self.position.respondent, "when": when})
        self.labels.paragraph(self.word, _("How to fill in this document"), style="Question")
        for text in (
            _("Mark a choice by typing X in place of its box ☐ (☒ works too); to unmark it, delete the X."),
            _("Write text and number answers in the box under the question, as long as it needs: new lines are "
              "kept."),
            _("Leave the grey codes in the left-hand cells as they are: they tell the site which question each "
              "answer belongs to. Headings, questions and help are not read back."),
            _("Return the file to the focal point, who uploads it on the position's page: the site shows what it "
              "changes, answer by answer, before anything goes into the draft."),
        ):
            self.labels.paragraph(self.word, text, style="List Bullet")

    def area(self, section, area) -> None:
        self.content.heading(self.word, f"{section.code}. {section.title}", 1)
        questions = section_questions(section, language=self.language)
        values = response_values(self.position.response, questions)
        for group in question_groups(questions, area):
            if group.heading:
                self.labels.heading(self.word, str(group.heading), 2)
                if group.subject:
                    self.content.paragraph(self.word, str(group.subject), style="Quote")
            for question in group.questions:
                self.question(question, values.get(question.code), quotes_page(question, area))

    def question(self, question: Question, value, quoted: bool) -> None:
        self.number += 1
        self.downloaded[question.code] = document_text(cell_of(question, value))
        writer = self.writer_of(question)
        text = question.prompt if quoted else "\n".join(question.text_lines())
        prompt = self.word.add_paragraph(style="Question")
        prompt.add_run(f"{self.number}. ")
        lines_add(prompt, text)
        writer.orient(prompt)
        notes = " ".join(help_notes(question))
        in_other_language = writer is self.content and self.position.consultation.language != self.language
        if question.help_text and in_other_language:
            # The help in the consultation's language, the notes in the reader's: a paragraph each.
            writer.paragraph(self.word, question.help_text, style="Answer Help")
            self.labels.paragraph(self.word, notes, style="Answer Help")
        else:
            self.labels.paragraph(self.word, " ".join(filter(None, [question.help_text, notes])), style="Answer Help")
        self.answer_table(question, value, writer)

    def writer_of(self, question: Question) -> Writer:
        if getattr(question, "translated_text", None):
            return self.labels
        return self.content

    def answer_table(self, question: Question, value, writer: Writer) -> None:
        table = self.word.add_table(rows=1, cols=2)
        table.style, table.alignment, table.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
        row = table.rows[0]
        code_cell, answer_cell = row.cells
        for column, cell, width in zip(table.columns, row.cells, (CODE_WIDTH, ANSWER_WIDTH)):
            column.width = cell.width = width
        if question.type in CHOICE_TYPES or list(question.choices.all()):  # a list of choices stays on one page
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if question.type in ANSWER_HEIGHTS:
            row.height, row.height_rule = ANSWER_HEIGHTS[question.type], WD_ROW_HEIGHT_RULE.AT_LEAST
        shade(code_cell, "F2F2F2")
        run = code_cell.paragraphs[0].add_run(question.code)
        run.font.size, run.font.color.rgb = Pt(7), RGBColor.from_string("808080")
        lines = answer_lines(question, value)
        for number, line in enumerate(lines):
            paragraph = answer_cell.paragraphs[0] if number == 0 else answer_cell.add_paragraph()
            if line:
                paragraph.add_run(document_text(line))
            writer.orient(paragraph)
        if writer.rtl:
            table._tbl.tblPr.insert_element_before(OxmlElement("w:bidiVisual"), *TABLE_PROPERTIES_AFTER_BIDI)
        self.word.add_paragraph()

    def downloaded_part(self) -> None:
        """Add the custom XML part that names the file's position and keeps each answer as downloaded."""
        root = etree.Element(f"{{{NAMESPACE}}}questionnaire", nsmap={None: NAMESPACE})
        root.set("consultation", self.position.consultation.slug)
        root.set("position", str(self.position.pk))
        for code, text in self.downloaded.items():
            etree.SubElement(root, f"{{{NAMESPACE}}}answer", code=code).text = text
        package = self.word.part.package
        item = Part(package.next_partname("/customXml/item%d.xml"), "application/xml",
                    etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), package)
        store = etree.Element(f"{{{DATASTORE}}}datastoreItem", nsmap={"ds": DATASTORE})
        store.set(f"{{{DATASTORE}}}itemID", "{%s}" % str(uuid.uuid4()).upper())
        etree.SubElement(store, f"{{{DATASTORE}}}schemaRefs")
        props = Part(PackURI(item.partname.replace("item", "itemProps")), CONTENT_TYPE_ITEM_PROPS,
                     etree.tostring(store, xml_declaration=True, encoding="UTF-8", standalone=True), package)
        item.relate_to(props, RT.CUSTOM_XML_PROPS)
        self.word.part.relate_to(item, RT.CUSTOM_XML)


def lines_add(paragraph, text: str) -> None:
    """Add the text to the paragraph, its line breaks as Word's line breaks."""
    for number, line in enumerate(document_text(text).split("\n")):
        run = paragraph.add_run(line)
        if number:
            run._r.insert(0, OxmlElement("w:br"))


def shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def help_notes(question: Question) -> list[str]:
    """Return what is said under the question besides its help: optional or not, how to answer, its limit."""
    notes = [_("Optional.") if not question.required else "", instruction(question)]
    if question.type in (Type.SHORT_TEXT, Type.LONG_TEXT):
        limit = question.text_limit()
        count = number_format(limit, force_grouping=True)
        notes.append(ngettext("%(count)s character at most.", "%(count)s characters at most.", limit)
                     % {"count": count})
    return [note for note in notes if note]


def instruction(question: Question) -> str:
    if question.type in CHOICE_TYPES:
        return _("Mark one with X.")
    if question.type == Type.MULTIPLE_CHOICE:
        return _("Mark one or more with X.")
    if question.type == Type.RANKING:
        return _("Write each item's position in front of it: 1 for the first, 2 for the next, and so on.")
    if question.type == Type.NUMBER:
        return _("Write a number in the box.")
    return _("Write the answer in the box.")


def answer_lines(question: Question, value) -> list[str]:
    """Return the answer cell's lines: the choices with their boxes or positions, or the answer's lines."""
    choices = list(question.choices.all())
    if question.type == Type.RANKING:
        ranks = value if isinstance(value, dict) else {}
        return [f"{ranks.get(choice.value, BOX)} {label_of(choice)}" for choice in choices]
    if choices:
        chosen = set(value) if isinstance(value, list) else {value}
        return [f"{MARKED_BOX if choice.value in chosen else BOX} {label_of(choice)}" for choice in choices]
    return cell_of(question, value).split("\n")


def label_of(choice) -> str:
    return " ".join(document_text(choice.label).split())


def document_read(content: bytes) -> OfflineFile:
    """Return the answers of a Word questionnaire; raise OfflineFileError if it is not one this site wrote."""
    try:
        word = Document(io.BytesIO(content))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, etree.XMLSyntaxError):
        raise OfflineFileError([_("This is not a Word document (.docx): save it in Word as “Word Document” and "
                                  "upload it again.")]) from None
    identity = (word.core_properties.identifier or "").split()
    downloaded = downloaded_answers(word)
    if len(identity) != 3 or identity[0] != IDENTITY or downloaded is None:
        raise OfflineFileError([_("This is not an offline questionnaire downloaded from this site.")])
    about, answers = downloaded
    if (about.get("consultation"), about.get("position")) != (identity[1], identity[2]):
        raise OfflineFileError([_("This file is the questionnaire of another position or consultation.")])
    rows = word.element.body.xpath("./w:tbl/w:tr")
    entries = [row_entry(number, row, answers) for number, row in enumerate(rows, 1)]
    return OfflineFile(identity[2], identity[1], entries)


def downloaded_answers(word) -> tuple[dict, dict] | None:
    """Return the custom XML part's attributes and the answers as downloaded, by code; None if there is none."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for part in word.part.package.iter_parts():
        if not part.partname.startswith("/customXml/item") or "itemProps" in part.partname:
            continue
        try:
            root = etree.fromstring(part.blob, parser)
        except etree.XMLSyntaxError:
            continue
        if root.tag == f"{{{NAMESPACE}}}questionnaire":
            answers = {answer.get("code"): answer.text or "" for answer in root.iter(f"{{{NAMESPACE}}}answer")}
            return dict(root.attrib), answers
    return None


def row_entry(number: int, row, downloaded: dict[str, str]) -> OfflineEntry:
    cells = row.xpath("./w:tc")
    code = cell_text(cells[0]).strip() if cells else ""
    paragraphs = [paragraph_text(paragraph) for cell in cells[1:] for paragraph in cell.iter(qn("w:p"))]

    def read(question: Question) -> tuple:
        return answer_value(question, paragraphs), downloaded_value(question, downloaded.get(question.code, ""))

    return OfflineEntry(_("Question %(number)d") % {"number": number}, code, read)


def cell_text(cell) -> str:
    return "\n".join(paragraph_text(paragraph) for paragraph in cell.iter(qn("w:p")))


def paragraph_text(paragraph) -> str:
    """Return the paragraph's text as Word shows it with tracked changes accepted: tabs and line breaks kept."""
    parts = []
    for run in paragraph.iter(qn("w:r")):
        if run.getparent().tag in (qn("w:del"), qn("w:moveFrom")):
            continue
        for node in run:
            if node.tag == qn("w:t"):
                parts.append(node.text or "")
            elif node.tag == qn("w:tab"):
                parts.append("\t")
            elif node.tag in (qn("w:br"), qn("w:cr")):
                parts.append("\n")
            elif node.tag == qn("w:noBreakHyphen"):
                parts.append("-")
    return "".join(parts)


def downloaded_value(question: Question, text: str):
    if question.type in (Type.SHORT_TEXT, Type.LONG_TEXT):
        return text or None
    return cell_value(question, text)


def answer_value(question: Question, paragraphs: list[str]):
    """Return the answer cell's paragraphs as a form value; raise CellError, naming the question, if it cannot be."""
    if question.type == Type.RANKING:
        return ranking_value(question, paragraphs)
    if list(question.choices.all()):
        marked = [value for value, mark in choice_lines(question, paragraphs) if is_marked(question, mark)]
        marked = list(dict.fromkeys(marked))
        if question.type == Type.MULTIPLE_CHOICE:
            return marked or None
        if len(marked) > 1:
            labels = {choice.value: label_of(choice) for choice in question.choices.all()}
            raise CellError(_("%(code)s has several choices marked (%(choices)s); mark only one.")
                            % {"code": question.code, "choices": "; ".join(labels[value] for value in marked)})
        return marked[0] if marked else None
    text = entered_text("\n".join(paragraphs)).strip()
    if not text:
        return None
    if question.type == Type.NUMBER:
        return number_value(None, text)
    return text_value(question, text)


def choice_lines(question: Question, paragraphs: list[str]) -> list[tuple[str, str]]:
    """Return (choice value, what is in front of its label) for every line of the cell that is not blank."""
    choices = sorted(question.choices.all(), key=lambda choice: -len(label_of(choice)))
    lines = []
    for paragraph in paragraphs:
        for text in paragraph.split("\n"):
            line = " ".join(text.split())
            if line:
                lines.append(choice_line(question, choices, line))
    return lines


def choice_line(question: Question, choices: list, line: str) -> tuple[str, str]:
    for choice in choices:
        label = label_of(choice)
        if label and line.casefold().endswith(label.casefold()):
            return choice.value, line[: len(line) - len(label)].strip()
    for choice in choices:
        if line.casefold() == choice.value.casefold():
            return choice.value, ""
    raise CellError(_("“%(value)s” is not a choice of %(code)s (%(choices)s).")
                    % {"value": line[:80], "code": question.code,
                       "choices": "; ".join(label_of(choice) for choice in question.choices.all())})


def is_marked(question: Question, mark: str) -> bool:
    """Tell whether what is in front of a choice marks it: an X or ☒, or nothing at all (the label typed)."""
    if not mark:
        return True
    rest = "".join(character for character in mark if character not in EMPTY)
    if not rest:
        return False
    if set(rest) <= MARKS:
        return True
    raise CellError(_("“%(mark)s” in front of a choice of %(code)s is not a mark: mark a choice with X.")
                    % {"mark": mark[:20], "code": question.code})


def ranking_value(question: Question, paragraphs: list[str]) -> dict[str, int] | None:
    """Return the items that have a position, numbered 1, 2, … in the order of the positions written."""
    positions = {}
    for value, mark in choice_lines(question, paragraphs):
        rest = "".join(character for character in mark if character not in EMPTY).rstrip(".)")
        if not rest:
            continue
        if not rest.isdecimal():
            raise CellError(_("“%(mark)s” in front of an item of %(code)s is not a position: write 1, 2, 3…")
                            % {"mark": mark[:20], "code": question.code})
        positions[value] = int(rest)
    if len(set(positions.values())) != len(positions):
        raise CellError(_("%(code)s ranks two items at the same position.") % {"code": question.code})
    ordered = sorted(positions, key=positions.get)
    return {value: rank for rank, value in enumerate(ordered, 1)} or None

