import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consult.models import Audience, Consultation, QuestionTemplate, Recommendation
from consult.services.questions import questions_generate
from surveys.models import Answer, Question, Response

from .factories import make_area, make_consultation, make_paper_consultation, make_recommendation

TEMPLATES_JSON = Path(__file__).resolve().parent.parent / "consult" / "fixtures" / "question_templates.json"
LANGUAGES = {"ar", "zh", "en", "fr", "ru", "es"}

pytestmark = pytest.mark.django_db


def current_questions(consultation, audience=Audience.MEMBER_STATE):
    survey = consultation.questionnaires.get(audience=audience).survey
    return survey.questions.filter(is_current=True).order_by("order")


def question(consultation, code, audience=Audience.MEMBER_STATE):
    return current_questions(consultation, audience).get(code=code)


def answer(question):
    """Give the question one answer, as a respondent would."""
    response = Response.objects.create(survey=question.survey)
    return Answer.objects.create(response=response, question=question, choice=question.choices.first(), text="x")


def edit_template(key, text, audience=Audience.MEMBER_STATE, language="en"):
    QuestionTemplate.objects.filter(key=key, audience=audience, language=language).update(text=text)


def test_french_paper_yields_french_questions_quoting_the_recommendation():
    consultation = make_consultation(language="fr")
    area = make_area(consultation, 3, title="Droits de l’homme de tous les migrants")
    make_recommendation(area, 2, text="Promouvoir l’accès des migrants à la santé.")
    make_recommendation(area, 3, text="Lutter contre la traite des personnes.")

    questions_generate(consultation=consultation)

    text = question(consultation, "3.2-priority").text
    assert text.startswith("Recommandation 3.2\u00a0: «\u00a0Promouvoir l’accès des migrants à la santé.\u00a0»")
    assert "Quelle priorité votre gouvernement accorde-t-il à cette recommandation" in text
    assert question(consultation, "3.2-importance", Audience.CIVIL_SOCIETY).text.startswith("Recommandation 3.2")
    assert consultation.questionnaires.get(audience=Audience.MEMBER_STATE).survey.language == "fr"


def test_english_paper_yields_english_questions():
    consultation = make_paper_consultation(areas=1, recommendations=2, language="en")

    questions_generate(consultation=consultation)

    text = question(consultation, "1.2-implementation").text
    assert text.startswith("Recommendation 1.2: “Recommendation 1.2.”")
    assert "status of implementation of this recommendation in your country" in text
    labels = list(question(consultation, "1.2-implementation").choices.values_list("label", flat=True))
    assert labels == ["Not started", "Planned", "In progress", "Implemented", "Not applicable"]


def test_arabic_paper_yields_arabic_questions():
    consultation = make_consultation(language="ar")
    area = make_area(consultation, 1, title="صورة المهاجرين", headline="تحسين صورة المهاجرين في الرأي العام.")
    make_recommendation(area, 1, text="مكافحة التمييز ضد المهاجرين.")
    make_recommendation(area, 2, text="دعم وسائط الإعلام.")

    questions_generate(consultation=consultation)

    assert question(consultation, "1.1-support").text.startswith("التوصية 1.1: «مكافحة التمييز ضد المهاجرين.»")
    assert "«تحسين صورة المهاجرين في الرأي العام.»" in question(consultation, "1-overall").text
    assert question(consultation, "1-ranking").text.startswith("المجال ذو الأولوية 1: صورة المهاجرين")


def test_a_language_without_a_template_falls_back_to_english():
    QuestionTemplate.objects.filter(key="priority", language="zh").delete()
    consultation = make_paper_consultation(areas=1, recommendations=2, language="zh")

    questions_generate(consultation=consultation)

    assert question(consultation, "1.1-priority").text.startswith("Recommendation 1.1")
    assert question(consultation, "1.1-support").text.startswith("建议1.1")


def test_defaults_give_four_questions_per_recommendation_to_states_and_three_to_civil_society():
    areas, per_area = 3, 4
    consultation = make_paper_consultation(areas=areas, recommendations=per_area)
    recommendations = areas * per_area

    result = questions_generate(consultation=consultation)

    assert current_questions(consultation).count() == 4 * recommendations + 2 * areas
    assert current_questions(consultation, Audience.CIVIL_SOCIETY).count() == 3 * recommendations + 2 * areas
    assert result.created == 7 * recommendations + 4 * areas
    assert consultation.questionnaires.get(audience=Audience.MEMBER_STATE).survey.sections.count() == areas


def test_every_question_keeps_the_code_of_its_recommendation():
    consultation = make_paper_consultation(areas=2, recommendations=3)
    codes = set(Recommendation.objects.filter(area__consultation=consultation).values_list("code", flat=True))

    questions_generate(consultation=consultation)

    for audience in Audience.values:
        for generated in current_questions(consultation, audience):
            assert re.fullmatch(r"\d+(\.\d+)?-[a-z_]+", generated.code)
            assert generated.code.startswith(f"{generated.reference}-")
            assert generated.reference in codes or generated.reference in {"1", "2"}
            assert generated.section.code == generated.reference.split(".")[0]


