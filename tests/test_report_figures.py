"""The hand-built set, submitted and counted, gives the same hand-worked figures in every report format.

The world's and Africa's summaries are built by `report_build` as HTML, Word, PDF and XLSX and
read back; each hand-worked figure must appear in all four, a small cell's figures in none, and
no confidential or draft text anywhere. The raw CSV export holds exactly the submitted answers.
"""

import csv
import io
import re
from statistics import mean, median

import openpyxl
import pytest
from docx import Document
from pypdf import PdfReader

from consult.models import Audience, Report
from consult.services.aggregation import aggregates_rebuild
from consult.selectors.summaries import regional_summary
from consult.services.reports.build import report_build
from consult.services.reports.messages import key_messages
from surveys.models import Choice

from .aggregation_cases import (
    CONFIDENTIAL_TEXT, CSO, DNS, DRAFT_TEXT, MS, ORGANISATION_ANSWERS, STATE_ANSWERS, S, build_hand_set,
)
from .factories import STATES

SUMMARY_FORMATS = ["html", "docx", "pdf", "xlsx"]
TEXT_FORMATS = ["html", "docx", "pdf"]
# Columns of an area sheet of the figures workbook (consult/services/reports/xlsx.py).
NUMBER, SHARE, RESPONDENTS, MEAN, MEDIAN, MEAN_RANK, FIRST_PLACE, DIVERGENCE = 5, 6, 7, 8, 9, 10, 11, 13

# Figures worked out by hand from tests/aggregation_cases.py, as the reports word them:
# (text in the body of HTML, Word and PDF, or None when only the spreadsheet holds it; the hand value;
#  where the spreadsheet holds it: block (recommendation, or area number for area questions), audience,
#  question, choice (None: the totals row), column)
WORLD_FIGURES = [
    # 1.2-support: 4 of 6 states support, 1 with reservations: 83.3 % support, 66.7 % without reservations.
    ("83.3% (66.7%)", 4 / 6, ("1.2", MS, "1.2-support", S, SHARE)),
    # 1.1-support: 2 support, 1 with reservations, 3 do not: 50.0 % (33.3 %).
    ("50.0% (33.3%)", 3 / 6, ("1.1", MS, "1.1-support", DNS, SHARE)),
    (None, 6, ("1.1", MS, "1.1-priority", None, RESPONDENTS)),
    # Priority 5, 4, 2, 3, 1, 4 (Nigeria's draft left out): mean 19/6, median 3.5.
    ("3.2", 19 / 6, ("1.1", MS, "1.1-priority", None, MEAN)),
    (None, 3.5, ("1.1", MS, "1.1-priority", None, MEDIAN)),
    # Organisations' importance 2, 1, 2, 5 (Palestine counts in the world): 4 respondents, mean 2.5.
    (None, 4, ("1.1", CSO, "1.1-importance", None, RESPONDENTS)),
    ("2.5", 2.5, ("1.1", CSO, "1.1-importance", None, MEAN)),
    # Ranking of France, Germany and Senegal: 1.1 mean rank 4/3, first 2 times of 3; 1.3 mean rank 8/3.
    (None, 4 / 3, ("1", MS, "1-ranking", "1.1", MEAN_RANK)),
    (None, 8 / 3, ("1", MS, "1-ranking", "1.3", MEAN_RANK)),
    ("66.7%", 2 / 3, ("1", MS, "1-ranking", "1.1", FIRST_PLACE)),
    # Implemented 2 and in progress 1 of 6: the two highest answers, 50.0 %.
    ("In progress or Implemented 50.0%", 2 / 6, ("1.1", MS, "1.1-implementation", "implemented", SHARE)),
    # |19/6 - 10/4| = 2/3.
    ("Divergence: 0.67", 2 / 3, ("1.1", MS, "1.1-priority", None, DIVERGENCE)),
]
AFRICA_FIGURES = [
    # Senegal and Ghana (Nigeria's draft left out).
    (None, 2, ("1.1", MS, "1.1-priority", None, RESPONDENTS)),
    ("2.0", 2.0, ("1.1", MS, "1.1-priority", None, MEAN)),
    ("50.0% (50.0%)", 0.5, ("1.1", MS, "1.1-support", S, SHARE)),
    ("In progress or Implemented 0.0%", 0.0, ("1.1", MS, "1.1-implementation", "implemented", SHARE)),
]
# Africa's cells of a single respondent, hidden when shared: Dakar Diaspora's importance (1, mean 1.0),
# Senegal's ranking (mean ranks 1.00, 3.00, 2.00) and Senegal's practices.
# (Long-text questions such as 1.1-practices have no figures in the spreadsheet at all.)
AFRICA_HIDDEN = [("1.1", CSO, "1.1-importance"), ("1", MS, "1-ranking"), ("1.1", MS, "1-ranking")]
AFRICA_HIDDEN_TEXT = ["1.00", "2.00", "3.00", "Divergence:", "We map remittance costs"]
NEVER_SHOWN = [CONFIDENTIAL_TEXT, DRAFT_TEXT, "Berlin Helpdesk", "Lyon Draft Group"]


