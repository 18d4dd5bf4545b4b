"""Civil society registration: e-mail confirmation, accreditation, abuse protection, duplicates."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from consult.models import CivilSocietyOrganisation, CivilSocietyRepresentative
from consult.services import rate_limits, registration
from consult.services.registration import organisation_name_normalise

from .factories import make_organisation

PASSWORD = "a long unusual passphrase 42"
Accreditation = CivilSocietyOrganisation.Accreditation


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()


def register(client, ip="203.0.113.1", **fields):
    data = {
        "name": "Réseau des migrants de Dakar", "country": "SN", "type": "migrant",
        "website": "https://reseau.example", "contact_name": "Awa Diop", "email": "awa@reseau.example",
        "password1": PASSWORD, "password2": PASSWORD, "website_url": "", **fields,
    }
    return client.post(reverse("consult:organisation-register"), data, REMOTE_ADDR=ip)


def confirmation_link(message):
    return re.search(r"http://testserver(/organisations/confirm/[^/\s]+/)", message.body).group(1)


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def registered_and_confirmed(client):
    register(client)
    client.post(confirmation_link(mail.outbox[-1]))
    return CivilSocietyOrganisation.objects.get(email="awa@reseau.example")


def test_an_organisation_registers_confirms_is_accredited_and_its_contact_logs_in(client, officer):
    response = register(client)

    assert response.status_code == 302
    organisation = CivilSocietyOrganisation.objects.get()
    assert organisation.accreditation == Accreditation.PENDING
    assert CivilSocietyRepresentative.objects.get(organisation=organisation).user.is_active is False
    assert log_in(client, "awa@reseau.example").status_code == 200

    [message] = mail.outbox
    assert message.to == ["awa@reseau.example"]
    link = confirmation_link(message)
    assert "Confirm that awa@reseau.example" in client.get(link).content.decode()
    assert client.post(link).status_code == 302
    organisation.refresh_from_db()
    assert organisation.email_confirmed_at is not None

    client.force_login(officer)
    assert organisation.name in client.get(reverse("consult:accreditation-queue")).content.decode()
    client.post(reverse("consult:organisation-accredit", args=[organisation.public_id]))
    client.logout()

    organisation.refresh_from_db()
    assert organisation.accreditation == Accreditation.ACCREDITED
    assert "accredited" in mail.outbox[-1].body
    response = log_in(client, "awa@reseau.example")
    assert response.status_code == 302
    assert response.wsgi_request.user.representations.get().organisation == organisation


def test_declining_requires_a_reason_and_emails_it(client, officer):
    organisation = registered_and_confirmed(client)
    client.force_login(officer)
    decline = reverse("consult:organisation-decline", args=[organisation.public_id])

    blank = client.post(decline, {"reason": "   "})
    client.post(decline, {"reason": "We could not verify that the organisation exists."})

    assert blank.status_code == 200
    organisation.refresh_from_db()
    assert organisation.accreditation == Accreditation.DECLINED
    assert mail.outbox[-1].to == ["awa@reseau.example"]
    assert "We could not verify that the organisation exists." in mail.outbox[-1].body


def test_an_unconfirmed_organisation_cannot_be_accredited(client, officer):
    register(client)
    organisation = CivilSocietyOrganisation.objects.get()
    client.force_login(officer)

    client.post(reverse("consult:organisation-accredit", args=[organisation.public_id]))

    organisation.refresh_from_db()
    assert organisation.accreditation == Accreditation.PENDING
    assert organisation.name not in client.get(reverse("consult:accreditation-queue")).content.decode()


def test_an_expired_confirmation_link_says_so(client, monkeypatch):
    register(client)
    monkeypatch.setattr(registration, "CONFIRMATION_MAX_AGE", timedelta(seconds=-1))

    response = client.post(confirmation_link(mail.outbox[-1]))

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert CivilSocietyOrganisation.objects.get().email_confirmed_at is None


def test_a_tampered_confirmation_link_is_refused(client):
    register(client)
    link = confirmation_link(mail.outbox[-1])

    response = client.post(link[:-3] + "xx/")

    assert response.status_code == 400
    assert CivilSocietyOrganisation.objects.get().email_confirmed_at is None


def test_a_filled_honeypot_pretends_success_and_creates_nothing(client):
    form = client.get(reverse("consult:organisation-register")).content.decode()

    response = register(client, website_url="http://spam.example")

    assert 'id="div_id_website_url" class="mb-3 d-none"' in form
    assert response.status_code == 302
    assert not CivilSocietyOrganisation.objects.exists()
    assert not get_user_model().objects.exists()
    assert mail.outbox == []


def test_a_second_registration_from_one_address_within_a_minute_is_refused(client):
    register(client, ip="198.51.100.7")

    response = register(client, ip="198.51.100.7", name="Another one", email="other@example.org")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert CivilSocietyOrganisation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_more_than_five_registrations_an_hour_from_one_address_are_refused(client, monkeypatch):
    monkeypatch.setitem(rate_limits.LIMITS, "registration", (("ip", 5, 3600),))
    for number in range(5):
        assert register(client, name=f"Organisation {number}", email=f"contact{number}@example.org").status_code == 302

    response = register(client, name="Organisation 6", email="contact6@example.org")

    assert response.status_code == 429
    assert CivilSocietyOrganisation.objects.count() == 5


def test_a_second_registration_for_one_email_within_an_hour_is_refused(client):
    register(client, ip="198.51.100.7")

    response = register(client, ip="198.51.100.8", name="Another one")

    assert response.status_code == 429
    assert CivilSocietyOrganisation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_address_that_has_an_account_gets_a_notice_and_nothing_is_created(client, civil_society_rep):
    response = register(client, email=civil_society_rep.email.upper())

    assert response.status_code == 302
    assert CivilSocietyOrganisation.objects.count() == 1
    assert mail.outbox[-1].to == [civil_society_rep.email]
    assert "already has an account" in mail.outbox[-1].body


def test_a_similar_name_in_the_same_country_is_flagged_as_a_possible_duplicate(client, officer):
    earlier = make_organisation(name="Association Réseau des Migrants de Dakar", country="SN")
    make_organisation(name="Reseau des migrants de Dakar", country="FR")

    register(client, name="The RESEAU des migrants - Dakar!")
    client.post(confirmation_link(mail.outbox[-1]))
    client.force_login(officer)
    page = client.get(reverse("consult:accreditation-queue")).content.decode()

    assert CivilSocietyOrganisation.objects.get(email="awa@reseau.example").possible_duplicate_of == earlier
    assert "Possible duplicate" in page
    assert reverse("admin:consult_civilsocietyorganisation_change", args=[earlier.pk]) in page


def test_names_are_compared_without_case_accents_punctuation_or_common_words():
    assert organisation_name_normalise("L'Association des Migrants — Dakar (ONG)") == "migrants dakar"
    assert organisation_name_normalise("The Association") == ""


def test_html_in_an_organisation_name_is_shown_escaped_in_the_queue(client, officer):
    register(client, name="<img src=x onerror=alert(1)>")
    client.post(confirmation_link(mail.outbox[-1]))
    client.force_login(officer)

    page = client.get(reverse("consult:accreditation-queue")).content.decode()

    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page


def test_only_the_secretariat_sees_the_queue_and_decides(client, officer, civil_society_rep, outsider):
    organisation = registered_and_confirmed(client)
    urls = [
        ("get", reverse("consult:accreditation-queue")),
        ("post", reverse("consult:organisation-accredit", args=[organisation.public_id])),
        ("get", reverse("consult:organisation-decline", args=[organisation.public_id])),
        ("post", reverse("consult:organisation-decline", args=[organisation.public_id])),
    ]

    for method, url in urls:
        assert getattr(client, method)(url, {"reason": "No."}).url.startswith(reverse("login")), url
        for person in (civil_society_rep, outsider):
            client.force_login(person)
            assert getattr(client, method)(url, {"reason": "No."}).status_code == 403, (url, person)
            client.logout()

    organisation.refresh_from_db()
    assert organisation.accreditation == Accreditation.PENDING


def test_a_weak_password_is_refused_and_nothing_created(client):
    response = register(client, password1="password", password2="password")

    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not CivilSocietyOrganisation.objects.exists()


def test_the_queue_mentions_unconfirmed_organisations_only_when_there_are_some(client, officer):
    client.force_login(officer)
    queue = reverse("consult:accreditation-queue")

    assert "not confirmed" not in client.get(queue).content.decode()

    register(client)
    page = client.get(queue).content.decode()
    assert "1 more organisation has not confirmed its e-mail address yet" in page
