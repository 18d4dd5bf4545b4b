"""Report formats from one hand-built summary: key messages first, the same figures everywhere, nothing hidden shown.

The hand-built summary (tests/summaries.py): recommendation 1.1 is supported by 90 % of ten
states (60 % without reservations), 1.2 by 90 % too (70 % without reservations): 1.2 ranks
first on the tie-break. Sub-regions: Western Africa 6 of 7 invited submitted (85.7 %),
Northern Africa 4 of 5 (80.0 %).
"""

import io
import re
import zipfile

import openpyxl
import pytest
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from consult.selectors.summaries import QuestionFigures

from consult.services.reports.charts import NEUTRAL, visual_order
from consult.services.reports.document import recommendation_block
from consult.services.reports.docx import render_docx
from consult.services.reports.files import FORMULA_STARTS, neutralised
from consult.services.reports.html import render_html
from consult.services.reports.pdf import render_pdf
from consult.services.reports.xlsx import render_xlsx

from .summaries import choices, make_summary


def docx_text(content: bytes) -> str:
    """Return every text of the Word document, nested tables included."""
    document = Document(io.BytesIO(content))
    return "\n".join(node.text or "" for node in document.element.body.iter() if node.tag.endswith("}t"))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def html_text(content: bytes) -> str:
    return re.sub(r"<style>.*?</style>", "", content.decode(), flags=re.DOTALL)


def sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def cells(content: bytes) -> list:
    return [value for rows in sheets(content).values() for row in rows for value in row if value is not None]


def plain(text: str) -> str:
    """Return the text without the isolate marks around codes and with single spaces."""
    return " ".join(re.sub("[\u2066-\u2069]", "", text).split())


TEXT_FORMATS = {"html": (render_html, html_text), "docx": (render_docx, docx_text), "pdf": (render_pdf, pdf_text)}
KEY_MESSAGES = [
    "10 of the 12 member states invited have submitted their position (83.3%).",
    "The response rate is highest in Western Africa (85.7%) and lowest in Northern Africa (80.0%).",
    "Broadest support: 1.2 “Counter xenophobia.”, supported by 90.0% of the member states that answered (70.0% "
    "without reservations).",
    "Weakest support: 1.1 “Improve the public image of migrants.”, supported by 90.0%",
]
# Key figures: respondents, support (of which without reservations), mean rating, divergence.
FIGURES = ["90.0% (60.0%)", "90.0% (70.0%)", "3.7", "0.48", "Western Africa", "85.7%", "Senegal (5)"]


@pytest.mark.parametrize("format", TEXT_FORMATS)
def test_each_text_format_opens_with_the_key_messages_then_shows_the_figures(format):
    render, text_of = TEXT_FORMATS[format]
    text = plain(text_of(render(make_summary(), language="en")))

    for message in KEY_MESSAGES:
        assert message in text, message
    for figure in FIGURES:
        assert figure in text, figure
    assert text.index("Key messages") < text.index("Consensus ranking") < text.index("Image of migrants")
    assert text.index("Image of migrants") < text.index("Annex") < text.index("Method note")
    assert "Governments and civil society diverge" in text
    assert "Improve the public image of migrants." in text


@pytest.mark.parametrize("format", TEXT_FORMATS)
def test_the_body_holds_no_per_question_table_and_no_question_code(format):
    render, text_of = TEXT_FORMATS[format]
    text = text_of(render(make_summary(), language="en"))

    assert "1.1-support" not in text and "1.1-priority" not in text
    assert "Support with reservations" not in text  # the per-answer rows are in the spreadsheet


def test_the_spreadsheet_holds_every_figure_as_a_number():
    values = cells(render_xlsx(make_summary(), language="en"))

    for figure in [0.6, 0.3, 0.125, 0.625, 0.7, 3.7, 10, 8, 0.48, 12, 11]:
        assert figure in values, figure
    assert "Western Africa" in values


def test_the_spreadsheet_ranks_ties_on_the_tie_breaks():
    overview = sheets(render_xlsx(make_summary(), language="en"))["Summary"]
    header = next(index for index, row in enumerate(overview) if row[0] == "Consensus ranking")

    assert overview[header + 1][:6] == (1, "1.2", pytest.approx(0.9), pytest.approx(0.7), None, "No")
    assert overview[header + 2][:6] == (2, "1.1", pytest.approx(0.9), pytest.approx(0.6), 3.7, "No")


@pytest.mark.parametrize("format", TEXT_FORMATS)
def test_a_small_cell_is_never_shown_in_a_shared_report(format):
    # Even a summary that wrongly carries a small cell's figures is rendered without them.
    leaky = make_summary(internal=True)
    leaky.internal = False
    render, text_of = TEXT_FORMATS[format]
    text = text_of(render(leaky, language="en"))

    assert "100.0%" not in text
    assert "2 †" not in text
    assert "not shown" in text


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

    assert "2 †" in text
    assert "Internal view" in text


def test_the_word_file_has_real_headings_a_contents_field_and_editable_tables():
    word = Document(io.BytesIO(render_docx(make_summary(), language="en")))

    headings = [(paragraph.style.name, paragraph.text) for paragraph in word.paragraphs
                if paragraph.style.name.startswith("Heading")]
    assert headings[:5] == [
        ("Heading 1", "Key messages"), ("Heading 1", "Consensus ranking"), ("Heading 1", "1. Image of migrants"),
        ("Heading 2", "1.1 Improve the public image of migrants."), ("Heading 3", "What respondents said"),
    ]
    fields = [node.text for node in word.element.body.iter() if node.tag.endswith("}instrText")]
    assert any(field.strip().startswith("TOC \\o") for field in fields)
    # Tables of text in cells (not pictures), in a table style the secretariat's template can restyle.
    consensus = word.tables[0]
    assert consensus.style.name == "Light List Accent 1"
    assert [cell.text for cell in consensus.rows[0].cells] == [
        "Rank", "Recommendation", "Support", "Without reservations", "Mean priority",
    ]
    assert plain(consensus.rows[1].cells[1].text).startswith("1.2 Counter xenophobia")
    assert consensus.rows[1].cells[2].text == "90.0%"
    assert not any(node.tag.endswith("}drawing") for table in word.tables for node in table._tbl.iter())


