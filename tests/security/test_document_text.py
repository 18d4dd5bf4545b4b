"""Any Unicode a person can paste: cleaned where it comes in, and no report or export can break on it.

Word's line break (U+000B) and page break (U+000C) in one answer made every Word build of its
region fail ("All strings must be XML compatible"). Text is now cleaned once where it enters
(surveys.text) and every writer guards itself (document_text), for text stored before or by
another path.
"""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from consult.models import Report
from consult.services.aggregation import aggregates_rebuild
from consult.services.exports import csv_row, responses_export_csv, responses_export_xlsx, xlsx_value
from consult.services.positions import position_for
from consult.services.reports.build import report_build
from consult.services.reports.docx import render_docx
from consult.services.reports.files import document_text
from consult.services.reports.html import render_html
from consult.services.reports.pdf import render_pdf
from consult.services.reports.xlsx import render_xlsx
from consult.services.transfer import consultation_export, consultation_import
from surveys.models import Answer
from surveys.text import entered_text

from ..factories import make_member_state
from ..summaries import make_summary
from ..test_exports import submit
from ..test_reports import docx_text, pdf_text

CONTROLS = "".join(chr(code) for code in range(32)) + "\x7f" + "".join(chr(code) for code in range(0x80, 0xA0))
ODD = "\u2028\u2029\ud800\udfff\ufffe\uffff\u200f\u202e\u2066\u2069"
EMOJI = "🌍👩🏽‍⚕️🇸🇳"
LONG_WORD = "x" * 10_000
HOSTILE = f"Before{CONTROLS}{ODD}{EMOJI} after {LONG_WORD} end"
RENDERERS = {"html": render_html, "docx": render_docx, "pdf": render_pdf, "xlsx": render_xlsx}


def hostile_summary():
    summary = make_summary(excerpt=HOSTILE, consultation_title=f"Title{CONTROLS}", grouping_name=f"Africa{ODD}")
    recommendation = summary.areas[0].recommendations[0]
    recommendation.text = HOSTILE
    recommendation.member_states[0].text = HOSTILE
    recommendation.member_states[0].choices[0].label = f"Support{CONTROLS}{ODD}"
    summary.areas[0].title = HOSTILE
    return summary


@pytest.mark.parametrize("format", RENDERERS)
def test_every_report_format_builds_from_any_unicode(format):
    content = RENDERERS[format](hostile_summary(), language="en")

    assert content


def test_the_texts_survive_in_the_documents_without_what_they_cannot_hold():
    summary = hostile_summary()
    word = docx_text(render_docx(summary, language="en"))
    html = render_html(summary, language="en").decode()
    sheet = [
        value for rows in openpyxl.load_workbook(io.BytesIO(render_xlsx(summary, language="en"))).worksheets
        for row in rows.iter_rows(values_only=True) for value in row if isinstance(value, str)
    ]

    for text in [word, html, "\n".join(sheet)]:
        assert EMOJI in text and LONG_WORD in text and "\u202e" in text
        assert not any(character in text for character in "\x00\x01\x08\x0b\x0c\x1f\ud800\udfff\ufffe\uffff")
    # pypdf reads this font's text with a NUL after each character.
    assert "Before" in pdf_text(render_pdf(summary, language="en")).replace("\x00", "")


def test_document_text_keeps_what_is_visible():
    assert document_text("a\x00\x01\x08\t\n\x0b\x0c\r\x0e\x1fb\u2028c\ud800\udfff\ufffe\uffffd") == "a\t\n\n\n\rb\u2028cd"
    assert document_text(EMOJI + "\u200f\u202e\u2066") == EMOJI + "\u200f\u202e\u2066"


def test_entered_text_turns_every_line_break_into_one_and_drops_controls():
    assert entered_text("one\r\ntwo\rthree\x0bfour\x0cfive\u2028six\x85seven") == "one\ntwo\nthree\nfour\nfive\nsix\nseven"
    assert entered_text("a\x00b\x07c\x1bd\x7fe\x9ff\ud800g\ufffeh") == "abcdefgh"
    assert entered_text("tab\there") == "tab\there"


def test_spreadsheet_and_csv_cells_survive_any_unicode():
    stream = io.StringIO()
    csv.writer(stream).writerow(csv_row([HOSTILE, "\ud800=1+1", "\n=1+1", "\nplain"]))
    row = next(csv.reader(io.StringIO(stream.getvalue())))

    stream.getvalue().encode()  # UTF-8 can hold it
    assert row[0].startswith("Before\t\n") and EMOJI in row[0]
    assert row[1] == "'=1+1" and row[2] == "'\n=1+1" and row[3] == "'\nplain"
    assert xlsx_value("\x0b=1+1") == "'\n=1+1"


def test_a_pasted_answer_is_kept_clean_as_typed(consultation, france, focal_point_france, client):
    position = position_for(consultation=consultation, member_state=france)
    client.force_login(focal_point_france)
    answer = "Line one\x0bline two\x0cpage two\x01\r\nend e\u0301"

    response = client.post(reverse("consult:position-section", args=[position.pk, "1"]),
                           {"version": "0", "1.1-practices": answer})

    assert response.status_code == 302
    stored = Answer.objects.get(response=position.response, question__code="1.1-practices").text
    assert stored == "Line one\nline two\npage two\nend é"


def test_a_word_report_builds_from_answers_stored_with_control_characters(consultation, settings, tmp_path):
    """Answers stored before the cleaning (or by any other path) hold what Word refuses: the build still ends done."""
    settings.MEDIA_ROOT = tmp_path
    stored = "Pasted\x0bfrom\x0cWord\x01\x1f\ufffe " + LONG_WORD
    submit(position_for(consultation=consultation, member_state=make_member_state("SEN")),
           {"1-overall": "support", "1.1-practices": stored}, publication="attributed")
    aggregates_rebuild(consultation=consultation)

    for format in [Report.Format.DOCX, Report.Format.PDF, Report.Format.HTML, Report.Format.XLSX,
                   Report.Format.CSV_ANSWERS, Report.Format.XLSX_ANSWERS]:
        report = Report.objects.create(consultation=consultation, format=format, language="en")
        report_build(report=report)
        report.refresh_from_db()
        assert (report.status, report.error) == (Report.Status.DONE, ""), format
    # The summary quotes no single respondent (small cells); the answers export carries the text.
    answers = Report.objects.get(format=Report.Format.CSV_ANSWERS).file.read().decode("utf-8-sig")
    assert "Pasted\nfrom\nWord" in answers


def test_an_imported_consultation_is_cleaned_like_a_form(consultation):
    document = consultation_export(consultation=consultation)
    document["title"] = "Title\x0bwith a break\ud800"
    document["areas"][0]["recommendations"][0]["text"] = "Text\x0c\x01 here"

    imported = consultation_import(document=document, slug="imported")

    assert imported.title == "Title\nwith a break"
    assert imported.areas.get(number=1).recommendations.order_by("code").first().text == "Text\n here"


def test_exports_of_stored_control_characters_open(consultation):
    submit(position_for(consultation=consultation, member_state=make_member_state("SEN")),
           {"1.1-practices": "a\x0bb\x1fc\ufffe=d"})
    stream = io.StringIO()
    responses_export_csv(consultation=consultation, stream=stream)
    workbook = io.BytesIO()
    responses_export_xlsx(consultation=consultation, path=workbook)

    assert "a\nbc=d" in stream.getvalue()
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook.getvalue())).active.iter_rows(values_only=True))
    assert "a\nbc=d" in rows[1]
