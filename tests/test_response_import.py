"""Importing responses from the layout export_responses writes: round trip, matching, refusals, idempotence."""

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from consult.models import AuditEvent, CivilSocietyOrganisation, Consultation, Position, PositionEvent
from consult.services.exports import RESPONDENT_COLUMNS, responses_export_csv
from consult.services.imports.responses import ResponseImportError, responses_import, responses_import_plan
from consult.services.positions import position_for
from surveys.models import Answer, Question, Response

from .factories import make_member_state, make_organisation, make_question
from .test_exports import submit, survey_of


@pytest.fixture
def answered(consultation):
    """Two submitted states and two submitted organisations, with every kind of answer."""
    survey = survey_of(consultation, "member_state")
    make_question(survey, "1.1-channels", Question.Type.MULTIPLE_CHOICE, ("radio", "press", "online"), order=2)
    make_question(survey, "1.1-budget", Question.Type.NUMBER, (), order=2)
    france, senegal = make_member_state("FRA"), make_member_state("SEN")
    submit(position_for(consultation=consultation, member_state=france), {
        "1-overall": "support", "1.1-priority": "4", "1.1-channels": ["online", "radio"],
        "1.1-budget": Decimal("-12.50"), "1.1-practices": '=HYPERLINK("x")\nA plan, "agreed"; ٱلعربية 中文',
        "1-ranking": {"1.2": 1, "1.1": 2},
    }, receipt_number="HLD-FRA-1")
    submit(position_for(consultation=consultation, member_state=senegal), {"1-overall": "do_not_support"},
           publication="confidential")
    forum = make_organisation(name="Diaspora Forum", country="FR", accreditation="accredited")
    submit(position_for(consultation=consultation, organisation=forum),
           {"1-overall": "support", "1.1-importance": "5", "1-ranking": {"1.1": 1, "1.2": 2}}, publication="anonymous")
    submit(position_for(consultation=consultation, organisation=make_organisation(name="Dakar Aid")),
           {"1.1-own_work": "+ Training for 40 people"})
    return consultation


def exported(consultation, format="csv", tmp_path=None, **options) -> bytes:
    if format == "xlsx":
        path = tmp_path / "responses.xlsx"
        call_command("export_responses", consultation.slug, format="xlsx", output=str(path), **options)
        return path.read_bytes()
    stream = io.StringIO()
    responses_export_csv(consultation=consultation, stream=stream, **options)
    return stream.getvalue().encode()


def imported(consultation, content, filename="responses.csv", **options):
    return responses_import(consultation=consultation, filename=filename, file=io.BytesIO(content), **options)


def fresh_copy_of(consultation, tmp_path):
    """Remove the consultation and its responses, and bring back its paper and questions alone."""
    document = io.StringIO()
    call_command("export_consultation", consultation.slug, stdout=document)
    positions = Position.objects.filter(consultation=consultation)
    responses = list(positions.values_list("response_id", flat=True))
    positions.delete()
    Response.objects.filter(pk__in=responses).delete()
    consultation.delete()
    path = tmp_path / "consultation.json"
    path.write_text(document.getvalue())
    call_command("import_consultation", str(path), stdout=io.StringIO())
    return Consultation.objects.get(slug=json.loads(document.getvalue())["slug"])


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def csv_bytes(rows) -> bytes:
    stream = io.StringIO()
    csv.writer(stream).writerows(rows)
    return stream.getvalue().encode()


def test_csv_round_trip_into_a_fresh_consultation_exports_the_same_bytes(answered, tmp_path):
    before = exported(answered)
    fresh = fresh_copy_of(answered, tmp_path)

    plan = imported(fresh, before)

    assert plan.created == 4 and exported(fresh) == before


