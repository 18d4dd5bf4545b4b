"""Importing a position paper into a consultation: the services and the management command."""

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from docx import Document

from consult.models import Audience, Consultation, PositionPaper, PriorityArea, Questionnaire, Recommendation
from consult.services.papers import position_paper_confirm, position_paper_import, position_paper_upload
from surveys.models import Answer, Response

from .factories import make_consultation, make_question, make_survey

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
REAL_PAPER = ROOT / "consult" / "fixtures" / "iom-hld-2013-position-paper.fr.md"
PAPERS = Path(__file__).resolve().parent / "papers"
RECOMMENDATION_3_2 = (
    "Œuvrer à l'élaboration d'un plus grand nombre d'accords bilatéraux et régionaux visant à faciliter la "
    "transférabilité des prestations de sécurité sociale et autres prestations pertinentes."
)
RECOMMENDATION_6_5 = (
    "- Engager les Etats à veiller au financement continu des initiatives de migration et développement, "
    "surtout dans le contexte de la récession économique mondiale.\n"
)


def revised_paper(old: str, new: str) -> bytes:
    text = REAL_PAPER.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new).encode()


def paper_without_area_6() -> bytes:
    text = REAL_PAPER.read_text(encoding="utf-8")
    return text[: text.index("## 6. PROMOUVOIR")].encode()


def import_paper(consultation, content: bytes | None = None):
    content = REAL_PAPER.read_bytes() if content is None else content
    return position_paper_import(consultation=consultation, filename=REAL_PAPER.name, content=content)


def recommendations(consultation) -> dict[str, Recommendation]:
    found = Recommendation.objects.filter(area__consultation=consultation).order_by("area__number", "position")
    return {recommendation.code: recommendation for recommendation in found}


def answer(consultation, reference: str) -> None:
    """Give an answer to a question made from `reference` in the consultation's member-state survey."""
    survey = make_survey(language=consultation.language)
    Questionnaire.objects.create(consultation=consultation, audience=Audience.MEMBER_STATE, survey=survey)
    question = make_question(survey, code=f"{reference}-support", reference=reference)
    response = Response.objects.create(survey=survey, status=Response.Status.SUBMITTED)
    Answer.objects.create(response=response, question=question, choice=question.choices.first())


def row_counts() -> list[int]:
    return [model.objects.count() for model in (Consultation, PriorityArea, Recommendation, PositionPaper)]


@pytest.fixture
def consultation():
    return make_consultation(slug="hld-2013", language="fr")


# The service --------------------------------------------------------------------------------


def test_import_creates_six_areas_and_thirty_recommendations_with_codes(consultation):
    result = import_paper(consultation)
    sizes = enumerate([5, 6, 5, 4, 5, 5], start=1)
    expected = [f"{area}.{position}" for area, size in sizes for position in range(1, size + 1)]
    assert list(recommendations(consultation)) == expected
    assert (result.areas_created, result.recommendations_created) == (6, 30)
    assert consultation.areas.get(number=1).title == "Améliorer l'image des migrants dans l'opinion"


def test_import_records_the_paper_with_its_checksum(consultation, officer):
    position_paper_import(
        consultation=consultation, filename=REAL_PAPER.name, content=REAL_PAPER.read_bytes(), user=officer
    )
    paper = consultation.papers.get()
    assert paper.sha256 == hashlib.sha256(REAL_PAPER.read_bytes()).hexdigest()
    assert paper.imported_at is not None and paper.uploaded_by == officer


def test_reimporting_the_same_paper_changes_nothing(consultation):
    import_paper(consultation)
    before = {code: (r.pk, r.text) for code, r in recommendations(consultation).items()}
    result = import_paper(consultation)
    assert result.recommendations_unchanged == 30
    assert (result.areas_created, result.areas_updated, result.areas_deleted) == (0, 0, 0)
    assert (result.recommendations_created, result.recommendations_updated) == (0, 0)
    assert (result.recommendations_withdrawn, result.recommendations_deleted) == (0, 0)
    assert {code: (r.pk, r.text) for code, r in recommendations(consultation).items()} == before
    assert row_counts() == [1, 6, 30, 1]


