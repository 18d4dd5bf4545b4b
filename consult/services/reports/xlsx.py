"""The summary as a spreadsheet of every figure: coverage and consensus, one sheet per area, the excerpts.

Figures are numbers (shares as percentages) so they can be worked with; text that a
spreadsheet would take for a formula is neutralised.
"""

from io import BytesIO

from django.utils import translation
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from consult.models import Audience
from consult.selectors.summaries import QuestionFigures, Summary

from .document import internal_note, is_hidden, question_sentence, summary_title
from .files import document_text, fixed_zip, neutralised
from .messages import key_messages

PERCENT = "0.0%"
DECIMAL = "0.00"


def render_xlsx(summary: Summary, *, language: str) -> bytes:
    """Return the summary's figures as an .xlsx workbook, its labels in the language given."""
    with translation.override(language):
        workbook = Workbook(write_only=True)
        write_overview(new_sheet(workbook, _("Summary")), summary)
        for area in summary.areas:
            write_area(new_sheet(workbook, _("Area %(number)s") % {"number": area.number}), area, summary.internal)
        write_excerpts(new_sheet(workbook, _("Excerpts")), summary)
        workbook.properties.title = document_text(summary_title(summary))
        workbook.properties.creator = ""
        workbook.properties.created = workbook.properties.modified = summary.data_cutoff.replace(tzinfo=None)
        buffer = BytesIO()
        workbook.save(buffer)
    return fixed_zip(buffer.getvalue(), summary.data_cutoff)


def new_sheet(workbook, title: str):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.sheet_view.rightToLeft = get_language_bidi()
    return sheet


def append(sheet, *values, formats=()):
    """Append a row of neutralised values; `formats` gives number formats by position."""
    formats = dict(formats)
    sheet.append([cell(sheet, value, formats.get(index)) for index, value in enumerate(values)])


def cell(sheet, value, number_format=None):
    written = WriteOnlyCell(sheet, value=neutralised(value))
    if number_format and value is not None:
        written.number_format = number_format
    return written


def write_overview(sheet, summary: Summary) -> None:
    append(sheet, summary_title(summary))
    append(sheet, _("Consultation"), summary.consultation_title)
    append(sheet, _("Figures as of"), summary.data_cutoff.replace(tzinfo=None), formats=[(1, "yyyy-mm-dd hh:mm")])
    if summary.internal:
        append(sheet, internal_note())
    append(sheet)
    append(sheet, _("Key messages"))
    for message in key_messages(summary):
        append(sheet, message.text)
    coverage = summary.coverage
    append(sheet)
    append(sheet, _("Member states invited"), coverage.states_invited)
    append(sheet, _("Member states that answered"), coverage.states_answered)
    append(sheet, _("Member states that submitted"), coverage.states_submitted)
    append(sheet)
    append(sheet, _("Sub-region"), _("Invited"), _("Answered"), _("Submitted"))
    for row in coverage.by_subregion:
        append(sheet, *row)
    append(sheet)
    append(sheet, _("Country"), _("Civil society responses"))
    for row in coverage.civil_society_by_country:
        append(sheet, *row)
    append(sheet)
    append(sheet, _("Consensus ranking"), _("Recommendation"), _("Support"), _("Without reservations"),
           _("Mean priority"), _("Tied"))
    for entry in summary.consensus:
        standing = entry.standing
        append(sheet, entry.rank, standing.code, standing.support, standing.full_support, standing.priority,
               yes_no(entry.tied), formats=[(2, PERCENT), (3, PERCENT), (4, DECIMAL)])


def figure_headers() -> list[str]:
    return [
        _("Recommendation"), _("Audience"), _("Question"), _("Question text"), _("Answer"), _("Number"),
        _("Share"), _("Respondents"), _("Mean"), _("Median"), _("Mean rank"), _("First-place share"),
        _("Fewer respondents than the threshold"), _("Divergence"), _("Governments and civil society diverge"),
    ]


def write_area(sheet, area, internal: bool) -> None:
    append(sheet, f"{area.number}. {area.title}")
    append(sheet, area.headline)
    append(sheet, *figure_headers())
    for question in area.area_questions:
        write_question(sheet, str(area.number), question, internal, ())
    for recommendation in area.recommendations:
        divergence = (recommendation.divergence, yes_no(recommendation.divergence_flag))
        for question in recommendation.member_states + recommendation.civil_society:
            write_question(sheet, recommendation.code, question, internal, divergence)


def write_question(sheet, code: str, question: QuestionFigures, internal: bool, divergence) -> None:
    """Write the question's row of totals, then a row per answer (none when it is hidden)."""
    start = [code, str(Audience(question.audience).label), question.code, question_sentence(question.text)]
    if is_hidden(question, internal):
        append(sheet, *start, _("Not shown: too few respondents."), *[None] * 7, yes_no(True), *divergence)
        return
    totals = [question.mean, question.median, question.mean_rank, question.first_place_share]
    formats = [(8, DECIMAL), (9, DECIMAL), (10, DECIMAL), (11, PERCENT), (13, DECIMAL)]
    append(sheet, *start, "", None, None, question.respondents, *totals, yes_no(question.suppressed), *divergence,
           formats=formats)
    for choice in question.choices:
        ranks = [choice.mean_rank, choice.first_place_share]
        append(sheet, *start, choice.label, choice.count, choice.share, None, None, None, *ranks,
               formats=[(6, PERCENT), (10, DECIMAL), (11, PERCENT)])


def write_excerpts(sheet, summary: Summary) -> None:
    append(sheet, _("Recommendation"), _("Question"), _("Excerpt"), _("Respondent"))
    for area in summary.areas:
        for recommendation in area.recommendations:
            for excerpt in recommendation.excerpts:
                attribution = excerpt.attribution or _("Anonymous")
                append(sheet, recommendation.code, excerpt.question_code, excerpt.text, attribution)


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")
