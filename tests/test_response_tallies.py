"""Counts of civil society responses kept by the database as positions change (services/tallies.py).

Whatever writes a position (the services, a bulk insert, plain SQL) the tallies equal a count of
the positions; the pages read only the tallies; the recount task adds them up and the hourly
check repairs them.
"""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consult.models import AuditEvent, Audience, Position, Publication, ResponseTally
from consult.selectors.aggregates import civil_society_by_country, named_respondents
from consult.selectors.coverage import civil_society_coverage, response_tallies
from consult.services.aggregation import aggregates_check, aggregates_rebuild, aggregates_refresh
from consult.services.positions import position_for
from consult.services.tallies import tallies_compact
from consult.services.workflow import position_reopen
from surveys.models import Response

from .aggregation_cases import build_hand_set, submit
from .factories import make_organisation


def counted_by_hand(consultation) -> Counter:
    """Count the consultation's civil society positions one by one."""
    positions = Position.objects.filter(consultation=consultation, audience=Audience.CIVIL_SOCIETY)
    return Counter(
        (position.organisation.country.code or "", position.status, position.publication)
        for position in positions.select_related("organisation")
    )


def assert_tallies_right(consultation):
    tallies = response_tallies(consultation)
    assert +tallies == counted_by_hand(consultation)
    assert all(responses >= 0 for responses in tallies.values())


@pytest.fixture
def hand_set(db):
    built = build_hand_set(submit_later=True)
    aggregates_rebuild(consultation=built.consultation)
    return built


def position_of(consultation, name) -> Position:
    return Position.objects.select_related("consultation", "organisation").get(
        consultation=consultation, organisation__name=name
    )


def test_the_tallies_follow_submissions_reopenings_and_publication_changes(hand_set, officer, civil_society_rep):
    consultation = hand_set.consultation
    assert_tallies_right(consultation)
    drafts = sum(response_tallies(consultation).values())
    assert drafts >= 3

    for response in hand_set.to_submit:
        submit(response)
    assert_tallies_right(consultation)
    assert civil_society_coverage(consultation)["total"] == drafts

    france = position_of(consultation, "Voices of France")
    position_reopen(position=france, actor=officer, reason="Correction")
    assert_tallies_right(consultation)
    assert ("FR", Position.Status.REOPENED, france.publication) in +response_tallies(consultation)

    dakar = position_of(consultation, "Dakar Diaspora")
    chosen = Publication.CONFIDENTIAL if dakar.publication != Publication.CONFIDENTIAL else Publication.ATTRIBUTED
    Position.objects.filter(pk=dakar.pk).update(publication=chosen)
    assert_tallies_right(consultation)


def test_the_tallies_follow_bulk_writes_plain_sql_a_country_change_and_a_deletion(consultation):
    organisations = [make_organisation(country="KE"), make_organisation(country="KE"), make_organisation(country="PE")]
    survey = consultation.questionnaires.get(audience=Audience.CIVIL_SOCIETY).survey
    Position.objects.bulk_create(
        Position(consultation=consultation, audience=Audience.CIVIL_SOCIETY, organisation=organisation,
                 response=Response.objects.create(survey=survey), status=Position.Status.SUBMITTED)
        for organisation in organisations
    )
    assert_tallies_right(consultation)
    assert civil_society_by_country(consultation, None) == [("Kenya", 2), ("Peru", 1)]

    with connection.cursor() as cursor:
        cursor.execute("UPDATE consult_position SET status = %s WHERE organisation_id = %s",
                       [Position.Status.REOPENED, organisations[0].pk])
    organisations[1].country = "PE"
    organisations[1].save()
    assert_tallies_right(consultation)
    assert civil_society_by_country(consultation, None) == [("Peru", 2)]

    Position.objects.filter(organisation=organisations[2]).delete()
    assert_tallies_right(consultation)
    assert civil_society_by_country(consultation, {"PE"}) == [("Peru", 1)]


def test_member_state_positions_are_not_tallied(consultation, france):
    position_for(consultation=consultation, member_state=france)
    assert not ResponseTally.objects.filter(consultation_id=consultation.pk).exists()


def test_the_recount_task_adds_the_changes_up_without_changing_the_counts(hand_set, officer):
    consultation = hand_set.consultation
    for response in hand_set.to_submit:
        submit(response)
    position_reopen(position=position_of(consultation, "Voices of France"), actor=officer, reason="Correction")
    before = +response_tallies(consultation)
    rows = ResponseTally.objects.filter(consultation_id=consultation.pk)
    assert rows.count() > len(before)

    aggregates_refresh(consultation=consultation)

    assert +response_tallies(consultation) == before
    assert rows.count() == len(before)  # One row per country, status and publication left.
    assert tallies_compact(consultation.pk) == len(before)  # Nothing more to add up.


def test_the_hourly_check_reports_and_repairs_tallies_that_went_wrong(hand_set):
    consultation = hand_set.consultation
    for response in hand_set.to_submit:
        submit(response)
    aggregates_refresh(consultation=consultation)
    assert aggregates_check(consultation=consultation) == []

    ResponseTally.objects.create(consultation_id=consultation.pk, country="SN", status=Position.Status.SUBMITTED,
                                 publication=Publication.ATTRIBUTED, responses=5)
    differences = aggregates_check(consultation=consultation)

    assert len(differences) == 1 and "civil society SN submitted attributed" in differences[0]
    assert_tallies_right(consultation)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FIGURES_REPAIRED, consultation=consultation).exists()


def test_named_organisations_are_counted_from_the_tallies(hand_set):
    consultation = hand_set.consultation
    for response in hand_set.to_submit:
        submit(response)
    attributed = Position.objects.counted().filter(
        consultation=consultation, audience=Audience.CIVIL_SOCIETY, publication=Publication.ATTRIBUTED
    )
    _states, names, total = named_respondents(consultation, [], None, limit=1)

    assert total == attributed.count() >= 2
    assert names == [min(attributed.values_list("organisation__name", flat=True))]


def test_the_civil_society_counts_read_no_position(hand_set):
    consultation = hand_set.consultation
    for response in hand_set.to_submit:
        submit(response)
    with CaptureQueriesContext(connection) as queries:
        civil_society_coverage(consultation)
        civil_society_by_country(consultation, {"SN", "FR"})

    assert len(queries) == 2
    assert all("consult_position" not in query["sql"] for query in queries)