def test_xlsx_round_trip_into_a_fresh_consultation_exports_the_same_rows(answered, tmp_path):
    from openpyxl import load_workbook

    before = exported(answered, "xlsx", tmp_path)
    fresh = fresh_copy_of(answered, tmp_path)
    imported(fresh, before, filename="responses.xlsx")
    after = exported(fresh, "xlsx", tmp_path)

    def values(content):
        return [list(row) for row in load_workbook(io.BytesIO(content)).active.values]

    assert values(after) == values(before) and len(values(after)) == 5


def test_importing_the_same_file_twice_changes_nothing(answered, tmp_path):
    content = exported(answered)
    fresh = fresh_copy_of(answered, tmp_path)
    imported(fresh, content)
    counts = (Position.objects.count(), Answer.objects.count(), PositionEvent.objects.count(),
              AuditEvent.objects.count(), CivilSocietyOrganisation.objects.count())
    answer_ids = set(Answer.objects.values_list("pk", flat=True))

    plan = imported(fresh, content)

    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 4)
    assert (Position.objects.count(), Answer.objects.count(), PositionEvent.objects.count(),
            AuditEvent.objects.count(), CivilSocietyOrganisation.objects.count()) == counts
    assert set(Answer.objects.values_list("pk", flat=True)) == answer_ids


def test_reimporting_a_consultations_own_export_changes_nothing(answered):
    plan = imported(answered, exported(answered))

    assert plan.unchanged == 4 and plan.changes == 0


def test_states_match_by_iso_code_and_organisations_by_name_unknown_ones_pending(consultation):
    make_member_state("MEX")
    known = make_organisation(name="Red de Migrantes", country="MX", accreditation="accredited")
    rows = [
        [*RESPONDENT_COLUMNS, "1-overall"],
        ["Mexique (any name)", "MX", "", "", "member_state", "", "", "", "support"],
        ["red de migrantes", "MX", "", "", "civil_society", "attributed", "", "", "support"],
        ["Nouvelle Association", "SN", "", "", "civil_society", "", "", "", "support_with_reservations"],
    ]

    plan = imported(consultation, csv_bytes(rows))

    mexico = Position.objects.get(member_state__iso3="MEX")
    assert mexico.status == "submitted" and mexico.receipt_number.startswith("HLD-MEX-")
    assert mexico.publication == consultation.member_state_publication
    assert Position.objects.get(organisation=known).publication == "attributed"
    new = CivilSocietyOrganisation.objects.get(name="Nouvelle Association")
    assert (new.accreditation, new.country.code) == ("pending", "SN")
    assert Position.objects.get(organisation=new).publication == "confidential"
    assert plan.new_organisations == 1
    assert mexico.events.filter(action="imported", comment="responses.csv, line 2").exists()
    event = AuditEvent.objects.get(action="responses_imported")
    assert event.details["created"] == 3 and event.details["filename"] == "responses.csv"


def test_bad_lines_are_listed_with_their_numbers_and_nothing_is_written(consultation):
    make_member_state("FRA")
    rows = [
        [*RESPONDENT_COLUMNS, "1-overall", "1.1-priority", "1.1-practices"],
        ["France", "FRA", "", "", "member_state", "", "", "", "support", "4", "fine"],
        ["Nowhere", "XXX", "", "", "member_state", "", "", "", "maybe", "9", ""],
        ["Org", "FR", "", "", "civil_society", "public", "yesterday", "", "", "", "state-only text"],
        ["Org", "FR", "", "", "donors", "", "", "", "", "", ""],
    ]
    counts = (Position.objects.count(), Answer.objects.count(), CivilSocietyOrganisation.objects.count())

    with pytest.raises(ResponseImportError) as refused:
        imported(consultation, csv_bytes(rows))

    errors = refused.value.errors
    assert [error.split(":")[0] for error in errors] == ["Line 3", "Line 4", "Line 5"]
    assert "“XXX” is not the ISO code" in errors[0] and "“maybe” is not a choice of 1-overall" in errors[0]
    assert "“9” is not a choice of 1.1-priority" in errors[0]
    assert "1.1-practices is not a question for Civil society" in errors[1] and "publication" in errors[1]
    assert "not a date and time" in errors[1]
    assert "audience must be" in errors[2]
    assert (Position.objects.count(), Answer.objects.count(), CivilSocietyOrganisation.objects.count()) == counts