def test_questions_follow_areas_then_recommendations_then_template_order():
    consultation = make_paper_consultation(areas=2, recommendations=2)

    questions_generate(consultation=consultation)

    codes = list(current_questions(consultation).values_list("code", flat=True))
    assert codes[:5] == ["1-overall", "1.1-priority", "1.1-implementation", "1.1-support", "1.1-practices"]
    assert codes[5] == "1.2-priority"
    assert codes[8:11] == ["1.2-practices", "1-ranking", "2-overall"]


def test_ranking_items_are_the_areas_recommendations():
    consultation = make_paper_consultation(areas=2, recommendations=3)

    questions_generate(consultation=consultation)

    ranking = question(consultation, "2-ranking", Audience.CIVIL_SOCIETY)
    assert ranking.type == Question.Type.RANKING
    assert list(ranking.choices.values_list("value", "label")) == [
        ("2.1", "Recommendation 2.1."),
        ("2.2", "Recommendation 2.2."),
        ("2.3", "Recommendation 2.3."),
    ]


def test_regenerating_changes_nothing():
    consultation = make_paper_consultation(areas=2, recommendations=3)
    questions_generate(consultation=consultation)
    before = list(Question.objects.values_list("pk", "code", "version", "is_current", "text", "order"))

    result = questions_generate(consultation=consultation)

    assert (result.created, result.updated, result.versioned, result.retired) == (0, 0, 0, 0)
    assert result.unchanged == len(before)
    assert list(Question.objects.values_list("pk", "code", "version", "is_current", "text", "order")) == before


def test_regenerating_takes_the_same_queries_however_large_the_paper():
    def regeneration_queries(consultation):
        questions_generate(consultation=consultation)
        with CaptureQueriesContext(connection) as context:
            questions_generate(consultation=consultation)
        return len(context)

    small = make_paper_consultation(areas=1, recommendations=2)
    large = make_paper_consultation(areas=4, recommendations=5)
    assert regeneration_queries(large) == regeneration_queries(small)


def test_editing_a_template_updates_unanswered_questions_in_place():
    consultation = make_paper_consultation(areas=1, recommendations=2)
    questions_generate(consultation=consultation)
    before = question(consultation, "1.1-priority")

    edit_template("priority", "{code} «{text}»: how urgent is it for your Government?")
    result = questions_generate(consultation=consultation)

    after = question(consultation, "1.1-priority")
    assert (after.pk, after.version) == (before.pk, 1)
    assert after.text == "1.1 «Recommendation 1.1.»: how urgent is it for your Government?"
    assert (result.updated, result.versioned, result.created) == (2, 0, 0)


def test_new_choices_replace_the_old_ones_of_an_unanswered_question():
    consultation = make_paper_consultation(areas=1, recommendations=2)
    questions_generate(consultation=consultation)
    template = QuestionTemplate.objects.get(key="support", audience=Audience.MEMBER_STATE, language="en")
    template.choices = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]
    template.save()

    questions_generate(consultation=consultation)

    assert list(question(consultation, "1.2-support").choices.values_list("value", flat=True)) == ["yes", "no"]


def test_a_question_with_answers_is_never_rewritten_but_versioned():
    consultation = make_paper_consultation(areas=1, recommendations=2)
    questions_generate(consultation=consultation)
    answered = question(consultation, "1.1-priority")
    given = answer(answered)

    edit_template("priority", "Recommendation {code}: “{text}”\nHow urgent is it for your Government?")
    result = questions_generate(consultation=consultation)

    answered.refresh_from_db()
    assert answered.is_current is False and answered.version == 1
    assert answered.text.endswith("What priority does your Government give to this recommendation?")
    assert list(answered.answers.all()) == [given]
    assert answered.choices.count() == 5
    new = question(consultation, "1.1-priority")
    assert new.pk != answered.pk and new.version == 2 and new.text.endswith("How urgent is it for your Government?")
    assert (result.versioned, result.updated) == (1, 1)


def test_withdrawn_recommendation_loses_its_unanswered_questions_and_retires_answered_ones():
    consultation = make_paper_consultation(areas=1, recommendations=3)
    questions_generate(consultation=consultation)
    answered = question(consultation, "1.1-support")
    answer(answered)

    Recommendation.objects.filter(area__consultation=consultation, code="1.1").update(status="withdrawn")
    result = questions_generate(consultation=consultation)

    survey = answered.survey
    assert list(survey.questions.filter(reference="1.1").values_list("code", "is_current")) == [("1.1-support", False)]
    assert list(question(consultation, "1-ranking").choices.values_list("value", flat=True)) == ["1.2", "1.3"]
    assert result.retired == 4 + 3  # the state's four questions on 1.1 and civil society's three


