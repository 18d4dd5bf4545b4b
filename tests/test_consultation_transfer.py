"""Export a consultation as JSON and import it back under a new slug."""

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from consult.models import Consultation, PriorityArea, Questionnaire, Recommendation
from consult.services.transfer import TransferError, consultation_export, consultation_import
from surveys.models import Choice, Question, Section, Survey

from .factories import make_area, make_consultation, make_question, make_recommendation, make_survey

SCALE = [("1", "Pas prioritaire"), ("2", "Peu prioritaire"), ("3", "Prioritaire"), ("4", "Très prioritaire")]
SUPPORT = [("support", "Soutien"), ("reservations", "Soutien avec réserves"), ("oppose", "Pas de soutien")]


def make_questionnaire(consultation, audience, areas):
    """Return a French survey for the audience, one section per area, as the generator lays it out."""
    survey = make_survey(title=f"Questionnaire {audience}", language="fr")
    Questionnaire.objects.create(consultation=consultation, audience=audience, survey=survey)
    sections = {
        area.number: Section.objects.create(survey=survey, code=area.code, title=area.title, order=area.number)
        for area in areas
    }
    return survey, sections


def ask(survey, section, code, type, reference, choices=(), **kwargs):
    question = make_question(survey, code, type, choices=(), section=section, reference=reference, **kwargs)
    for order, (value, label) in enumerate(choices):
        Choice.objects.create(question=question, value=value, label=label, order=order)
    return question


@pytest.fixture
def consultation(db):
    """A French consultation: two areas, a withdrawn recommendation, both audiences' questionnaires."""
    consultation = make_consultation(
        slug="dialogue-2013",
        title="Dialogue de haut niveau 2013 : consultation des États",
        language="fr",
        description="Position de l’OIM — « migrations et développement ».",
        status=Consultation.Status.OPEN,
    )
    areas = [
        make_area(consultation, 1, title="Image des migrants", headline="Améliorer l’image des migrants.",
                  context="Exemple : campagnes d’information."),
        make_area(consultation, 2, title="Intégrer la migration", headline="Intégrer la migration au développement."),
    ]
    first = make_recommendation(areas[0], 1, text="Lutter contre la xénophobie « ordinaire ».")
    second = make_recommendation(areas[0], 2, text="Associer les diasporas aux politiques.")
    ranked = [(first.code, first.text), (second.code, second.text)]
    make_recommendation(areas[1], 1, text="Prendre en compte la mobilité dans les plans nationaux.")
    make_recommendation(areas[1], 2, text="Créer des données fiables.", status=Recommendation.Status.WITHDRAWN)

    survey, sections = make_questionnaire(consultation, "member_state", areas)
    ask(survey, sections[1], "1.1-priority", "scale", "1.1", SCALE, order=10, required=True,
        text="Quelle priorité votre gouvernement accorde-t-il à « 1.1 » ?", help_text="Échelle de 1 à 4.")
    ask(survey, sections[1], "1.1-support", "single_choice", "1.1", SUPPORT, order=20, text="Soutien à 1.1 ?")
    ask(survey, sections[1], "1.1-practices", "long_text", "1.1", order=30, max_length=5000,
        text="Politiques nationales, bonnes pratiques ou obstacles ?")
    ask(survey, sections[1], "1-ranking", "ranking", "1", ranked, order=40, text="Classez les recommandations.")
    ask(survey, sections[2], "2.1-priority", "scale", "2.1", SCALE, order=50, text="Priorité de « 2.1 » ?")
    old = ask(survey, sections[2], "2.2-priority", "scale", "2.2", SCALE, order=60, text="Ancienne version périmée")
    Question.objects.filter(pk=old.pk).update(is_current=False)
    ask(survey, sections[2], "2.2-priority", "scale", "2.2", SCALE, order=60, version=2, text="Priorité de « 2.2 » ?")

    survey, sections = make_questionnaire(consultation, "civil_society", areas)
    ask(survey, sections[1], "1.2-importance", "scale", "1.2", SCALE, order=10, text="Importance pour vous ?")
    ask(survey, sections[2], "2-ranking", "ranking", "2", order=20, text="Classez les recommandations du domaine 2.")
    return consultation


