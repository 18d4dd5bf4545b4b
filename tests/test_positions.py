"""One position per state or organisation per consultation, enforced by the database."""

import pytest
from django.db import IntegrityError, transaction

from consult.models import Position, PositionEvent
from consult.services.positions import position_create, position_for
from surveys.models import Response


def test_a_state_gets_one_position_however_often_it_is_asked_for(consultation, france, focal_point_france):
    first = position_for(consultation=consultation, member_state=france, actor=focal_point_france)
    second = position_for(consultation=consultation, member_state=france)

    assert first == second
    assert Position.objects.filter(consultation=consultation, member_state=france).count() == 1
    assert first.response.survey == consultation.questionnaires.get(audience="member_state").survey
    assert list(first.events.values_list("action", "actor")) == [(PositionEvent.Action.CREATED, focal_point_france.pk)]


def test_the_database_refuses_a_second_position_for_a_state(consultation, france):
    position_for(consultation=consultation, member_state=france)

    with pytest.raises(IntegrityError), transaction.atomic():
        position_create(consultation=consultation, member_state=france)


def test_the_database_refuses_a_second_response_for_an_organisation(consultation, civil_society_rep):
    organisation = civil_society_rep.representations.get().organisation
    position_for(consultation=consultation, organisation=organisation)

    with pytest.raises(IntegrityError), transaction.atomic():
        position_create(consultation=consultation, organisation=organisation)


def test_a_state_position_starts_with_the_consultation_publication_default(consultation, france):
    consultation.member_state_publication = "anonymous"
    consultation.save()

    assert position_for(consultation=consultation, member_state=france).publication == "anonymous"


def test_an_organisation_response_goes_to_the_civil_society_questionnaire(consultation, civil_society_rep):
    organisation = civil_society_rep.representations.get().organisation

    position = position_for(consultation=consultation, organisation=organisation)

    assert position.audience == "civil_society"
    assert position.response.survey == consultation.questionnaires.get(audience="civil_society").survey
    assert position.publication == "confidential"


def test_a_position_names_a_respondent_of_its_own_audience(consultation, france):
    response = Response.objects.create(survey=consultation.questionnaires.get(audience="member_state").survey)

    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(consultation=consultation, audience="civil_society", member_state=france, response=response)