def submitted_and_counted():
    """Submit the hand-built responses as test_aggregation does, then count them in-process."""
    built = build_hand_set()
    aggregates_rebuild(consultation=built.consultation)
    return built


def built_file(consultation, grouping, format) -> bytes:
    report = Report.objects.create(consultation=consultation, grouping=grouping, format=format, language="en")
    report_build(report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    with report.file.open("rb") as file:
        return file.read()


def html_text(content: bytes) -> str:
    # The embedded stylesheet has numbers of its own (line-height: 1.5...): leave it out.
    return re.sub(r"<style>.*?</style>", "", content.decode(), flags=re.DOTALL)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join(node.text or "" for node in document.element.body.iter() if node.tag.endswith("}t"))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


READERS = {"html": html_text, "docx": docx_text, "pdf": pdf_text}


def area_rows(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content))["Area 1"].iter_rows(values_only=True))


def choice_label(consultation, audience, code, value) -> str:
    choices = Choice.objects.filter(
        question__survey__questionnaire__consultation=consultation, question__survey__questionnaire__audience=audience,
        question__code=code, question__is_current=True,
    )
    return choices.get(value=value).label


def xlsx_row(rows, consultation, block, audience, code, value) -> tuple:
    answer = "" if value is None else choice_label(consultation, audience, code, value)
    matches = [row for row in rows
               if row[:3] == (block, str(Audience(audience).label), code) and (row[4] or "") == answer]
    assert len(matches) == 1, (block, audience, code, value, matches)
    return matches[0]


@pytest.fixture
def reports(db):
    """Return the built set and, for the world and Africa, each summary format's file."""
    built = submitted_and_counted()
    africa = built.groupings["m49-002"]
    files = {
        (name, format): built_file(built.consultation, grouping, format)
        for name, grouping in [("world", None), ("africa", africa)]
        for format in SUMMARY_FORMATS
    }
    return built, files


@pytest.mark.parametrize("place,figures", [("world", WORLD_FIGURES), ("africa", AFRICA_FIGURES)])
def test_every_summary_format_shows_the_hand_worked_figures(reports, place, figures):
    built, files = reports
    # Lines wrapped in the PDF and codes isolated for right-to-left readers read as one line here.
    texts = {format: " ".join(re.sub("[\u2066-\u2069]", "", READERS[format](files[place, format])).split())
             for format in TEXT_FORMATS}
    rows = area_rows(files[place, "xlsx"])

    for text, value, (block, audience, code, choice, column) in figures:
        for format, content in texts.items():
            assert text is None or text in content, (place, format, text)
        cell = xlsx_row(rows, built.consultation, block, audience, code, choice)[column]
        assert cell == pytest.approx(value, abs=1e-6), (place, "xlsx", text, cell)


def test_a_small_cell_of_the_region_is_in_no_summary_format(reports):
    built, files = reports
    rows = area_rows(files["africa", "xlsx"])

    for format in TEXT_FORMATS:
        text = READERS[format](files["africa", format])
        assert "not shown" in text, format
        for hidden in AFRICA_HIDDEN_TEXT:
            assert hidden not in text, (format, hidden)
    for block, audience, code in AFRICA_HIDDEN:
        hidden = [row for row in rows if row[:3] == (block, str(Audience(audience).label), code)]
        assert len(hidden) == 1, (block, code, hidden)  # the totals row only: no row per answer
        assert hidden[0][4] == "Not shown: too few respondents."
        assert all(value is None for value in hidden[0][NUMBER:FIRST_PLACE + 1]), hidden[0]
    assert 1 not in [row[RESPONDENTS] for row in rows[3:]]
    assert {row[DIVERGENCE] for row in rows[3:] if row[0] == "1.1"} == {None}
    # Africa's internal figures would be 1 respondent rating 1.0; none of it shows in the shared report.
    assert not [row for row in rows if row[2] == "1.1-importance" and row[NUMBER] is not None]


