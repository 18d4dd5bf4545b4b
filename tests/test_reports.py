"""Report formats from one hand-built summary: the same figures everywhere, nothing hidden shown, safe text."""

import io
import zipfile

import openpyxl
import pytest
from docx import Document
from pypdf import PdfReader

from consult.services.reports.charts import visual_order
from consult.services.reports.docx import render_docx
from consult.services.reports.files import FORMULA_STARTS, neutralised
from consult.services.reports.html import render_html
from consult.services.reports.pdf import render_pdf
from consult.services.reports.xlsx import render_xlsx

from .summaries import make_summary


def docx_text(content: bytes) -> str:
    """Return every text of the Word document, nested tables included."""
    document = Document(io.BytesIO(content))
    return "\n".join(node.text or "" for node in document.element.body.iter() if node.tag.endswith("}t"))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def html_text(content: bytes) -> str:
    return content.decode()


def sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def cells(content: bytes) -> list:
    return [value for rows in sheets(content).values() for row in rows for value in row if value is not None]


TEXT_FORMATS = {"html": (render_html, html_text), "docx": (render_docx, docx_text), "pdf": (render_pdf, pdf_text)}
# Every share of the summary but the hidden one (2 of 2: 100.0%), the means and the coverage.
FIGURES = ["60.0%", "30.0%", "12.5%", "62.5%", "70.0%", "3.7", "4.0", "Respondents: 10", "Respondents: 8", "0.48",
           "Western Africa", "90.0%"]


@pytest.mark.parametrize("format", TEXT_FORMATS)
def test_each_text_format_shows_every_figure(format):
    render, text_of = TEXT_FORMATS[format]
    text = text_of(render(make_summary(), language="en"))

    for figure in FIGURES:
        assert figure in text, figure
    assert "Governments and civil society diverge" in text
    assert "Improve the public image of migrants." in text


def test_the_spreadsheet_holds_every_figure_as_a_number():
    values = cells(render_xlsx(make_summary(), language="en"))

    for figure in [0.6, 0.3, 0.125, 0.625, 0.7, 3.7, 10, 8, 0.48, 0.9, 12, 11]:
        assert figure in values, figure
    assert "Western Africa" in values


@pytest.mark.parametrize("format", TEXT_FORMATS)
def test_a_small_cell_is_never_shown_in_a_shared_report(format):
    # Even a summary that wrongly carries a small cell's figures is rendered without them.
    leaky = make_summary(internal=True)
    leaky.internal = False
    render, text_of = TEXT_FORMATS[format]
    text = text_of(render(leaky, language="en"))

    assert "100.0%" not in text
    assert "Respondents: 2" not in text
    assert "Not shown: too few respondents." in text


def test_a_small_cell_is_never_in_a_shared_spreadsheet():
    leaky = make_summary(internal=True)
    leaky.internal = False
    area = sheets(render_xlsx(leaky, language="en"))["Area 1"]

    hidden = [row for row in area if row[2] == "1.2-support" and row[1] == "Civil society"]
    assert len(hidden) == 1
    assert hidden[0][4] == "Not shown: too few respondents."
    assert all(value is None for value in hidden[0][5:12])


@pytest.mark.parametrize("format", TEXT_FORMATS)
def test_the_internal_view_shows_small_cells_marked(format):
    render, text_of = TEXT_FORMATS[format]
    text = text_of(render(make_summary(internal=True), language="en"))

    assert "100.0%" in text
    assert "Respondents: 2" in text
    assert "†" in text


def test_html_shows_excerpts_as_text_never_as_markup():
    html = render_html(make_summary(), language="en").decode()

    assert "Our &lt;script&gt;alert(1)&lt;/script&gt; programme" in html
    assert "<script>alert" not in html
    assert "<script" not in html


def test_pdf_and_word_show_excerpts_as_written_with_their_attribution():
    summary = make_summary()
    for text in [pdf_text(render_pdf(summary, language="en")), docx_text(render_docx(summary, language="en"))]:
        assert "Our <script>alert(1)</script> programme" in text
        assert "— Senegal" in text
        assert "— Anonymous" in text


def test_charts_have_a_text_alternative_with_their_figures():
    html = render_html(make_summary(), language="en").decode()
    word = Document(io.BytesIO(render_docx(make_summary(), language="en")))

    alt = "share of respondents giving each answer. Member states: \u20661.1-support\u2069: Support 60.0%"
    assert f'alt="Bar chart of the {alt}' in html
    descriptions = [node.get("descr") for node in word.element.body.iter() if node.tag.endswith("}docPr")]
    assert len(descriptions) == 2
    assert "1.1-support\u2069: Support 12.5%, Support with reservations 25.0%, Do not support 62.5%" in descriptions[0]


def test_arabic_reports_are_right_to_left():
    summary = make_summary(language="ar", excerpt="برنامج التوعية")
    html = render_html(summary, language="ar").decode()
    word = render_docx(summary, language="ar")
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(summary, language="ar")))

    assert '<html lang="ar" dir="rtl">' in html
    assert 'lang="ar" dir="rtl">برنامج التوعية</blockquote>' in html
    body = zipfile.ZipFile(io.BytesIO(word)).read("word/document.xml").decode()
    assert body.count("<w:bidi/>") > 20
    assert "<w:bidiVisual/>" in body and "<w:rtl/>" in body
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook)


def test_arabic_chart_text_is_joined_and_ordered_for_drawing():
    drawn = visual_order("الدول الأعضاء")

    assert drawn != "الدول الأعضاء"
    assert any("\ufe70" <= character <= "\ufeff" for character in drawn)  # joined forms
    assert visual_order("الدول الأعضاء: \u20661.2-support\u2069").startswith("1.2-support :")  # codes stay whole
    assert visual_order("Member states: \u20661.2-support\u2069") == "Member states: 1.2-support"


def test_labels_follow_the_report_language_and_content_keeps_its_own():
    html = render_html(make_summary(), language="fr").decode()

    assert '<html lang="fr" dir="ltr">' in html
    assert "14 mai 2013" in html
    assert "Improve the public image of migrants." in html


def test_spreadsheet_cells_that_look_like_formulas_are_neutralised():
    excerpts = sheets(render_xlsx(make_summary(), language="en"))["Excerpts"]

    assert ("1.1", "1.1-practices", "'=1+2 campaign", "Anonymous") in excerpts
    for start in FORMULA_STARTS:
        assert neutralised(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert neutralised("Plain text") == "Plain text"
    assert neutralised(-3) == -3


@pytest.mark.parametrize("render", [render_html, render_docx, render_pdf, render_xlsx])
def test_building_twice_gives_the_same_file(render):
    assert render(make_summary(), language="en") == render(make_summary(), language="en")
