"""A focal point's offline questionnaire as a Word document: download filled, fill in Word, upload, preview, apply."""

import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.table import _Cell

from consult.models import AuditEvent, Position
from consult.services.answering import position_section_save
from consult.services.imports.offline import OfflineFileError, offline_apply, offline_plan
from consult.services.positions import position_for
from surveys.models import Section

from .test_exports import survey_of
from .test_offline_questionnaire import draft, saved  # noqa: F401 (the fixture of a draft, and a reader of it)


def word_downloaded(client, person, position, language="en") -> bytes:
    client.force_login(person)
    response = client.get(reverse("consult:position-offline-document", kwargs={"position_id": position.pk}),
                          HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-FRA-questionnaire.docx"')
    return b"".join(response.streaming_content)


def answer_cells(document) -> dict:
    """Return each question's answer cell by the code in its grey cell, as a person sees the tables."""
    return {row.cells[0].text: row.cells[1] for table in document.tables for row in table.rows}


def lines(cell) -> list[str]:
    return [paragraph.text for paragraph in cell.paragraphs]


def test_the_document_has_areas_recommendations_and_every_question_filled_with_the_draft(
    client, focal_point_france, draft
):
    document = Document(io.BytesIO(word_downloaded(client, focal_point_france, draft)))

    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    cells = answer_cells(document)
    assert ("Heading 1", "1. Priority area 1") in headings and ("Heading 1", "2. Priority area 2") in headings
    assert ("Heading 2", "Recommendation 1.1") in headings
    current = survey_of(draft.consultation, "member_state").questions.filter(is_current=True)
    assert sorted(cells) == sorted(current.values_list("code", flat=True))
    assert lines(cells["1-overall"]) == ["☒ Support", "☐ Support with reservations", "☐ Do not support"]
    assert lines(cells["1.1-practices"]) == ["A plan"] and lines(cells["1.2-priority"])[0] == "☐ Very low priority"
    assert document.core_properties.identifier == f"offline-questionnaire hld {draft.pk}"
    prompts = [p.text for p in document.paragraphs if p.style.name == "Question"]
    assert "1. Overall, what is your Government’s position on this headline recommendation?" in prompts
    helps = [p.text for p in document.paragraphs if p.style.name == "Answer Help"]
    assert "Optional. Write the answer in the box. 5,000 characters at most." in helps
    assert "1 = very low priority; 5 = very high priority. Mark one with X." in helps


def test_the_arabic_document_is_in_arabic_and_right_to_left(client, focal_point_france, draft):
    document = Document(io.BytesIO(word_downloaded(client, focal_point_france, draft, language="ar")))

    labels = [p for p in document.paragraphs if p.style.name in ("List Bullet", "Heading 2")]
    assert labels and all(p._p.pPr.find(qn("w:bidi")) is not None for p in labels)
    assert any("التوصية" in p.text for p in labels)
    assert document.core_properties.language == "ar"


def test_a_text_with_line_breaks_and_characters_no_document_holds_is_written_line_by_line(
    client, focal_point_france, draft
):
    section = Section.objects.get(survey=survey_of(draft.consultation, "member_state"), code="1")
    position_section_save(position=draft, section=section, expected_version=1, actor=focal_point_france,
                          cleaned_data={"1.1-practices": "First line\n\n<b>Third</b> & \"quoted\"\tend"})
    answers = draft.response.answers.filter(question__code="1.1-practices")
    answers.update(text="First line\n\n<b>Third</b>\x01 & \"quoted\"\tend")  # stored before text was cleaned

    cells = answer_cells(Document(io.BytesIO(word_downloaded(client, focal_point_france, draft))))

    assert lines(cells["1.1-practices"]) == ["First line", "", "<b>Third</b> & \"quoted\"\tend"]



def filled(content: bytes, edit) -> bytes:
    """Return the document after `edit(answer cells by code)` has changed it, as a person would in Word."""
    document = Document(io.BytesIO(content))
    edit(answer_cells(document))
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def put(cell, label: str, mark: str) -> None:
    """Put the mark ("X", "☐", "2") in front of the choice's label, in place of what was there."""
    paragraph = next(p for p in cell.paragraphs if p.text.split(" ", 1)[1] == label)
    paragraph.text = f"{mark} {label}"


def write(cell, *paragraphs: str) -> None:
    """Replace the cell's text by these paragraphs (Enter between them; "\\n" in one is Shift+Enter)."""
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    cell.paragraphs[0].text = paragraphs[0]
    for text in paragraphs[1:]:
        cell.add_paragraph(text)


def uploaded(client, position, content: bytes, name="filled.docx") -> str:
    url = reverse("consult:position-offline-upload", kwargs={"position_id": position.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content)}).content.decode()


