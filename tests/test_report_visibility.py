"""A report is no more public than its consultation (issue 15, finding 1).

A published summary of a consultation put back in draft answered 200 to anonymous visitors on
its download and status URLs, while the consultation's own pages answered 404. The matrix
below asks both URLs, for a published summary and a coordinator's regional one, with the
consultation in each status, as each kind of person.
"""

import pytest
from django.urls import reverse

from consult.models import Consultation

from .test_url_matrix import DENIED, OK, make_built_report, outcome

PEOPLE = ["anonymous", "officer", "coordinator_africa", "focal_point_france", "outsider"]


def expected(status, person, regional):
    """Return who reads a report: the secretariat always; others only once the consultation is out of draft."""
    if person == "officer":
        return OK
    if status == Consultation.Status.DRAFT:
        return DENIED
    if regional:
        return OK if person == "coordinator_africa" else DENIED
    return OK


@pytest.fixture
def reports(consultation, france, senegal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return {
        "published": make_built_report(consultation, france.region, is_published=True),
        "regional": make_built_report(consultation, senegal.region),
    }


@pytest.mark.parametrize("status", Consultation.Status.values)
def test_reports_follow_their_consultation_visibility(
    request, client, consultation, reports, status, officer, coordinator_africa, focal_point_france, outsider
):
    Consultation.objects.filter(pk=consultation.pk).update(status=status)
    failures = []
    for kind, report in reports.items():
        for name in ("consult:report-download", "consult:report-status"):
            url = reverse(name, kwargs={"report_id": report.pk})
            for person in PEOPLE:
                got = read_as(request, client, person, url)
                want = expected(status, person, regional=kind == "regional")
                if (got == OK) != (want == OK):
                    failures.append(f"{person} {name} {kind} ({status}): {got}, expected {want}")
    assert failures == []


def read_as(request, client, person, url):
    client.logout()
    if person != "anonymous":
        client.force_login(request.getfixturevalue(person))
    return outcome(client.get(url))


def test_a_draft_consultation_s_report_answers_404_to_anonymous_visitors(client, consultation, reports):
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.DRAFT)

    for report in reports.values():
        assert client.get(reverse("consult:report-download", kwargs={"report_id": report.pk})).status_code == 404
        assert client.get(reverse("consult:report-status", kwargs={"report_id": report.pk})).status_code == 404


def test_the_published_report_is_downloadable_again_once_the_consultation_reopens(client, consultation, reports):
    url = reverse("consult:report-download", kwargs={"report_id": reports["published"].pk})
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.DRAFT)
    assert client.get(url).status_code == 404

    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.OPEN)
    response = client.get(url)

    assert response.status_code == 200
    assert b"summary" in b"".join(response.streaming_content)
