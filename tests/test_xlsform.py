"""XLSForm export: the sheets of the standard, every language, rank, required and constraints; pyxform converts it cleanly."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from consult.services.xlsform import question_name
from surveys.models import Question, QuestionTranslation

from .factories import make_member_state


def form(consultation, tmp_path, **options):
    path = tmp_path / "form.xlsx"
    call_command("export_xlsform", consultation.slug, output=str(path), stdout=io.StringIO(), **options)
    return path


def sheet_rows(path, title):
    rows = list(load_workbook(path)[title].values)
    return [dict(zip(rows[0], row)) for row in rows[1:]]


@pytest.fixture
def translated(consultation):
    """The consultation (in English) with one question and its choices translated into French."""
    make_member_state("FRA")
    make_member_state("SEN")
    question = Question.objects.get(survey__questionnaire__consultation=consultation,
                                    survey__questionnaire__audience="member_state", code="1-overall")
    QuestionTranslation.objects.create(
        question=question, language="fr", text="Soutenez-vous cette recommandation ?",
        choice_labels={"support": "Soutien"},
    )
    return consultation


@pytest.mark.parametrize("audience", ["member_state", "civil_society"])
def test_pyxform_converts_the_form_with_no_warning(translated, tmp_path, audience):
    path = form(translated, tmp_path, audience=audience)
    warnings = []

    result = convert(xlsform=str(path), warnings=warnings)

    assert warnings == [] and result.warnings == []
    assert "<h:title>High-Level Dialogue consultation" in result.xform
    assert f'jr:constraintMsg="jr:itext(' in result.xform or "constraintMsg" in result.xform


def test_labels_come_in_every_language_the_source_standing_in_for_missing_ones(translated, tmp_path):
    path = form(translated, tmp_path, audience="member_state", language="fr")
    survey = {row["name"]: row for row in sheet_rows(path, "survey")}
    choices = sheet_rows(path, "choices")
    settings = sheet_rows(path, "settings")[0]

    overall = survey[question_name("1-overall")]
    assert overall["label::French (fr)"] == "Soutenez-vous cette recommandation ?"
    assert overall["label::English (en)"].startswith("Priority area 1, headline recommendation")
    priority = survey[question_name("1.1-priority")]
    assert priority["label::French (fr)"] == priority["label::English (en)"]
    support = next(row for row in choices if row["list_name"] == "q_1_overall" and row["name"] == "support")
    assert support["label::French (fr)"] == "Soutien"
    assert settings["default_language"] == "French (fr)" and settings["form_id"] == "hld-member_state"
    state = next(row for row in choices if row["list_name"] == "member_states" and row["name"] == "SEN")
    assert state["label::English (en)"] == "Senegal"


def test_types_required_and_constraints(translated, tmp_path):
    survey = {row["name"]: row for row in sheet_rows(form(translated, tmp_path, audience="member_state"), "survey")}

    assert survey["q_1_ranking"]["type"] == "rank q_1_ranking"
    assert survey["q_1_1_priority"]["type"] == "select_one q_1_1_priority"
    assert survey["q_1_1_priority"]["required"] == "yes"
    practices = survey["q_1_1_practices"]
    assert practices["type"] == "text" and practices["appearance"] == "multiline"
    limit = Question.objects.get(survey__questionnaire__audience="member_state", code="1.1-practices").text_limit()
    assert practices["constraint"] == f"string-length(.) <= {limit}"
    assert practices["constraint_message::English (en)"] == f"{limit} characters at most."
    assert practices["constraint_message::French (fr)"] == f"{limit} caractères au plus."
    assert survey["country"]["type"] == "select_one member_states" and survey["publication"]["required"] == "yes"


def test_the_xform_has_the_rank_and_translations(translated, tmp_path):
    xform = convert(xlsform=str(form(translated, tmp_path, audience="member_state")), warnings=[]).xform

    assert 'lang="French (fr)"' in xform and 'lang="English (en)"' in xform
    assert "odk:rank" in xform and 'required="true()"' in xform


def test_command_refuses_a_questionnaire_without_questions(consultation, tmp_path):
    Question.objects.all().update(is_current=False)
    with pytest.raises(CommandError, match="no questions yet"):
        form(consultation, tmp_path, audience="member_state")


def test_the_questionnaire_page_offers_the_download(client, officer, translated):
    client.force_login(officer)
    url = reverse("consult:questionnaire-xlsform", kwargs={"slug": "hld", "audience": "civil_society"})

    response = client.get(url)

    assert response.status_code == 200 and response["Content-Disposition"].endswith('hld-civil_society-xlsform.xlsx"')
    page = client.get(reverse("consult:questionnaire-detail", kwargs={"slug": "hld", "audience": "civil_society"}))
    assert url in page.content.decode()