def person_fills(cells) -> None:
    put(cells["1-overall"], "Support", "☐")
    put(cells["1-overall"], "Do not support", "X")
    put(cells["1.1-priority"], "High priority", "☐ x")  # an x typed after the box
    cells["1.2-priority"].add_paragraph("Medium priority")  # a choice's label typed on a line of its own
    put(cells["1-ranking"], "Recommendation 1.1.", "2")
    put(cells["1-ranking"], "Recommendation 1.2.", "1")
    write(cells["1.1-practices"], "A plan, revised & <kept>", "", "Second paragraph\nafter a line break\tand a tab")


def test_a_document_filled_in_word_previews_exactly_its_changes_then_goes_into_the_draft(
    client, focal_point_france, draft
):
    content = filled(word_downloaded(client, focal_point_france, draft), person_fills)

    page = uploaded(client, draft, content)

    assert "5 answers to change, 0 conflicts" in page and "A plan, revised &amp; &lt;kept&gt;" in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert [row.split('dir="ltr">')[1].split("<")[0] for row in rows.split("<tr>")[1:]] == [
        "1-overall", "1.1-priority", "1.1-practices", "1.2-priority", "1-ranking"]
    assert saved(draft, "1-overall") == "support"
    response = client.post(reverse("consult:position-offline-upload", kwargs={"position_id": draft.pk}),
                           {"content": page.split('name="content" value="')[1].split('"')[0],
                            "filename": "filled.docx"})
    assert response.status_code == 302
    assert saved(draft, "1-overall") == "do_not_support" and saved(draft, "1.1-priority") == "4"
    assert saved(draft, "1.2-priority") == "3" and saved(draft, "1-ranking") == {"1.2": 1, "1.1": 2}
    assert saved(draft, "1.1-practices") == ("A plan, revised & <kept>\n\nSecond paragraph\nafter a line break"
                                             "\tand a tab")
    position = Position.objects.get(pk=draft.pk)
    assert position.status == "draft"
    assert position.events.get(action="offline_applied").comment == "5 answers from filled.docx"
    assert AuditEvent.objects.get(action="offline_applied").details == {
        "filename": "filled.docx", "answers": 5, "conflicts": 0}


def test_the_document_downloaded_again_holds_the_applied_answers_unchanged(client, focal_point_france, draft):
    content = filled(word_downloaded(client, focal_point_france, draft), person_fills)
    offline_apply(position=draft, content=content, actor=focal_point_france, filename="filled.docx")

    again = word_downloaded(client, focal_point_france, draft)

    assert offline_plan(position=draft, content=again).changes == []
    assert lines(answer_cells(Document(io.BytesIO(again)))["1.1-practices"]) == [
        "A plan, revised & <kept>", "", "Second paragraph", "after a line break\tand a tab"]


def test_an_answer_changed_on_the_site_since_the_download_is_a_conflict_left_as_it_is(
    client, focal_point_france, draft
):
    def edit(cells):
        put(cells["1-overall"], "Support", "☐")
        put(cells["1-overall"], "Support with reservations", "☒")
        write(cells["1.1-practices"], "From the ministry")

    content = filled(word_downloaded(client, focal_point_france, draft), edit)
    section = Section.objects.get(survey=survey_of(draft.consultation, "member_state"), code="1")
    position_section_save(position=draft, section=section, expected_version=1, actor=focal_point_france,
                          cleaned_data={"1-overall": "do_not_support"})

    plan = offline_apply(position=draft, content=content, actor=focal_point_france, filename="filled.docx")

    assert [(change.question.code, change.is_conflict) for change in plan.changes] == [
        ("1-overall", True), ("1.1-practices", False)]
    assert saved(draft, "1-overall") == "do_not_support" and saved(draft, "1.1-practices") == "From the ministry"


def refusal(position, content: bytes, filename="filled.docx") -> list[str]:
    with pytest.raises(OfflineFileError) as refused:
        offline_plan(position=position, content=content, filename=filename)
    return refused.value.errors