def test_no_confidential_or_draft_text_is_in_any_summary_format(reports):
    _, files = reports

    for (place, format), content in files.items():
        if format == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(content))
            values = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v]
            text = "\n".join(values)
        else:
            text = READERS[format](content)
        squeezed = re.sub(r"\s+", "", text)
        for secret in NEVER_SHOWN:
            assert secret not in text and re.sub(r"\s+", "", secret) not in squeezed, (place, format, secret)
        if place == "world":  # Excerpts are shown at all: their absence above means something.
            assert "We run a legal clinic" in text, (place, format)


def expected_csv_rows(places: set[str] | None) -> list[dict]:
    """Return the submitted responses as the export should hold them, states then organisations, by name."""
    names = {iso3: STATES[iso3][0] for iso3 in ("FRA", "SEN", "MEX")} | {"DEU": "Germany", "BEL": "Belgium",
                                                                          "GHA": "Ghana"}
    states = [(names[iso3], iso3, MS, publication, answers)
              for iso3, _, publication, submitted, answers in STATE_ANSWERS if submitted]
    organisations = [(name, country, CSO, publication, answers)
                     for name, country, publication, submitted, answers in ORGANISATION_ANSWERS if submitted]
    rows = []
    for group in (states, organisations):
        for name, country, audience, publication, answers in sorted(group):
            if places is not None and country not in places:
                continue
            rows.append({"respondent": name, "country": country, "audience": audience, "publication": publication,
                         **{code: csv_value(value) for code, value in answers.items()}})
    return rows


def csv_value(value) -> str:
    if isinstance(value, dict):  # a ranking: items by rank
        return " > ".join(sorted(value, key=value.get))
    return value


@pytest.mark.parametrize("place,countries", [("world", None), ("africa", {"SEN", "GHA", "SN"})])
def test_the_csv_export_holds_exactly_the_submitted_answers(db, place, countries):
    built = submitted_and_counted()
    grouping = built.groupings["m49-002"] if place == "africa" else None

    content = built_file(built.consultation, grouping, Report.Format.CSV_ANSWERS)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))

    expected = expected_csv_rows(countries)
    codes = [name for name in rows[0] if name not in {"region", "sub-region", "submitted_at", "receipt_number"}]
    assert [{code: row[code] for code in codes if row[code] != ""} for row in rows] == expected
    assert DRAFT_TEXT not in content.decode() and "Nigeria" not in content.decode()
    if place == "world":
        # The figures again, worked out from the exported answers.
        priorities = [int(row["1.1-priority"]) for row in rows if row["audience"] == MS]
        assert (len(priorities), mean(priorities), median(priorities)) == (6, pytest.approx(19 / 6), 3.5)
        supports = [row["1.2-support"] for row in rows if row["audience"] == MS]
        assert supports.count(S) / len(supports) == pytest.approx(4 / 6)
        importance = [int(row["1.1-importance"]) for row in rows if row["audience"] == CSO]
        assert (len(importance), mean(importance)) == (4, 2.5)


def test_key_messages_say_the_stored_hand_worked_figures_and_ties_as_ties(db):
    built = submitted_and_counted()
    world = [plain(message.text) for message in key_messages(regional_summary(built.consultation))]
    africa = [plain(message.text) for message in key_messages(regional_summary(built.consultation, built.groupings["m49-002"]))]

    # The world: 1.2 supported by 4 of 6 states and 1 with reservations; 1.1 by 3 of 6, 1 with reservations.
    assert world[1] == ("Broadest support: 1.2 “Recommendation 1.2.”, supported by 83.3% of the member states that "
                        "answered (66.7% without reservations).")
    assert world[2].startswith("Weakest support: 1.1 “Recommendation 1.1.”, supported by 50.0%")
    # |19/6 - 10/4| = 0.67: the widest gap, under the flag.
    assert "the widest gap is 0.7, on 1.1" in world[3]
    # Africa: 1.1 and 1.2 both at 50.0 %, 1.1 placed first by support without reservations: said, not hidden.
    assert africa[1] == ("Broadest support: 1.1 “Recommendation 1.1.”, supported by 50.0% of the member states that "
                         "answered (50.0% without reservations). One other recommendation has the same share and is "
                         "placed by the tie-breaks (see the method note).")
    assert "0.0% of its member states that answered support it, against 66.7% worldwide" in africa[-1]


def plain(text: str) -> str:
    return re.sub("[\u2066-\u2069]", "", text)