def test_a_file_wrong_on_every_line_lists_the_first_200_and_counts_the_others(consultation):
    rows = [[*RESPONDENT_COLUMNS, "1-overall"]]
    rows += [[f"Nowhere {number}", "XXX", "", "", "member_state", "", "", "", "support"] for number in range(250)]

    with pytest.raises(ResponseImportError) as refused:
        imported(consultation, csv_bytes(rows))

    errors = refused.value.errors
    assert len(errors) == 201 and errors[0].startswith("Line 2: ") and errors[199].startswith("Line 201: ")
    assert errors[200] == "… and 50 more lines."


def test_unknown_question_columns_are_refused_on_line_one(consultation):
    rows = [[*RESPONDENT_COLUMNS, "1-overall", "9.9-priority"], ["France", "FRA", "", "", "member_state"]]

    with pytest.raises(ResponseImportError) as refused:
        imported(consultation, csv_bytes(rows))

    assert refused.value.errors == ["Line 1: “9.9-priority” is not a question of this consultation."]


def test_a_file_not_in_the_export_layout_is_refused(consultation):
    with pytest.raises(ResponseImportError) as refused:
        imported(consultation, b"name,email\nx,y\n")
    assert "must start with the columns respondent, country" in refused.value.errors[0]
    with pytest.raises(ResponseImportError) as refused:
        imported(consultation, b"\xff\xfe\x00binary", filename="r.csv")
    assert "neither UTF-8 text nor an XLSX workbook" in refused.value.errors[0]


def test_a_respondent_twice_in_one_file_is_refused(consultation):
    make_member_state("FRA")
    line = ["France", "FRA", "", "", "member_state", "", "", "", "support"]
    with pytest.raises(ResponseImportError) as refused:
        imported(consultation, csv_bytes([[*RESPONDENT_COLUMNS, "1-overall"], line, line]))
    assert refused.value.errors == ["Line 3: France already answers on line 2."]


def test_a_position_made_on_the_site_is_never_overwritten(consultation, france):
    position_for(consultation=consultation, member_state=france).response.answers.create(
        question=Question.objects.get(survey=survey_of(consultation, "member_state"), code="1.1-practices"),
        text="our draft",
    )
    rows = [[*RESPONDENT_COLUMNS, "1-overall"], ["France", "FRA", "", "", "member_state", "", "", "", "support"]]

    with pytest.raises(ResponseImportError) as refused:
        imported(consultation, csv_bytes(rows))

    assert "France already has a position made on the site (Draft)" in refused.value.errors[0]
    assert Answer.objects.get().text == "our draft"


def test_a_corrected_file_updates_what_an_earlier_import_wrote(consultation, france):
    header = [*RESPONDENT_COLUMNS, "1-overall", "1.1-priority"]
    imported(consultation, csv_bytes([header, ["France", "FRA", "", "", "member_state", "", "", "", "support", "2"]]))
    receipt = Position.objects.get().receipt_number

    plan = imported(consultation, csv_bytes([header, ["France", "FRA", "", "", "member_state", "", "", "", "support", ""]]))

    assert plan.updated == 1
    position = Position.objects.get()
    assert position.receipt_number == receipt
    assert list(position.response.answers.values_list("question__code", flat=True)) == ["1-overall"]


def test_a_receipt_number_held_elsewhere_is_replaced_with_a_notice(answered, tmp_path):
    content = exported(answered)
    other = fresh_copy_of_keeping(answered, tmp_path)

    plan = imported(other, content)

    assert any("HLD-FRA-1 belongs to another response" in notice for notice in plan.notices)
    assert Position.objects.get(consultation=other, member_state__iso3="FRA").receipt_number != "HLD-FRA-1"
    again = imported(other, content)
    assert (again.unchanged, again.changes, again.notices) == (4, 0, [])