def test_withdrawn_area_loses_its_area_questions():
    consultation = make_paper_consultation(areas=2, recommendations=2)
    questions_generate(consultation=consultation)
    answer(question(consultation, "2-overall"))

    consultation.areas.filter(number=2).update(status="withdrawn")
    Recommendation.objects.filter(area__consultation=consultation, area__number=2).update(status="withdrawn")
    questions_generate(consultation=consultation)

    live = set(current_questions(consultation).values_list("reference", flat=True))
    assert live == {"1", "1.1", "1.2"}
    assert Question.objects.get(code="2-overall", survey__questionnaire__audience="member_state").is_current is False


def test_deleted_recommendation_loses_its_questions():
    consultation = make_paper_consultation(areas=1, recommendations=3)
    questions_generate(consultation=consultation)

    Recommendation.objects.filter(area__consultation=consultation, code="1.3").delete()
    questions_generate(consultation=consultation)

    assert not Question.objects.filter(survey__questionnaire__consultation=consultation, reference="1.3").exists()


def test_a_recommendation_that_comes_back_continues_its_version_numbering():
    consultation = make_paper_consultation(areas=1, recommendations=2)
    questions_generate(consultation=consultation)
    answer(question(consultation, "1.2-support"))
    withdrawn = Recommendation.objects.filter(area__consultation=consultation, code="1.2")
    withdrawn.update(status="withdrawn")
    questions_generate(consultation=consultation)

    withdrawn.update(status="active")
    questions_generate(consultation=consultation)

    assert question(consultation, "1.2-support").version == 2
    assert question(consultation, "1.2-priority").version == 1


def test_deactivated_template_removes_its_questions():
    consultation = make_paper_consultation(areas=2, recommendations=2)
    questions_generate(consultation=consultation)

    QuestionTemplate.objects.filter(key="own_work", audience=Audience.CIVIL_SOCIETY, language="en").update(
        is_active=False
    )
    result = questions_generate(consultation=consultation)

    assert not current_questions(consultation, Audience.CIVIL_SOCIETY).filter(code__endswith="-own_work").exists()
    assert result.retired == 4


def test_area_gone_from_the_paper_takes_its_section_and_questions_along():
    consultation = make_paper_consultation(areas=2, recommendations=2)
    questions_generate(consultation=consultation)

    consultation.areas.get(number=2).delete()
    questions_generate(consultation=consultation)

    survey = consultation.questionnaires.get(audience=Audience.MEMBER_STATE).survey
    assert set(survey.questions.values_list("reference", flat=True)) == {"1", "1.1", "1.2"}
    assert list(survey.sections.values_list("code", flat=True)) == ["1"]


def test_a_flushed_database_gets_the_default_templates_back():
    QuestionTemplate.objects.all().delete()
    consultation = make_paper_consultation(areas=1, recommendations=2, language="es")

    questions_generate(consultation=consultation)

    assert QuestionTemplate.objects.count() == 66
    assert question(consultation, "1.1-priority").text.startswith("Recomendación 1.1: «Recommendation 1.1.»")


def test_command_prints_the_summary(capsys):
    consultation = make_paper_consultation(areas=1, recommendations=2, slug="hld-2013")

    call_command("generate_questions", "hld-2013")

    assert "Questions: 18 created, 0 updated, 0 versioned, 0 retired, 0 unchanged." in capsys.readouterr().out
    assert consultation.questionnaires.count() == 2


def test_command_rejects_an_unknown_slug():
    with pytest.raises(CommandError, match="no-such-consultation"):
        call_command("generate_questions", "no-such-consultation")
    assert not Consultation.objects.exists()


def test_every_template_exists_in_all_six_languages_with_the_same_choice_values():
    entries = json.loads(TEMPLATES_JSON.read_text(encoding="utf-8"))
    by_template = {}
    for entry in entries:
        by_template.setdefault((entry["audience"], entry["key"]), {})[entry["language"]] = entry

    assert len(by_template) == 11
    for versions in by_template.values():
        assert set(versions) == LANGUAGES
        shapes = {(e["scope"], e["type"], e["required"], e["max_length"], e["order"]) for e in versions.values()}
        values = {tuple(choice["value"] for choice in e["choices"]) for e in versions.values()}
        assert len(shapes) == 1 and len(values) == 1
        assert all(choice["label"] for e in versions.values() for choice in e["choices"])


def test_every_template_quotes_what_it_asks_about():
    placeholders = {
        "recommendation": ("{code}", "{text}"),
        "area": ("{area_number}", "{area_title}"),
        "headline": ("{area_number}", "{headline}"),
    }
    for entry in json.loads(TEMPLATES_JSON.read_text(encoding="utf-8")):
        assert all(placeholder in entry["text"] for placeholder in placeholders[entry["scope"]]), entry


def test_the_migration_loaded_every_default_template():
    entries = json.loads(TEMPLATES_JSON.read_text(encoding="utf-8"))
    assert QuestionTemplate.objects.filter(is_active=True).count() == len(entries) == 66
