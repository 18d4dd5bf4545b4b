"""Consultation pages: who sees what, and the secretariat's create and edit form."""

import re

import pytest
from django.urls import reverse

from consult.models import Consultation
from consult.services.questions import questions_generate

from .factories import make_consultation, make_paper_consultation


def test_anyone_sees_an_open_consultation_with_its_codes(client, db):
    consultation = make_paper_consultation(status=Consultation.Status.OPEN)

    response = client.get(consultation.get_absolute_url())

    assert response.status_code == 200
    assert "1.2" in response.content.decode()
    assert "Recommendation 2.3." in response.content.decode()


def test_a_draft_is_hidden_from_everyone_but_the_secretariat(client, outsider, officer):
    consultation = make_paper_consultation(status=Consultation.Status.DRAFT)

    client.force_login(outsider)
    assert client.get(consultation.get_absolute_url()).status_code == 404
    client.force_login(officer)
    assert client.get(consultation.get_absolute_url()).status_code == 200


def test_the_secretariat_creates_a_consultation(client, officer):
    client.force_login(officer)

    response = client.post(
        reverse("consult:consultation-create"),
        {"title": "Consulta regional", "slug": "consulta-regional", "language": "es", "status": "draft"},
    )

    consultation = Consultation.objects.get(slug="consulta-regional")
    assert response.status_code == 302
    assert consultation.language == "es"


def test_closing_before_opening_is_refused_and_nothing_saved(client, officer):
    consultation = make_paper_consultation(title="Before")
    client.force_login(officer)

    response = client.post(
        reverse("consult:consultation-edit", args=[consultation.slug]),
        {"title": "After", "slug": consultation.slug, "language": "en", "status": "open",
         "opens_at": "2026-12-10T10:00", "closes_at": "2026-12-01T10:00"},
    )

    assert response.status_code == 200
    assert "closing date must be after" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.title == "Before"


def test_people_outside_the_secretariat_cannot_manage(client, focal_point_france):
    consultation = make_paper_consultation()
    client.force_login(focal_point_france)

    for name in ("consult:consultation-edit", "consult:paper-upload", "consult:questions-generate"):
        assert client.get(reverse(name, args=[consultation.slug])).status_code in (403, 405)
        assert client.post(reverse(name, args=[consultation.slug])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    consultation = make_paper_consultation()

    response = client.get(reverse("consult:paper-upload", args=[consultation.slug]))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def primary_actions(page) -> list[str]:
    """Return the labels of the page's primary buttons and links."""
    return [match.strip() for match in re.findall(r'class="btn btn-primary[^"]*"[^>]*>([^<]+)<', page)]


@pytest.mark.parametrize(
    ("setup", "stage", "action"),
    [
        ("nothing", "1. Set up", "Import position paper"),
        ("paper", "1. Set up", "Generate questions"),
        ("questions", "1. Set up", "Open the consultation"),
        ("open", "2. Collect", "See who has answered"),
        ("closed", "3. Analyse", "Read the summary"),
        ("archived", "4. Publish", "Build and publish reports"),
    ],
)
def test_the_consultation_page_leads_with_the_one_action_of_its_stage(client, officer, setup, stage, action):
    make = make_consultation if setup == "nothing" else make_paper_consultation
    consultation = make(slug="stages", status=Consultation.Status.DRAFT)
    if setup not in ("nothing", "paper"):
        questions_generate(consultation=consultation)
    if setup in ("open", "closed", "archived"):
        Consultation.objects.filter(pk=consultation.pk).update(status=setup)
    client.force_login(officer)

    page = client.get(reverse("consult:consultation-detail", args=["stages"])).content.decode()

    assert primary_actions(page) == [action]
    assert re.search(rf'{re.escape(stage)} <span class="badge text-bg-primary">Current stage</span>', page)
