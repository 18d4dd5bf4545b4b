"""Downloads of reports are on the audit trail: a published summary read anonymously too (issue 15, note).

Anonymous readers are recorded as "anonymous", with no address: who (anonymous), what (the
report and its format) and when, and no personal data.
"""

import pytest
from django.test import Client
from django.urls import reverse

from consult.models import AuditEvent

from .test_url_matrix import make_built_report

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.90"


@pytest.fixture
def published(consultation, france, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_built_report(consultation, france.region, is_published=True)


def downloads():
    return AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_DOWNLOADED).order_by("id")


def test_an_anonymous_download_of_a_published_report_is_recorded_without_an_address(published):
    response = Client(REMOTE_ADDR=ADDRESS).get(reverse("consult:report-download", args=[published.pk]))

    assert response.status_code == 200
    [event] = downloads()
    assert (event.actor_id, event.actor_name, event.ip_address) == (None, "", None)
    assert event.details == {"format": "html", "published": True, "via": "", "reader": "anonymous"}
    assert (event.object_type, event.object_id) == ("consult.report", str(published.pk))
    assert event.consultation_id == published.consultation_id
    assert event.created_at is not None


def test_an_anonymous_download_through_the_api_is_recorded_too(published):
    response = Client(REMOTE_ADDR=ADDRESS).get(f"/api/v1/reports/{published.pk}/download/")

    assert response.status_code == 200
    [event] = downloads()
    assert (event.actor_id, event.ip_address) == (None, None)
    assert (event.details["reader"], event.details["via"]) == ("anonymous", "api")


def test_a_signed_in_download_keeps_its_person_and_address(client, officer, published):
    client.force_login(officer)
    client.get(reverse("consult:report-download", args=[published.pk]), REMOTE_ADDR=ADDRESS)

    [event] = downloads()
    assert (event.actor_id, event.ip_address) == (officer.pk, ADDRESS)
    assert "reader" not in event.details


def test_a_refused_download_records_nothing(client, consultation, france, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    unpublished = make_built_report(consultation, france.region)

    assert client.get(reverse("consult:report-download", args=[unpublished.pk])).status_code == 302
    assert not downloads().exists()


def test_the_audit_page_shows_the_anonymous_reader(client, officer, published):
    Client(REMOTE_ADDR=ADDRESS).get(reverse("consult:report-download", args=[published.pk]))
    client.force_login(officer)

    page = client.get(reverse("consult:audit-list"), {"action": AuditEvent.Action.REPORT_DOWNLOADED}).content.decode()

    assert '<td data-label="Done by">Anonymous reader</td>' in page
    assert ADDRESS not in page