def row_counts():
    models = [Consultation, PriorityArea, Recommendation, Questionnaire, Survey, Section, Question, Choice]
    return {model.__name__: model.objects.count() for model in models}


def without_slug(document):
    return {key: value for key, value in document.items() if key != "slug"}


def exported_json(slug):
    out = io.StringIO()
    call_command("export_consultation", slug, stdout=out)
    return out.getvalue()


def test_round_trip_under_a_new_slug_gives_the_same_document(consultation):
    document = consultation_export(consultation=consultation)

    copy = consultation_import(document=document, slug="dialogue-2013-copie")

    assert copy.slug == "dialogue-2013-copie"
    again = consultation_export(consultation=copy)
    assert again["slug"] == "dialogue-2013-copie"
    assert without_slug(again) == without_slug(document)


def test_command_round_trip_through_a_file(consultation, tmp_path):
    path = tmp_path / "dialogue.json"
    with path.open("w", encoding="utf-8") as file:
        call_command("export_consultation", "dialogue-2013", stdout=file)
    assert "Très prioritaire" in path.read_text(encoding="utf-8")

    out = io.StringIO()
    call_command("import_consultation", str(path), "--consultation", "copie", stdout=out)

    assert out.getvalue().strip() == "copie: 2 areas, 4 recommendations, 2 surveys, 8 questions"
    original = json.loads(path.read_text(encoding="utf-8"))
    assert without_slug(json.loads(exported_json("copie"))) == without_slug(original)


def test_import_reads_standard_input(consultation, monkeypatch):
    data = exported_json("dialogue-2013").encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))

    call_command("import_consultation", "-", "--consultation", "depuis-stdin", stdout=io.StringIO())

    assert Consultation.objects.get(slug="depuis-stdin").title == consultation.title


def test_export_is_byte_identical_and_keeps_non_ascii(consultation):
    first = exported_json("dialogue-2013")

    assert first == exported_json("dialogue-2013")
    assert "« 1.1 »" in first and "\\u00" not in first
    assert first.startswith('{\n  "slug": "dialogue-2013",\n  "title"')


def test_export_has_the_schema_keys_in_a_fixed_order(consultation):
    document = consultation_export(consultation=consultation)

    assert list(document) == ["slug", "title", "language", "description", "status", "areas", "surveys"]
    assert list(document["areas"][0]) == ["number", "title", "headline", "context", "status", "recommendations"]
    assert list(document["areas"][0]["recommendations"][0]) == ["code", "text", "status"]
    assert list(document["surveys"][0]) == ["audience", "language", "questions"]
    assert list(document["surveys"][0]["questions"][0]) == [
        "code", "area", "recommendation", "type", "text", "choices",
        "choice_values", "help_text", "required", "max_length",
    ]  # fmt: skip


def test_export_content(consultation):
    document = consultation_export(consultation=consultation)

    assert [area["number"] for area in document["areas"]] == [1, 2]
    assert document["areas"][1]["recommendations"][1] == {
        "code": "2.2", "text": "Créer des données fiables.", "status": "withdrawn"
    }  # fmt: skip
    member_states, civil_society = document["surveys"]
    assert (member_states["audience"], civil_society["audience"]) == ("member_state", "civil_society")
    priority, support, practices, ranking = member_states["questions"][:4]
    assert priority["choices"] == ["Pas prioritaire", "Peu prioritaire", "Prioritaire", "Très prioritaire"]
    assert (priority["area"], priority["recommendation"], priority["required"]) == (1, "1.1", True)
    assert support["choice_values"] == ["support", "reservations", "oppose"]
    assert (practices["type"], practices["choices"], practices["max_length"]) == ("long_text", [], 5000)
    assert (ranking["code"], ranking["area"], ranking["recommendation"]) == ("1-ranking", 1, None)
    assert ranking["choice_values"] == ["1.1", "1.2"]


def test_export_leaves_out_old_question_versions(consultation):
    document = consultation_export(consultation=consultation)

    questions = document["surveys"][0]["questions"]
    assert [q["code"] for q in questions].count("2.2-priority") == 1
    assert "Ancienne version périmée" not in json.dumps(document, ensure_ascii=False)