def fresh_copy_of_keeping(consultation, tmp_path):
    document = io.StringIO()
    call_command("export_consultation", consultation.slug, stdout=document)
    path = tmp_path / "consultation.json"
    path.write_text(document.getvalue())
    call_command("import_consultation", str(path), consultation="copy", stdout=io.StringIO())
    return Consultation.objects.get(slug="copy")


def test_the_audience_option_imports_only_that_audiences_lines(answered, tmp_path):
    content = exported(answered)
    fresh = fresh_copy_of(answered, tmp_path)

    plan = imported(fresh, content, audience="civil_society")

    assert (plan.created, plan.skipped) == (2, 2)
    assert set(Position.objects.values_list("audience", flat=True)) == {"civil_society"}


def test_xlsx_with_numbers_and_dates_as_cells(consultation, france, tmp_path):
    from datetime import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*RESPONDENT_COLUMNS, "1.1-priority"])
    sheet.append(["France", "FRA", None, None, "member_state", "attributed", datetime(2013, 10, 3, 14, 30), None, 4.0])
    path = tmp_path / "paper.xlsx"
    workbook.save(path)

    with path.open("rb") as file:
        responses_import(consultation=consultation, filename="paper.xlsx", file=file)

    position = Position.objects.get()
    assert position.submitted_at.isoformat() == "2013-10-03T14:30:00+00:00"
    assert position.response.answers.get().choice.value == "4"