def test_revised_paper_updates_text_in_place_and_keeps_codes(consultation):
    import_paper(consultation)
    before = recommendations(consultation)["3.2"]
    new_text = RECOMMENDATION_3_2.replace("pertinentes.", "pertinentes, y compris pour les travailleurs temporaires.")
    result = import_paper(consultation, revised_paper(RECOMMENDATION_3_2, new_text))
    after = recommendations(consultation)["3.2"]
    assert (after.pk, after.text) == (before.pk, new_text)
    assert (result.recommendations_updated, result.recommendations_unchanged) == (1, 29)


def test_revised_area_title_updates_the_area(consultation):
    import_paper(consultation)
    revision = revised_paper("### 3. PROTÉGER LES DROITS", "### 3. PROTÉGER ET PROMOUVOIR LES DROITS")
    result = import_paper(consultation, revision)
    assert consultation.areas.get(number=3).title == "Protéger et promouvoir les droits humains de tous les migrants"
    assert result.areas_updated == 1


def test_removed_recommendation_without_answers_is_deleted(consultation):
    import_paper(consultation)
    result = import_paper(consultation, revised_paper(RECOMMENDATION_6_5, ""))
    assert "6.5" not in recommendations(consultation)
    assert (result.recommendations_deleted, result.recommendations_withdrawn) == (1, 0)


def test_removed_recommendation_with_answers_is_withdrawn(consultation):
    import_paper(consultation)
    answer(consultation, "6.5")
    result = import_paper(consultation, revised_paper(RECOMMENDATION_6_5, ""))
    assert recommendations(consultation)["6.5"].status == Recommendation.Status.WITHDRAWN
    assert (result.recommendations_deleted, result.recommendations_withdrawn) == (0, 1)


def test_withdrawn_recommendation_back_in_the_paper_is_active_again(consultation):
    import_paper(consultation)
    answer(consultation, "6.5")
    import_paper(consultation, revised_paper(RECOMMENDATION_6_5, ""))
    result = import_paper(consultation)
    assert recommendations(consultation)["6.5"].status == Recommendation.Status.ACTIVE
    assert result.recommendations_updated == 1


