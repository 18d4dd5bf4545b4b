"""Reports built by real Celery workers on Redis: a worker killed mid-build, and raw exports.

The kill test runs its own worker processes on a queue of its own (so no other worker takes the
task), kills the first with SIGKILL while it builds, and starts a second whose Redis visibility
timeout is a few seconds, so the unacknowledged task is delivered again without waiting an hour.
"""

import csv
import io
import signal

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from consult.models import Report
from consult.services.exports import responses_export_csv
from consult.services.positions import position_for
from consult.services.reports.build import reports_request

from .factories import make_member_state, make_open_consultation, make_organisation
from .report_builds import (  # noqa: F401 (media and world_consultation are fixtures)
    KilledBuild,
    clean_build,
    files_under,
    media,
    pdf_text,
    report_content,
    world_consultation,
)
from .test_report_views import submit
from .workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_killed_mid_build_leaves_one_correct_report(media, world_consultation):
    report = Report.objects.create(consultation=world_consultation, format="pdf", language="en")
    build = KilledBuild(report, media)

    first = build.kill_mid_build()
    assert first.returncode == -signal.SIGKILL
    # Killed mid-build: nothing offered for download.
    killed = Report.objects.get(pk=report.pk)
    assert (killed.status, killed.file.name) == (Report.Status.RUNNING, "")

    # A new worker takes the unacknowledged task again once it has been invisible for 3 s.
    with build.redelivered():
        built = build.wait_until_built()

    assert (built.status, built.progress, built.error) == (Report.Status.DONE, 100, "")
    assert built.finished_at and built.data_cutoff
    assert Report.objects.count() == 1  # No second report.
    assert files_under(media) == [media / built.file.name]  # One file: no copy from a second build.
    content = report_content(built)

    # The same report built cleanly, in this process, says the same.
    expected = clean_build(world_consultation)
    assert pdf_text(content) == pdf_text(expected)
    assert content == expected  # The builder is deterministic: the very same bytes.
    assert len(PdfReader(io.BytesIO(content)).pages) > 1


@pytest.fixture
def answered():
    """France and Senegal answered, and an organisation in Senegal; a draft of Mexico's does not count."""
    consultation = make_open_consultation(slug="exports", title="Export consultation")
    france, senegal = make_member_state("FRA"), make_member_state("SEN")
    submit(position_for(consultation=consultation, member_state=france),
           {"1.1-support": "support", "1.1-priority": "4", "1.1-practices": "=HYPERLINK(\"x\")"})
    submit(position_for(consultation=consultation, member_state=senegal), {"1.1-support": "do_not_support"})
    organisation = make_organisation(name="Dakar Migrants Forum", accreditation="accredited", country="SN")
    submit(position_for(consultation=consultation, organisation=organisation), {"1.1-importance": "5"})
    position_for(consultation=consultation, member_state=make_member_state("MEX"))
    return consultation


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_worker_exports_the_raw_answers_of_a_region(celery_worker, client, answered, officer,
                                                         coordinator_africa, outsider):
    africa = make_member_state("SEN").region
    world_csv, africa_csv, world_xlsx = (
        reports_request(consultation=answered, groupings=[grouping], formats=[format], language="fr", actor=officer)[0]
        for grouping, format in [(None, "csv_answers"), (africa, "csv_answers"), (None, "xlsx_answers")]
    )
    done = {Report.Status.DONE, Report.Status.FAILED}
    assert wait_for(lambda: set(Report.objects.values_list("status", flat=True)) <= done, timeout=60)
    reports = {report.pk: report for report in Report.objects.all()}
    try:
        world_csv, africa_csv, world_xlsx = reports[world_csv.pk], reports[africa_csv.pk], reports[world_xlsx.pk]
        assert {report.status for report in reports.values()} == {Report.Status.DONE}

        world = csv_rows(world_csv.file.open("rb").read())
        by_country = {row["country"]: row for row in world}
        assert sorted((row["country"], row["audience"]) for row in world) == [
            ("FRA", "member_state"), ("SEN", "member_state"), ("SN", "civil_society")]
        assert by_country["SN"]["respondent"] == "Dakar Migrants Forum"
        assert (by_country["FRA"]["1.1-support"], by_country["FRA"]["1.1-priority"],
                by_country["SEN"]["1.1-support"]) == ("support", "4", "do_not_support")
        assert by_country["FRA"]["1.1-practices"] == "'=HYPERLINK(\"x\")"  # Neutralised.
        assert by_country["SN"]["1.1-importance"] == "5"
        expected = io.StringIO()
        responses_export_csv(consultation=answered, stream=expected)
        assert world_csv.file.open("rb").read().decode("utf-8") == expected.getvalue()

        # The region's export: its states and the organisations of its countries, France left out.
        africa_rows = csv_rows(africa_csv.file.open("rb").read())
        assert [row["respondent"] for row in africa_rows] == ["Senegal", "Dakar Migrants Forum"]
        assert africa_csv.file.name.endswith("-m49-002-answers.csv")

        sheet = openpyxl.load_workbook(world_xlsx.file.open("rb")).active
        values = list(sheet.iter_rows(values_only=True))
        assert [row[0] for row in values] == ["respondent", "France", "Senegal", "Dakar Migrants Forum"]

        # Downloads: the secretariat any, a coordinator their region's, nobody else.
        download = lambda report: client.get(reverse("consult:report-download", kwargs={"report_id": report.pk}))
        client.force_login(officer)
        response = download(world_csv)
        assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
        assert b"".join(response.streaming_content).decode("utf-8") == expected.getvalue()
        assert 'filename="exports-world-answers.csv"' in response["Content-Disposition"]
        assert download(world_xlsx).status_code == 200
        list_page = client.get(reverse("consult:report-list", kwargs={"slug": answered.slug})).content.decode()
        assert reverse("consult:report-download", kwargs={"report_id": africa_csv.pk}) in list_page
        client.force_login(coordinator_africa)
        assert download(africa_csv).status_code == 200
        assert download(world_csv).status_code == 404
        client.force_login(outsider)
        assert download(africa_csv).status_code == 404
        # A raw export is never public, even marked published.
        Report.objects.filter(pk=africa_csv.pk).update(is_published=True)
        client.logout()
        assert download(africa_csv).status_code == 302  # To log in.
    finally:
        for report in Report.objects.all():
            report.file.delete(save=False)
