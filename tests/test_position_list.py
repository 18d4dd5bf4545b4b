"""The positions list: the secretariat reaches every state's position (and its history, receipt and
Reopen) from coverage; a regional coordinator sees their region's, read-only; nobody else sees it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consult.models import Position
from consult.services.positions import position_for
from consult.services.workflow import position_send_for_review, position_submit

from .factories import make_member_state, make_organisation
from .test_workflow import answer_required


@pytest.fixture
def positions(consultation, france, senegal, focal_point_france, focal_point_senegal):
    """France submitted, Senegal drafting, and an accredited Senegalese organisation's draft."""
    submitted = position_for(consultation=consultation, member_state=france, actor=focal_point_france)
    answer_required(submitted)
    submitted = position_send_for_review(position=submitted, actor=focal_point_france)
    submitted = position_submit(position=submitted, actor=focal_point_france, on_behalf_confirmed=True)
    draft = position_for(consultation=consultation, member_state=senegal, actor=focal_point_senegal)
    organisation = make_organisation(name="Dakar Migrants Forum", accreditation="accredited", country="SN")
    response = position_for(consultation=consultation, organisation=organisation)
    return {"france": submitted, "senegal": draft, "organisation": response}


def list_url(consultation, **query):
    url = reverse("consult:position-list", args=[consultation.slug])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def page_of(client, person, url):
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_secretariat_reaches_every_position_and_its_history_receipt_and_reopen(client, officer, consultation,
                                                                                    positions):
    page = page_of(client, officer, list_url(consultation))

    france = positions["france"]
    for position in positions.values():
        assert reverse("consult:position-detail", args=[position.pk]) in page
        assert reverse("consult:position-answers", args=[position.pk]) in page
        assert reverse("consult:position-history", args=[position.pk]) in page
    assert reverse("consult:position-receipt", args=[france.pk]) in page
    assert reverse("consult:position-reopen", args=[france.pk]) in page
    assert reverse("consult:position-reopen", args=[positions["senegal"].pk]) not in page
    assert france.receipt_number in page and "Dakar Migrants Forum" in page


def test_the_list_filters_by_status_audience_and_region_and_sorts_by_name(client, officer, consultation, positions):
    submitted = page_of(client, officer, list_url(consultation, status="submitted"))
    organisations = page_of(client, officer, list_url(consultation, audience="civil_society"))
    africa = page_of(client, officer, list_url(consultation, region="m49-002", sort="name"))

    assert "France" in submitted and "Senegal" not in submitted
    assert "Dakar Migrants Forum" in organisations and "France" not in organisations
    assert "France" not in africa
    assert africa.index("Senegal") < africa.index("Dakar Migrants Forum")


def test_a_filter_that_is_not_understood_is_said_and_filters_nothing(client, officer, consultation, positions):
    page = page_of(client, officer, list_url(consultation, status="lost"))

    assert "Some filters were not understood and are ignored" in page
    assert "France" in page and "Senegal" in page


def test_a_coordinator_sees_their_region_read_only(client, coordinator_africa, consultation, positions):
    page = page_of(client, coordinator_africa, list_url(consultation))

    assert "Senegal" in page and "Dakar Migrants Forum" in page
    assert "France" not in page
    assert reverse("consult:position-reopen", args=[positions["senegal"].pk]) not in page
    assert reverse("consult:position-history", args=[positions["senegal"].pk]) not in page


def test_focal_points_and_outsiders_are_refused(client, consultation, positions, focal_point_france, outsider):
    for person in (focal_point_france, outsider):
        client.force_login(person)
        assert client.get(list_url(consultation)).status_code == 403


def test_the_list_reads_in_a_fixed_number_of_queries(client, officer, consultation, positions):
    client.force_login(officer)
    client.get(list_url(consultation))
    for iso3 in ("MEX", "PHL", "JOR"):
        position_for(consultation=consultation, member_state=make_member_state(iso3))

    with CaptureQueriesContext(connection) as few:
        client.get(list_url(consultation))
    for number in range(5):
        position_for(consultation=consultation, organisation=make_organisation(name=f"Organisation {number}"))
    with CaptureQueriesContext(connection) as more:
        client.get(list_url(consultation))

    assert len(more) == len(few)


def test_coverage_opens_a_state_position_and_links_to_the_list(client, officer, consultation, positions):
    page = page_of(client, officer, reverse("consult:coverage", args=[consultation.slug]))

    assert f'<a href="{reverse("consult:position-detail", args=[positions["senegal"].pk])}">' in page
    assert list_url(consultation) in page


def test_the_position_page_leads_the_secretariat_back_to_the_list_and_offers_reopen(client, officer, consultation,
                                                                                    positions):
    page = page_of(client, officer, reverse("consult:position-detail", args=[positions["france"].pk]))

    assert list_url(consultation) in page
    assert reverse("consult:position-reopen", args=[positions["france"].pk]) in page
    assert Position.objects.get(pk=positions["france"].pk).status == Position.Status.SUBMITTED