def test_html_shows_quotations_as_text_never_as_markup():
    html = render_html(make_summary(), language="en").decode()

    assert "Our &lt;script&gt;alert(1)&lt;/script&gt; programme" in html
    assert "<script" not in html


def test_pdf_and_word_show_quotations_as_written_with_their_attribution():
    summary = make_summary()
    for text in [pdf_text(render_pdf(summary, language="en")), docx_text(render_docx(summary, language="en"))]:
        assert "Our <script>alert(1)</script> programme" in text
        assert "— Senegal" in text


def test_charts_say_in_words_what_they_show():
    html = render_html(make_summary(), language="en").decode()
    word = Document(io.BytesIO(render_docx(make_summary(), language="en")))

    alt = "Bar chart. Rating on the scale of 1 to 5 – Governments: priority: 1 very low 0.0%, 2 low 10.0%"
    assert f'alt="{alt}' in html
    descriptions = [node.get("descr") for node in word.element.body.iter() if node.tag.endswith("}docPr")]
    assert descriptions and descriptions[0].startswith(alt)


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


def test_quotations_carry_their_own_direction_for_the_pdf_which_has_no_dir_auto():
    english_in_arabic = render_html(make_summary(excerpt="We train officials."), language="ar").decode()
    arabic_in_english = render_html(make_summary(excerpt="برنامج التوعية"), language="en").decode()

    assert 'dir="ltr">We train officials.</blockquote>' in english_in_arabic
    assert 'dir="rtl">برنامج التوعية</blockquote>' in arabic_in_english


@pytest.mark.parametrize("language,words", [("ar", "Africa"), ("fr", "Page"), ("zh-hans", "页")])
def test_every_pdf_page_says_its_number_and_the_count_in_the_report_language(language, words):
    reader = PdfReader(io.BytesIO(render_pdf(make_summary(), language=language)))
    count = len(reader.pages)

    for number, page in enumerate(reader.pages, 1):
        footer = page.extract_text().splitlines()[-1]
        # Latin or Arabic-Indic digits alike: int() reads both.
        assert sorted(int(digits) for digits in re.findall(r"\d+", footer)) == sorted([number, count]), footer
        assert words in footer and "Africa" in footer


def footer_places(content: bytes) -> dict[str, float]:
    """Return where each text of the first page's lowest line starts, as a share of the page's width."""
    page = PdfReader(io.BytesIO(content)).pages[0]
    found = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():  # The text matrix, placed by the current transformation matrix.
            found.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))

    page.extract_text(visitor_text=visit)
    lowest = min(y for _x, y, _text in found)
    return {text.strip(): x / float(page.mediabox.width) for x, y, text in found if abs(y - lowest) < 1}


def test_arabic_pdf_numbers_pages_at_the_bottom_left_and_french_at_the_bottom_right():
    arabic = footer_places(render_pdf(make_summary(), language="ar"))
    french = footer_places(render_pdf(make_summary(), language="fr"))

    assert arabic["1"] < 0.5 < arabic["Africa :"]
    assert french["Synthèse régionale : Africa"] < 0.5 < french["Page 1 sur 3"]


def test_arabic_chart_text_is_joined_and_ordered_for_drawing():
    drawn = visual_order("الدول الأعضاء")

    assert drawn != "الدول الأعضاء"
    assert any("\ufe70" <= character <= "\ufeff" for character in drawn)  # joined forms
    assert visual_order("الدول الأعضاء: \u20661.2\u2069").startswith("1.2 :")  # codes stay whole
    assert visual_order("Member states: \u20661.2\u2069") == "Member states: 1.2"


def test_labels_follow_the_report_language_and_content_keeps_its_own():
    html = render_html(make_summary(), language="fr").decode()

    assert '<html lang="fr" dir="ltr">' in html
    assert "14 mai 2013" in html
    assert "Messages clés" in html and "Note méthodologique" in html
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


def test_not_applicable_and_dont_know_are_drawn_grey_at_the_end_of_the_bar_and_in_the_legend():
    labels = [("not_applicable", "Not applicable"), ("not_started", "Not started"), ("implemented", "Implemented"),
              ("dont_know", "Don't know")]
    status = QuestionFigures(code="1.1-implementation", text="Status?", type="single_choice", audience="member_state",
                             respondents=10, choices=choices([1, 3, 4, 2], labels))
    summary = make_summary()
    summary.areas[0].recommendations[0].member_states.append(status)

    with translation.override("fr"):
        block = recommendation_block(summary.areas[0].recommendations[0], internal=False)
    panel = block.chart.panels[-1]
    row = panel.rows[-1]
    assert [(segment.label, segment.colour == NEUTRAL) for segment in row.segments] == [
        ("Not started", False), ("Implemented", False), ("Not applicable", True), ("Don't know", True),
    ]
    assert [(label, colour == NEUTRAL) for label, colour in panel.legends[-1].entries][-2:] == [
        ("Not applicable", True), ("Don't know", True),
    ]
    assert panel.title == "Mise en œuvre et efficacité" and row.label == "Gouvernements : mise en œuvre"
