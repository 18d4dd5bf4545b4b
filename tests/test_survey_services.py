"""Saving pages of answers with an optimistic lock, what is missing, and submission."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Answer, Question, Response, ResponseSection, Section
from surveys.selectors import section_progress, section_questions
from surveys.services import (
    StaleSection,
    response_missing,
    response_section_initial,
    response_section_save,
    response_submit,
)
from surveys.signals import response_submitted

from .factories import make_question, make_survey

Type = Question.Type


@pytest.fixture
def survey(db):
    """A survey of two pages: one of every kind of answer, and one more page."""
    survey = make_survey()
    first = Section.objects.create(survey=survey, code="1", title="One", order=1)
    second = Section.objects.create(survey=survey, code="2", title="Two", order=2)
    make_question(survey, code="choice", section=first, choices=("yes", "no"), required=True, order=1)
    make_question(survey, code="many", type=Type.MULTIPLE_CHOICE, section=first, choices=("a", "b", "c"), order=2)
    make_question(survey, code="rank", type=Type.RANKING, section=first, choices=("x", "y"), order=3)
    make_question(survey, code="number", type=Type.NUMBER, section=first, choices=(), order=4)
    make_question(survey, code="text", type=Type.LONG_TEXT, section=first, choices=(), order=5)
    make_question(survey, code="other", section=second, choices=("yes", "no"), required=True)
    return survey


@pytest.fixture
def response(survey):
    return Response.objects.create(survey=survey)


def page(survey, code):
    return survey.sections.get(code=code)


ANSWERS = {"choice": "no", "many": ["a", "c"], "rank": {"x": 2, "y": 1}, "number": Decimal("12.5"), "text": "Détail"}


def save(response, code, cleaned_data, version=0, user=None):
    section = page(response.survey, code)
    return response_section_save(
        response=response, section=section, cleaned_data=cleaned_data, expected_version=version, user=user
    )


def test_a_saved_page_comes_back_as_it_was_typed(response):
    saved = save(response, "1", ANSWERS)

    assert saved.version == 1
    assert saved.saved_at is not None
    assert response_section_initial(response, page(response.survey, "1")) == ANSWERS


def test_choices_and_rankings_are_one_row_per_item(response):
    save(response, "1", ANSWERS)

    rows = Answer.objects.filter(response=response, question__code__in=["many", "rank"])
    assert sorted(rows.values_list("question__code", "choice__value", "rank")) == [
        ("many", "a", None), ("many", "c", None), ("rank", "x", 2), ("rank", "y", 1),
    ]


def test_saving_again_replaces_the_page_answers(response):
    save(response, "1", ANSWERS)

    save(response, "1", {**ANSWERS, "many": ["b"], "text": ""}, version=1)

    values = response_section_initial(response, page(response.survey, "1"))
    assert values["many"] == ["b"]
    assert "text" not in values


def answer_ids(response) -> dict[tuple, int]:
    rows = Answer.objects.filter(response=response).values_list("question__code", "choice__value", "pk")
    return {(code, value): pk for code, value, pk in rows}


def test_saving_again_updates_unchanged_rows_in_place_and_removes_the_others(response):
    save(response, "1", ANSWERS)
    before = answer_ids(response)

    save(response, "1", {**ANSWERS, "many": ["b", "c"], "rank": {"x": 1, "y": 2}, "text": "Autre"}, version=1)

    after = answer_ids(response)
    assert set(after) == {("choice", "no"), ("many", "b"), ("many", "c"), ("rank", "x"), ("rank", "y"),
                          ("number", None), ("text", None)}
    kept = set(before) & set(after)
    assert {key: before[key] for key in kept} == {key: after[key] for key in kept}  # Same rows, new values.
    assert sorted(Answer.objects.filter(response=response, question__code="rank").values_list("rank", flat=True)) == [
        1, 2]
    assert response_section_initial(response, page(response.survey, "1"))["text"] == "Autre"


def test_a_save_of_some_questions_keeps_the_others_and_judges_completeness_from_all(response):
    save(response, "1", {"many": ["a"]})
    assert ResponseSection.objects.get(response=response).is_complete is False

    assert save(response, "1", {"choice": "yes"}, version=1).is_complete is True
    assert save(response, "1", {"text": "Plus"}, version=2).is_complete is True

    values = response_section_initial(response, page(response.survey, "1"))
    assert values == {"choice": "yes", "many": ["a"], "text": "Plus"}


@pytest.mark.parametrize("questions", [1, 5])
def test_a_page_is_written_in_two_statements_however_many_questions(response, questions):
    section = page(response.survey, "1")
    loaded = section_questions(section)
    cleaned = dict(list(ANSWERS.items())[:questions])

    with CaptureQueriesContext(connection) as statements:
        response_section_save(response=response, section=section, cleaned_data=cleaned, expected_version=0,
                              user=None, questions=loaded)

    # Lock (or create) the page's row; then write the answers and stamp the page and the response.
    assert len(statements) == 2
    assert response_section_initial(response, section) == cleaned


def test_saving_one_page_keeps_the_answers_of_another(response):
    save(response, "2", {"other": "yes"})

    save(response, "1", ANSWERS)

    assert response_section_initial(response, page(response.survey, "2")) == {"other": "yes"}


def test_a_stale_save_is_refused_with_what_differs_and_changes_nothing(response):
    save(response, "1", ANSWERS)

    with pytest.raises(StaleSection) as refused:
        save(response, "1", {**ANSWERS, "choice": "yes", "text": "Mine"}, version=0)

    changes = {change.question.code: (change.saved_display, change.yours_display) for change in refused.value.changes}
    assert changes == {"choice": ("No", "Yes"), "text": ("Détail", "Mine")}
    assert refused.value.version == 1
    assert response_section_initial(response, page(response.survey, "1")) == ANSWERS
    assert ResponseSection.objects.get(response=response).version == 1


def test_a_stale_save_of_the_same_answers_goes_through(response):
    save(response, "1", ANSWERS)

    saved = save(response, "1", dict(ANSWERS), version=0)

    assert saved.version == 2


def test_a_page_is_complete_when_its_required_questions_are_answered(response):
    assert save(response, "1", {**ANSWERS, "choice": ""}).is_complete is False
    assert save(response, "1", ANSWERS, version=1).is_complete is True


def test_missing_lists_unanswered_required_questions_by_page(response):
    save(response, "1", ANSWERS)

    assert response_missing(response) == {"2": ["other"]}


def test_progress_counts_answered_and_required_questions_per_page(response):
    save(response, "1", {**ANSWERS, "choice": ""})

    progress = {row.section.code: row for row in section_progress(response)}

    assert (progress["1"].questions, progress["1"].answered) == (5, 4)
    assert (progress["1"].required, progress["1"].required_answered) == (1, 0)
    assert progress["2"].saved is None and not progress["2"].is_complete


def test_a_section_of_another_survey_is_refused(response):
    other = Section.objects.create(survey=make_survey(), code="1", title="Elsewhere")

    with pytest.raises(ValueError):
        response_section_save(response=response, section=other, cleaned_data={}, expected_version=0, user=None)


def test_submission_is_stamped_and_announced_once(response):
    announced = []

    def receiver(sender, response, **kwargs):
        announced.append(response.pk)

    response_submitted.connect(receiver)
    try:
        response_submit(response=response)
        response_submit(response=response)
    finally:
        response_submitted.disconnect(receiver)

    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    assert response.submitted_at is not None
    assert announced == [response.pk]


def test_a_response_changed_after_submission_is_submitted_again(response):
    first = response_submit(response=response).submitted_at
    save(response, "2", {"other": "no"})

    second = response_submit(response=response).submitted_at

    assert second > first


@pytest.mark.django_db(transaction=True)
def test_of_two_people_saving_a_page_at_the_same_moment_one_is_refused():
    survey = make_survey()
    section = Section.objects.create(survey=survey, code="1", title="One")
    make_question(survey, code="text", type=Type.LONG_TEXT, section=section, choices=())
    response = Response.objects.create(survey=survey)
    start = threading.Barrier(2)
    outcomes = []

    def save_as(text):
        # Each thread has its own database connection: two sessions, as two web processes would.
        try:
            start.wait()
            save(response, "1", {"text": text}, version=0)
            outcomes.append("saved")
        except StaleSection:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save_as, args=(text,)) for text in ("Ours", "Theirs")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "saved"]
    assert Answer.objects.filter(response=response).count() == 1
    assert ResponseSection.objects.get(response=response).version == 1
