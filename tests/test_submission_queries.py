"""The statements of one area page save and one submit through the site, as the load test posts them.

Each costs the database a round trip on every submission: the load test's targets are at most
15 queries per page save and 10 per submit (BEGIN, COMMIT and savepoints not counted).
"""

import random
import uuid

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.load_data import page_values
from bench.load_queries import data_statements
from consult.models import Audience, CivilSocietyRepresentative, Position, PositionEvent
from consult.services.positions import position_for
from surveys.selectors import survey_sections
from surveys.services import response_section_save

from .factories import make_organisation

PAGE_SAVE_QUERIES = 15
SUBMIT_QUERIES = 10


def draft_with_one_area_open(consultation, user, pages):
    """Return a civil society draft with every area answered but the first, as the load test makes them."""
    organisation = make_organisation(accreditation="accredited", country="FR")
    CivilSocietyRepresentative.objects.create(user=user, organisation=organisation)
    position = position_for(consultation=consultation, organisation=organisation, actor=user)
    for section, page in list(pages.items())[1:]:
        response_section_save(
            response=position.response, section=section, cleaned_data=page.cleaned, expected_version=0, user=user
        )
    return position


def save_and_submit(client, position, section, page) -> tuple[list, list]:
    """Post the open area with a fresh key, then the submit form; return the statements of each."""
    data = {"version": "0", "action": "next", "submission_key": str(uuid.uuid4())}
    for name, value in page.post:
        data.setdefault(name, []).append(value)
    area = reverse("consult:position-section", args=[position.pk, section.code])
    with CaptureQueriesContext(connection) as saved:
        assert client.post(area, data).status_code == 302
    submit = reverse("consult:position-submit", args=[position.pk])
    with CaptureQueriesContext(connection) as submitted:
        assert client.post(submit, {"submission_key": str(uuid.uuid4())}).status_code == 302
    return saved.captured_queries, submitted.captured_queries


def test_a_page_save_and_a_submit_stay_within_their_query_budgets(consultation, civil_society_rep):
    survey = consultation.questionnaires.get(audience=Audience.CIVIL_SOCIETY).survey
    rng = random.Random(2013)
    pages = {section: page_values(section, rng) for section in survey_sections(survey)}
    section, page = next(iter(pages.items()))
    warm_up, measured = (draft_with_one_area_open(consultation, civil_society_rep, pages) for _draft in range(2))
    client = Client()
    client.force_login(civil_society_rep)
    # The first request of a process loads what every later one reuses (translations, URLs, content types).
    save_and_submit(client, warm_up, section, page)

    saved, submitted = save_and_submit(client, measured, section, page)

    measured.refresh_from_db()
    assert measured.status == Position.Status.SUBMITTED
    assert measured.events.filter(action=PositionEvent.Action.SUBMITTED).count() == 1
    assert data_statements(saved) <= PAGE_SAVE_QUERIES, [statement["sql"] for statement in saved]
    assert data_statements(submitted) <= SUBMIT_QUERIES, [statement["sql"] for statement in submitted]