def test_export_of_an_unknown_slug_is_a_command_error(db):
    with pytest.raises(CommandError, match="no consultation 'nulle-part'"):
        call_command("export_consultation", "nulle-part", stdout=io.StringIO())


def test_import_derives_choice_values_when_the_document_has_none(consultation):
    document = consultation_export(consultation=consultation)
    for question in document["surveys"][0]["questions"]:
        del question["choice_values"]

    copy = consultation_import(document=document, slug="sans-valeurs")

    survey = copy.questionnaires.get(audience="member_state").survey
    values = survey.questions.get(code="1.1-support").choices.values_list("value", flat=True)
    assert list(values) == ["soutien", "soutien-avec-reserves", "pas-de-soutien"]
    scale = survey.questions.get(code="1.1-priority").choices.values_list("value", flat=True)
    assert list(scale) == ["1", "2", "3", "4"]
    ranking = survey.questions.get(code="1-ranking").choices.values_list("value", flat=True)
    assert list(ranking) == ["1.1", "1.2"]


def test_import_refuses_an_existing_slug(consultation):
    document = consultation_export(consultation=consultation)
    before = row_counts()

    with pytest.raises(TransferError, match="consultation 'dialogue-2013' already exists"):
        consultation_import(document=document)

    assert row_counts() == before


def test_import_command_refuses_invalid_json(consultation, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"slug": "x",', encoding="utf-8")
    before = row_counts()

    with pytest.raises(CommandError, match=r"broken.json: invalid JSON at line 1, column 14"):
        call_command("import_consultation", str(path), stdout=io.StringIO())

    assert row_counts() == before


def test_import_command_refuses_an_existing_slug_in_one_line(consultation, tmp_path):
    path = tmp_path / "dialogue.json"
    path.write_text(exported_json("dialogue-2013"), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("import_consultation", str(path), stdout=io.StringIO())

    assert str(error.value) == f"{path}: consultation 'dialogue-2013' already exists"


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: d.pop("title"), 'document: missing "title"'),
        (lambda d: d["areas"][1]["recommendations"][0].pop("code"), 'areas[1].recommendations[0]: missing "code"'),
        (lambda d: d["surveys"][0]["questions"][2].update(type="slider"),
         "surveys[0].questions[2].type: unknown question type 'slider'"),
        (lambda d: d["surveys"][1].update(audience="press"), "surveys[1].audience: unknown audience 'press'"),
        (lambda d: d["areas"][1]["recommendations"][0].update(code="3.1"),
         "areas[1].recommendations[0].code: '3.1' does not match its area 2"),
        (lambda d: d["surveys"][0]["questions"][0].update(recommendation="2.1"),
         "surveys[0].questions[0].recommendation: '2.1' is not a recommendation of area 1"),
        (lambda d: d["surveys"][0]["questions"][1].update(code="1.1-priority"),
         "surveys[0].questions[1]: duplicate question code '1.1-priority'"),
        (lambda d: d["areas"][0].update(number="1"), "areas[0].number: expected an integer, got '1'"),
        (lambda d: d["surveys"][0]["questions"][0]["choice_values"].pop(),
         "surveys[0].questions[0].choice_values: 3 values for 4 choices"),
    ],
    ids=["title", "code", "type", "audience", "area-code", "question-area", "duplicate", "number", "values"],
)
def test_import_refuses_a_faulty_document_naming_the_fault(consultation, damage, message):
    document = consultation_export(consultation=consultation)
    damage(document)
    before = row_counts()

    with pytest.raises(TransferError) as error:
        consultation_import(document=document, slug="jamais-creee")

    assert str(error.value).startswith(message)
    assert row_counts() == before


def test_import_command_reports_a_faulty_document_in_one_line(consultation, tmp_path):
    document = consultation_export(consultation=consultation)
    document["surveys"][0]["questions"][0]["type"] = "slider"
    path = tmp_path / "faulty.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = row_counts()

    with pytest.raises(CommandError) as error:
        call_command("import_consultation", str(path), "--consultation", "jamais", stdout=io.StringIO())

    assert "surveys[0].questions[0].type: unknown question type 'slider'" in str(error.value)
    assert "\n" not in str(error.value)
    assert row_counts() == before