def test_command_dry_run_writes_nothing_and_errors_exit_non_zero(answered, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_bytes(exported(answered))
    fresh = fresh_copy_of(answered, tmp_path)
    out = io.StringIO()

    call_command("import_responses", fresh.slug, str(path), dry_run=True, stdout=out)

    assert out.getvalue().startswith("Would import: 4 responses new") and not Position.objects.exists()
    call_command("import_responses", fresh.slug, str(path), stdout=out)
    assert Position.objects.count() == 4
    path.write_bytes(csv_bytes([[*RESPONDENT_COLUMNS, "zz"]]))
    with pytest.raises(CommandError, match="Line 1: “zz” is not a question"):
        call_command("import_responses", fresh.slug, str(path))


def test_command_imports_an_xlsx_file(answered, tmp_path):
    exported(answered, "xlsx", tmp_path)
    fresh = fresh_copy_of(answered, tmp_path)
    out = io.StringIO()

    call_command("import_responses", fresh.slug, str(tmp_path / "responses.xlsx"), stdout=out)

    assert out.getvalue().startswith("Imported: 4 responses new") and Position.objects.count() == 4


class RecordedReads(io.BytesIO):
    """A file that records how many bytes each read gave."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.reads = []

    def read(self, size=-1):
        data = super().read(size)
        self.reads.append(len(data))
        return data

    def read1(self, size=-1):
        data = super().read1(size)
        self.reads.append(len(data))
        return data


def test_the_file_is_read_a_buffer_at_a_time_never_whole(consultation):
    rows = [[*RESPONDENT_COLUMNS, "1-overall"]]
    rows += [[f"Association {number}", "SN", "", "", "civil_society", "", "", "", "support"] for number in range(2500)]
    content = csv_bytes(rows)
    file = RecordedReads(content)

    plan = responses_import_plan(consultation=consultation, filename="responses.csv", file=file)

    assert (plan.lines, plan.created, plan.new_organisations) == (2500, 2500, 2500)
    assert sum(file.reads) >= len(content) and max(file.reads) < len(content) // 10


# The page ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files are kept in the media storage until confirmed."""
    settings.MEDIA_ROOT = tmp_path


def upload(client, consultation, content, name="responses.csv", **data):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    file = SimpleUploadedFile(name, content)
    return client.post(reverse("consult:response-import", kwargs={"slug": consultation.slug}), {"file": file, **data})


def test_page_previews_then_imports_on_confirmation_once(client, officer, answered, tmp_path):
    from consult.models import ResponseImport

    content = exported(answered)
    fresh = fresh_copy_of(answered, tmp_path)
    client.force_login(officer)

    preview_url = upload(client, fresh, content)["Location"]
    page = client.get(preview_url).content.decode()

    assert "<dt class=\"col-sm-5 col-lg-3\">New responses</dt><dd class=\"col-sm-7 col-lg-9\">4</dd>" in page
    assert "Diaspora Forum" in page and not Position.objects.exists()
    response = client.post(preview_url)
    assert response.status_code == 302 and Position.objects.count() == 4
    stored = ResponseImport.objects.get()
    assert stored.imported_at is not None and stored.file.read() == content
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert AuditEvent.objects.get(action="responses_imported").actor == officer
    client.post(preview_url)
    assert Position.objects.count() == 4 and PositionEvent.objects.filter(action="imported").count() == 4


def test_deleting_a_consultation_deletes_its_uploads_and_reports_files_once_committed(
    client, officer, consultation, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from consult.models import Report, ResponseImport

    client.force_login(officer)
    upload(client, consultation, csv_bytes([RESPONDENT_COLUMNS]))
    report = Report.objects.create(consultation=consultation, format="pdf", language="en")
    report.file.save("summary.pdf", ContentFile(b"%PDF-1.7"))
    files = [Path(ResponseImport.objects.get().file.path), Path(report.file.path)]
    assert all(path.is_file() for path in files)

    with django_capture_on_commit_callbacks(execute=False) as waiting:
        Consultation.objects.filter(pk=consultation.pk).delete()
    assert all(path.is_file() for path in files)  # not before the deletion is committed
    for callback in waiting:
        callback()

    assert not any(path.exists() for path in files)


def test_page_lists_the_wrong_lines_and_offers_no_confirmation(client, officer, consultation):
    client.force_login(officer)
    rows = [[*RESPONDENT_COLUMNS, "1-overall"], ["<b>X</b>", "ZZZ", "", "", "member_state", "", "", "", "support"]]

    page = client.get(upload(client, consultation, csv_bytes(rows))["Location"]).content.decode()

    assert "Line 2: “ZZZ” is not the ISO code of a member state." in page
    assert "Confirm the import" not in page and "<b>X</b>" not in page


def test_page_refuses_other_kinds_of_file(client, officer, consultation):
    client.force_login(officer)

    response = upload(client, consultation, b"%PDF-1.4", name="responses.pdf")

    assert response.status_code == 200 and "Upload a file of one of these kinds: .csv, .xlsx." in response.content.decode()


def test_page_is_for_the_secretariat_only(client, focal_point_france, consultation):
    client.force_login(focal_point_france)

    assert upload(client, consultation, b"x").status_code == 403


def test_a_file_is_read_in_chunks_and_a_late_wrong_line_undoes_the_earlier_chunks(answered, tmp_path, monkeypatch):
    from consult.services.imports import responses

    monkeypatch.setattr(responses, "CHUNK", 2)
    content = exported(answered)
    fresh = fresh_copy_of(answered, tmp_path)
    rows = rows_of(content)
    bad = [*rows, [rows[1][0], *rows[1][1:]]]  # France again, in the third chunk
    organisations = CivilSocietyOrganisation.objects.count()

    with pytest.raises(ResponseImportError) as refused:
        imported(fresh, csv_bytes(bad))

    assert refused.value.errors == ["Line 6: France already answers on line 2."]
    assert not Position.objects.exists() and CivilSocietyOrganisation.objects.count() == organisations
    assert imported(fresh, content).created == 4 and exported(fresh) == content
