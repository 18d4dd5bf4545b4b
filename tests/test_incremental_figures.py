"""Figures kept up to date one respondent at a time equal a full recount, the repair path.

Submissions add the respondent's answers to the world's figures and to every grouping of its
state; reopening takes them out (a reopened position counts nowhere); an amendment replaces
them. Each step goes through the real services, then the waiting changes are added
(`aggregates_refresh`, what the coalesced task runs) and the stored figures compared with a
full recount of the same answers.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consult.models import (
    Aggregate, AggregateValue, AuditEvent, CivilSocietyRepresentative, FigureChange, Position, Publication,
)
from consult.services.aggregation import aggregates_check, aggregates_rebuild, aggregates_refresh
from consult.services.answering import position_publication_set, position_section_save
from consult.services.workflow import position_reopen
from surveys.models import Answer, Question, ResponseSection

from .aggregation_cases import CSO, MS, assert_hand_figures, build_hand_set, respond, stored, submit
from .factories import make_member_state, make_open_consultation, make_organisation, make_question, make_user

FIELDS = ("respondents", "count", "share", "mean", "median", "mean_rank", "first_place_share", "rank_sum",
          "first_places")


@pytest.fixture(autouse=True)
def changes_add_up(caplog):
    """Fail a test whose changes fell back to a full recount (it would equal a recount anyway)."""
    yield
    assert "do not add up" not in caplog.text


def figures(consultation) -> dict:
    """Return every stored figure and number count, keyed by what it is the figure of."""
    rows = Aggregate.objects.filter(consultation=consultation).values_list(
        "audience", "grouping_id", "question_code", "choice_value", *FIELDS
    )
    counted = {row[:4]: tuple(round(value, 9) if isinstance(value, float) else value for value in row[4:])
               for row in rows}
    values = AggregateValue.objects.filter(consultation=consultation).values_list(
        "audience", "grouping_id", "question_code", "value", "count"
    )
    excerpts = consultation.excerpts.values_list(
        "grouping_id", "audience", "question_code", "place", "text", "publication", "member_state_id", "organisation_name"
    )
    return {**counted, **{("value", *row[:4]): row[4] for row in values}, **{("excerpt", *row[:4]): row[4:]
                                                                           for row in excerpts}}


def assert_equal_to_a_recount(consultation) -> dict:
    aggregates_refresh(consultation=consultation)
    assert not FigureChange.objects.filter(consultation_id=consultation.pk).exists()
    kept = figures(consultation)
    aggregates_rebuild(consultation=consultation)
    recounted = figures(consultation)
    assert kept == recounted, {key: (kept.get(key), recounted.get(key))
                               for key in kept.keys() | recounted.keys() if kept.get(key) != recounted.get(key)}
    return kept


def position_of(consultation, **where) -> Position:
    return Position.objects.select_related("response", "organisation", "member_state", "consultation").get(
        consultation=consultation, **where
    )


def resubmit_changed(position, code, value):
    """Change one answer of a reopened position, as its page would, then submit it again."""
    question = position.response.survey.questions.get(code=code, is_current=True)
    Answer.objects.filter(response=position.response, question=question).update(choice=question.choices.get(value=value))
    ResponseSection.objects.update_or_create(
        response=position.response, section=question.section, defaults={"saved_at": timezone.now()}
    )
    submit(position.response)


@pytest.fixture
def hand_set(db):
    built = build_hand_set(submit_later=True)
    aggregates_rebuild(consultation=built.consultation)  # Nothing counted yet.
    return built


def test_submissions_added_one_by_one_give_every_hand_worked_figure(hand_set):
    consultation = hand_set.consultation
    assert not Aggregate.objects.filter(consultation=consultation).exists()

    for response in hand_set.to_submit[:4]:
        submit(response)
    aggregates_refresh(consultation=consultation)
    for response in hand_set.to_submit[4:]:
        submit(response)
    aggregates_refresh(consultation=consultation)

    assert_hand_figures(consultation)
    assert_equal_to_a_recount(consultation)


def test_submits_reopens_and_resubmits_across_audiences_and_regions_equal_a_recount(hand_set, officer):
    consultation = hand_set.consultation
    for response in hand_set.to_submit:
        submit(response)
    assert_equal_to_a_recount(consultation)

    # A state of Europe and one of Africa (in the RCP too), and an organisation of France, reopened.
    for where in ({"member_state__iso3": "BEL"}, {"member_state__iso3": "SEN"},
                  {"organisation__name": "Voices of France"}):
        position_reopen(position=position_of(consultation, **where), actor=officer, reason="Correction")
    kept = assert_equal_to_a_recount(consultation)
    # The counting rule of the summaries: a reopened position counts nowhere until submitted again.
    assert stored(consultation, None, MS, "1.1-priority").respondents == 4
    assert stored(consultation, "m49-002", MS, "1-ranking") is None  # Senegal was Africa's only ranking.
    assert stored(consultation, "m49-150", CSO, "1.1-importance").respondents == 1  # Berlin's is left.
    assert kept

    # Senegal submits again with another priority; Belgium reopened twice, then submitted.
    resubmit_changed(position_of(consultation, member_state__iso3="SEN"), "1.1-support", "do_not_support")
    assert_equal_to_a_recount(consultation)
    belgium = position_of(consultation, member_state__iso3="BEL")
    resubmit_changed(belgium, "1.1-support", "support")
    position_reopen(position=position_of(consultation, member_state__iso3="BEL"), actor=officer, reason="Again")
    resubmit_changed(position_of(consultation, member_state__iso3="BEL"), "1.1-support", "support_with_reservations")
    assert_equal_to_a_recount(consultation)

    assert stored(consultation, None, MS, "1.1-priority").respondents == 6
    assert stored(consultation, "m49-002", MS, "1.1-support", "do_not_support").count == 2  # Senegal and Ghana


def test_an_amended_response_replaces_its_answers_in_the_figures(hand_set):
    consultation = hand_set.consultation
    consultation.civil_society_can_amend = True
    consultation.save()
    for response in hand_set.to_submit:
        submit(response)
    aggregates_refresh(consultation=consultation)
    dakar = position_of(consultation, organisation__name="Dakar Diaspora")
    representative = make_user("dakar-rep")
    CivilSocietyRepresentative.objects.create(user=representative, organisation=dakar.organisation)
    question = dakar.response.survey.questions.get(code="1.1-importance", is_current=True)
    page = ResponseSection.objects.filter(response=dakar.response, section=question.section).first()

    position_section_save(position=dakar, section=question.section, cleaned_data={"1.1-importance": "5"},
                          expected_version=page.version if page else 0, actor=representative)

    kept = assert_equal_to_a_recount(consultation)
    assert stored(consultation, "m49-002", CSO, "1.1-importance").mean == 5.0
    assert stored(consultation, None, CSO, "1.1-importance", "1").count == 0
    assert kept


def test_a_publication_change_picks_the_excerpts_again(hand_set):
    consultation = hand_set.consultation
    consultation.civil_society_can_amend = True
    consultation.save()
    for response in hand_set.to_submit:
        submit(response)
    aggregates_refresh(consultation=consultation)
    dakar = position_of(consultation, organisation__name="Dakar Diaspora")
    representative = make_user("dakar-rep")
    CivilSocietyRepresentative.objects.create(user=representative, organisation=dakar.organisation)
    assert consultation.excerpts.filter(text__startswith="We map remittance").exists()

    position_publication_set(position=dakar, publication=Publication.CONFIDENTIAL, actor=representative)
    assert_equal_to_a_recount(consultation)

    assert not consultation.excerpts.filter(text__startswith="We map remittance").exists()


def test_number_questions_keep_the_counts_their_median_is_read_from(db):
    consultation = make_open_consultation(areas=1, recommendations=1)
    make_member_state("FRA")
    survey = consultation.questionnaires.get(audience=CSO).survey
    question = make_question(survey=survey, code="staff", type=Question.Type.NUMBER, choices=())
    for number in ["3", "10", "10", "2.5"]:
        response = respond(consultation, make_organisation(country="FR"), {}, Publication.ATTRIBUTED, submitted=False)
        Answer.objects.create(response=response, question=question, number=number)
        submit(response)
    aggregates_refresh(consultation=consultation)

    figure = stored(consultation, None, CSO, "staff")
    assert (figure.respondents, figure.mean, figure.median) == (4, 25.5 / 4, 6.5)
    assert AggregateValue.objects.get(consultation=consultation, grouping=None, value=10).count == 2
    assert_equal_to_a_recount(consultation)


def test_adding_a_submission_costs_the_same_statements_whatever_the_number_of_responses(hand_set):
    consultation = hand_set.consultation
    first, second, *others = hand_set.to_submit
    for response in others:
        submit(response)
    aggregates_refresh(consultation=consultation)

    def statements(response) -> int:
        submit(response)
        with CaptureQueriesContext(connection) as queries:
            aggregates_refresh(consultation=consultation)
        return len(queries)

    few = statements(first)
    for _more in range(20):
        submit(respond(consultation, make_organisation(country="SN"), {"1.1-importance": "3"}, Publication.ATTRIBUTED,
                       submitted=False))
    aggregates_refresh(consultation=consultation)
    assert statements(second) == few


def test_the_hourly_check_reports_and_repairs_figures_that_went_wrong(hand_set):
    consultation = hand_set.consultation
    for response in hand_set.to_submit:
        submit(response)
    aggregates_refresh(consultation=consultation)
    assert aggregates_check(consultation=consultation) == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FIGURES_REPAIRED).exists()

    Aggregate.objects.filter(consultation=consultation, grouping=None, audience=MS, question_code="1.1-priority",
                             choice_value="").update(respondents=60)
    differences = aggregates_check(consultation=consultation)

    assert len(differences) == 1 and "1.1-priority" in differences[0]
    assert stored(consultation, None, MS, "1.1-priority").respondents == 6
    event = AuditEvent.objects.get(action=AuditEvent.Action.FIGURES_REPAIRED)
    assert (event.consultation_id, event.details["differences"]) == (consultation.pk, 1)