def test_removed_area_without_answers_is_deleted(consultation):
    import_paper(consultation)
    result = import_paper(consultation, paper_without_area_6())
    assert list(consultation.areas.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert (result.areas_deleted, result.recommendations_deleted) == (1, 5)


def test_removed_area_with_answers_stays_with_its_answered_recommendation_withdrawn(consultation):
    import_paper(consultation)
    answer(consultation, "6.2")
    result = import_paper(consultation, paper_without_area_6())
    assert [r.status for code, r in recommendations(consultation).items() if code.startswith("6.")] == ["withdrawn"]
    assert (result.areas_deleted, result.recommendations_deleted, result.recommendations_withdrawn) == (0, 4, 1)
    assert consultation.areas.get(number=6).status == PriorityArea.Status.WITHDRAWN
    assert result.areas_withdrawn == 1


def test_withdrawn_area_back_in_the_paper_is_active_again(consultation):
    import_paper(consultation)
    answer(consultation, "6")
    import_paper(consultation, paper_without_area_6())
    assert consultation.areas.get(number=6).status == PriorityArea.Status.WITHDRAWN

    import_paper(consultation)

    assert consultation.areas.get(number=6).status == PriorityArea.Status.ACTIVE
    assert all(r.status == "active" for code, r in recommendations(consultation).items())


def test_upload_keeps_the_file_and_writes_nothing_else(consultation, officer):
    paper, outline = position_paper_upload(
        consultation=consultation, filename=REAL_PAPER.name, content=REAL_PAPER.read_bytes(), user=officer
    )
    assert len(outline.areas) == 6 and outline.recommendation_count == 30
    assert (paper.imported_at, paper.uploaded_by) == (None, officer)
    assert not consultation.areas.exists()


def test_confirm_imports_the_uploaded_paper(consultation, officer):
    paper, _outline = position_paper_upload(
        consultation=consultation, filename=REAL_PAPER.name, content=REAL_PAPER.read_bytes(), user=officer
    )
    result = position_paper_confirm(paper=PositionPaper.objects.get(pk=paper.pk))
    paper.refresh_from_db()
    assert (result.areas_created, result.recommendations_created) == (6, 30)
    assert paper.imported_at is not None
    assert len(recommendations(consultation)) == 30


def test_summary_gives_the_counts_on_one_line(consultation):
    summary = import_paper(consultation).summary()
    assert summary.startswith("areas: 6 created, 0 updated, 0 withdrawn, 0 deleted; recommendations: 30 created")
    assert "\n" not in summary


# The command --------------------------------------------------------------------------------


def run_command(path, *args, **options) -> str:
    out = io.StringIO()
    call_command("import_position_paper", str(path), *args, stdout=out, **options)
    return out.getvalue()


def test_command_creates_the_consultation_from_the_paper():
    output = run_command(REAL_PAPER, consultation="hld")
    consultation = Consultation.objects.get(slug="hld")
    assert consultation.language == "fr"
    assert consultation.title.startswith("Dialogue de haut niveau sur les migrations internationales")
    assert len(recommendations(consultation)) == 30
    assert "recommendations: 30 created" in output
    assert "4. Gerer la migration dans les situations de crise: 4 recommendations" in output


def test_command_run_twice_creates_nothing_twice():
    run_command(REAL_PAPER, consultation="hld")
    output = run_command(REAL_PAPER, consultation="hld")
    assert "30 unchanged" in output
    assert row_counts() == [1, 6, 30, 1]


def test_command_updates_title_and_language_of_an_existing_consultation(consultation):
    run_command(REAL_PAPER, consultation=consultation.slug, title="HLD 2013", language="en")
    consultation.refresh_from_db()
    assert (consultation.title, consultation.language) == ("HLD 2013", "en")


def test_command_titles_a_consultation_by_file_name_when_the_paper_has_no_heading():
    run_command(PAPERS / "es-recomendaciones.md", consultation="oim-es")
    consultation = Consultation.objects.get(slug="oim-es")
    assert (consultation.title, consultation.language) == ("es-recomendaciones", "es")
    assert list(recommendations(consultation)) == ["1.1", "1.2", "1.3", "2.1", "2.2"]


def test_command_imports_a_word_paper(tmp_path):
    document = Document()
    document.add_heading("Recommendations", level=1)
    document.add_heading("Improve migration data", level=2)
    document.add_paragraph("Develop comparable indicators.", style="List Bullet")
    document.add_paragraph("Invest in research capacity.", style="List Bullet")
    document.save(tmp_path / "paper.docx")
    run_command(tmp_path / "paper.docx", consultation="word", language="en")
    assert recommendations(Consultation.objects.get(slug="word"))["1.2"].text == "Invest in research capacity."


BAD_FILES = {
    "empty": ("paper.md", b""),
    "binary": ("paper.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    "word not a zip": ("paper.docx", b"Just some text called .docx"),
    "unsupported": ("paper.pdf", b"%PDF-1.4"),
    "no part": ("paper.md", b"# Paper\n\n## Background\n\n- A bullet.\n"),
    "no area": ("paper.md", b"# Paper\n\n## Recommendations\n\n- A bullet.\n"),
}


@pytest.mark.parametrize("filename, content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_command_refuses_a_bad_paper_and_writes_nothing(tmp_path, consultation, filename, content):
    (tmp_path / filename).write_bytes(content)
    before = row_counts()
    with pytest.raises(CommandError, match=filename):
        run_command(tmp_path / filename, consultation="new-consultation")
    with pytest.raises(CommandError):
        run_command(tmp_path / filename, consultation=consultation.slug)
    assert row_counts() == before


def test_command_refuses_a_paper_over_the_size_limit(tmp_path):
    path = tmp_path / "huge.md"
    path.write_bytes(REAL_PAPER.read_bytes().ljust(settings.POSITION_PAPER_MAX_BYTES + 1, b" "))
    with pytest.raises(CommandError, match="too large"):
        run_command(path, consultation="huge")
    assert row_counts() == [0, 0, 0, 0]


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.md"):
        run_command(tmp_path / "missing.md", consultation="missing")
    assert row_counts() == [0, 0, 0, 0]


def test_command_refuses_an_invalid_slug():
    with pytest.raises(CommandError, match="not a valid slug"):
        run_command(REAL_PAPER, consultation="not a slug")
    assert row_counts() == [0, 0, 0, 0]