def test_bad_documents_are_refused_naming_the_question_and_nothing_changes(
    client, focal_point_france, draft, senegal
):
    content = word_downloaded(client, focal_point_france, draft)

    def unknown_choice(cells):
        cells["1-overall"].add_paragraph("Perhaps")

    def two_marked(cells):
        put(cells["1.1-support"], "Support", "X")
        put(cells["1.1-support"], "Do not support", "☒")

    def too_long(cells):
        write(cells["1.1-practices"], "a" * 5001)

    def code_edited(cells):
        code_cell = cells["1.2-support"]._tc.getparent().find(qn("w:tc"))
        _Cell(code_cell, None).paragraphs[0].text = "1.2-supports"

    def question_removed(cells):
        table = cells["2-overall"]._tc.getparent().getparent()
        table.getparent().remove(table)

    def not_a_mark(cells):
        put(cells["1.2-implementation"], "Planned", "?")

    assert refusal(draft, filled(content, unknown_choice)) == [
        "Question 1: “Perhaps” is not a choice of 1-overall (Support; Support with reservations; Do not support)."]
    assert refusal(draft, filled(content, two_marked)) == [
        "Question 4: 1.1-support has several choices marked (Support; Do not support); mark only one."]
    assert refusal(draft, filled(content, too_long)) == [
        "Question 5: the answer to 1.1-practices is longer than 5000 characters."]
    assert refusal(draft, filled(content, code_edited)) == [
        "Question 8: “1.2-supports” is not a question of this questionnaire; the file's structure was changed.",
        "The question 1.2-support is missing from the file; the file's structure was changed."]
    assert refusal(draft, filled(content, question_removed))[-1] == (
        "The question 2-overall is missing from the file; the file's structure was changed.")
    assert refusal(draft, filled(content, not_a_mark)) == [
        "Question 7: “?” in front of a choice of 1.2-implementation is not a mark: mark a choice with X."]
    assert refusal(position_for(consultation=draft.consultation, member_state=senegal), content) == [
        "This file is the questionnaire of another position or consultation."]
    assert refusal(draft, b"PK\x03\x04 not a document") == [
        "This is not a Word document (.docx): save it in Word as “Word Document” and upload it again."]
    stream = io.BytesIO()
    Document().save(stream)
    assert refusal(draft, stream.getvalue()) == ["This is not an offline questionnaire downloaded from this site."]
    with pytest.raises(OfflineFileError):
        offline_apply(position=draft, content=filled(content, two_marked), actor=focal_point_france)
    assert saved(draft, "1-overall") == "support" and saved(draft, "1.1-practices") == "A plan"
    assert not draft.events.filter(action="offline_applied").exists()


def test_the_upload_page_names_what_is_wrong_and_takes_word_and_spreadsheet_files_only(
    client, focal_point_france, draft
):
    content = word_downloaded(client, focal_point_france, draft)

    page = uploaded(client, draft, filled(content, lambda cells: cells["1-overall"].add_paragraph("Perhaps")))
    refused = uploaded(client, draft, content, name="questionnaire.doc")

    assert "The file cannot be used: nothing was changed" in page and "“Perhaps” is not a choice of 1-overall" in page
    assert "Upload a file of one of these kinds: .docx, .xlsx." in refused


def test_only_the_states_focal_points_upload_and_not_once_the_position_is_locked(
    client, focal_point_france, focal_point_senegal, draft
):
    content = filled(word_downloaded(client, focal_point_france, draft), person_fills)
    url = reverse("consult:position-offline-upload", kwargs={"position_id": draft.pk})

    client.force_login(focal_point_senegal)
    assert client.post(url, {"file": SimpleUploadedFile("filled.docx", content)}).status_code == 404
    Position.objects.filter(pk=draft.pk).update(status="ready_for_review")
    client.force_login(focal_point_france)
    response = client.post(url, {"file": SimpleUploadedFile("filled.docx", content)}, follow=True)

    assert "Locked while under review" in response.content.decode()
    assert saved(draft, "1-overall") == "support" and "answers to change" not in response.content.decode()


def test_a_document_saved_again_by_libreoffice_is_read_the_same(client, focal_point_france, draft, tmp_path):
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice not found: install Debian's libreoffice-writer-nogui (apt-get install libreoffice-writer-nogui).")
    (tmp_path / "filled.docx").write_bytes(filled(word_downloaded(client, focal_point_france, draft), person_fills))

    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "saved"), str(tmp_path / "filled.docx")],
                   check=True, capture_output=True, timeout=180)

    plan = offline_plan(position=draft, content=(tmp_path / "saved" / "filled.docx").read_bytes())
    assert [change.question.code for change in plan.applicable] == [
        "1-overall", "1.1-priority", "1.1-practices", "1.2-priority", "1-ranking"]
    assert plan.changes[2].yours == "A plan, revised & <kept>\n\nSecond paragraph\nafter a line break\tand a tab"
