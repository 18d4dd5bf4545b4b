"""A focal point's offline questionnaire as a Word document: download filled, fill in Word, upload, preview, apply."""

import io

from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from consult.services.answering import position_section_save
from surveys.models import Section

from .test_exports import survey_of
from .test_offline_questionnaire import draft  # noqa: F401 (the fixture of a draft)


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

