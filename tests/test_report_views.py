"""Building, following, downloading, retrying and publishing regional summaries; the public page."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from consult.models import Position, Report
from consult.services.aggregation import aggregates_rebuild
from consult.services.positions import position_for
from consult.services.reports.build import report_build, report_fail, reports_request
from consult.tasks import report_build_task
from surveys.models import Answer, Question, Response
from surveys.services import answers_for

from .factories import make_member_state, make_organisation
from .workers import wait_for


@pytest.fixture
def in_process(settings, tmp_path):
    """Run the tasks in-process, as the embedded default does, with files in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def eager(in_process, django_capture_on_commit_callbacks):
    """Use it around what enqueues: the test's transaction never commits; what waits for it runs after the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def submit(position, answers, publication=None):
    """Give the position these answers (question code -> value) and mark it submitted."""
    response = position.response
    questions = Question.objects.filter(survey_id=response.survey_id, is_current=True).prefetch_related("choices")
    by_code = {question.code: question for question in questions}
    rows = [row for code, value in answers.items() for row in answers_for(response, by_code[code], value)]
    Answer.objects.bulk_create(rows)
    now = timezone.now()
    Response.objects.filter(pk=response.pk).update(status="submitted", submitted_at=now)
    fields = {"status": "submitted", "submitted_at": now, "receipt_number": f"R-{position.pk.hex[:10]}"}
    Position.objects.filter(pk=position.pk).update(**fields, **({"publication": publication} if publication else {}))
    return position


@pytest.fixture
def answered(consultation):
    """Three states answered 1.1: support, support, do not support; priorities 4, 5 and 3."""
    consultation.small_cell_threshold = 1
    consultation.save()
    for iso3, support, priority in [("FRA", "support", "4"), ("SEN", "support", "5"), ("MEX", "do_not_support", "3")]:
        position = position_for(consultation=consultation, member_state=make_member_state(iso3))
        submit(position, {"1.1-support": support, "1.1-priority": priority, "1.1-practices": f"Practice of {iso3} <b>"})
    aggregates_rebuild(consultation=consultation)
    return consultation


def build_form(**fields):
    return {"formats": ["html", "xlsx"], "language": "en", **fields}


def test_the_secretariat_builds_summaries_that_finish(client, eager, officer, consultation, senegal):
    client.force_login(officer)
    url = reverse("consult:report-list", kwargs={"slug": consultation.slug})

    with eager():
        response = client.post(url, build_form(regions=["world", senegal.region.code]))

    assert response.status_code == 302
    reports = Report.objects.filter(consultation=consultation)
    assert sorted((r.grouping_id is None, r.format, r.status) for r in reports) == [
        (False, "html", "done"), (False, "xlsx", "done"), (True, "html", "done"), (True, "xlsx", "done")]
    assert all(r.file and r.data_cutoff and r.finished_at and r.requested_by == officer for r in reports)
    page = client.get(url).content.decode()
    assert page.count("/download/") == 4 and "Africa" in page and "Olga Secretariat" in page


def test_a_build_needs_a_region_and_a_format(client, eager, officer, consultation):
    client.force_login(officer)
    response = client.post(reverse("consult:report-list", kwargs={"slug": consultation.slug}), {"language": "en"})

    assert response.status_code == 200
    assert "Choose at least one region, or all of them." in response.content.decode()
    assert not Report.objects.exists()


def test_the_status_says_how_far_a_build_is(client, officer, consultation):
    report = Report.objects.create(consultation=consultation, format="pdf", status="running", progress=40)
    client.force_login(officer)

    response = client.get(reverse("consult:report-status", kwargs={"report_id": report.pk}))

    assert response.json() == {"status": "running", "progress": 40, "error": ""}


def test_downloads_follow_region_and_publication(client, eager, officer, coordinator_africa, outsider, consultation,
                                                senegal, france):
    with eager():
        africa, europe = reports_request(consultation=consultation, groupings=[senegal.region, france.region],
                                         formats=["html"], language="en", actor=officer)
    url = lambda report: reverse("consult:report-download", kwargs={"report_id": report.pk})  # noqa: E731

    client.force_login(coordinator_africa)
    assert client.get(url(africa)).status_code == 200
    assert client.get(url(europe)).status_code == 404
    client.force_login(outsider)
    assert client.get(url(africa)).status_code == 404
    client.logout()
    assert client.get(url(africa))["Location"].startswith(reverse("login"))
    client.force_login(officer)
    download = client.get(url(europe))
    assert download["Content-Disposition"] == f'attachment; filename="{consultation.slug}-m49-150-en.html"'
    assert b"Regional summary: Europe" in b"".join(download.streaming_content)


def test_coordinators_see_their_regions_reports_and_cannot_build(client, eager, officer, coordinator_africa,
                                                                 consultation, senegal, france):
    with eager():
        reports_request(consultation=consultation, groupings=[senegal.region, france.region], formats=["html"],
                        language="en", actor=officer)
    client.force_login(coordinator_africa)
    url = reverse("consult:report-list", kwargs={"slug": consultation.slug})

    page = client.get(url).content.decode()

    assert "Africa" in page and "Europe" not in page and "Build summaries" not in page
    assert client.post(url, build_form(all_regions="on")).status_code == 403
    assert Report.objects.count() == 2


def test_a_failed_build_shows_its_error_and_can_be_built_again(client, eager, officer, consultation):
    report = Report.objects.create(consultation=consultation, format="docx", requested_by=officer)
    report_fail(report=report, error="OperationalError: the database went away")
    client.force_login(officer)
    url = reverse("consult:report-list", kwargs={"slug": consultation.slug})
    assert "the database went away" in client.get(url).content.decode()

    with eager():
        client.post(reverse("consult:report-retry", kwargs={"report_id": report.pk}))

    report.refresh_from_db()
    assert (report.status, report.error, report.progress) == ("done", "", 100)
    assert report.file.name.endswith(".docx")


def test_a_build_cut_short_by_a_lost_worker_is_finished_when_delivered_again(in_process, consultation):
    # acks_late: the task of a worker killed mid-build comes back, finding its report still "running".
    report = Report.objects.create(consultation=consultation, format="xlsx", status="running", progress=40)

    assert report_build_task.apply(args=[str(report.pk)]).get() == "done"
    first = Report.objects.get(pk=report.pk)
    # Delivered once more after it finished (its acknowledgement lost): nothing is built twice.
    assert report_build_task.apply(args=[str(report.pk)]).get() == "nothing to build"

    again = Report.objects.get(pk=report.pk)
    assert (again.status, again.file.name, again.finished_at) == ("done", first.file.name, first.finished_at)
    assert len(list(first.file.storage.listdir(str(Path(first.file.name).parent))[1])) == 1


def test_a_build_that_breaks_is_marked_failed_with_its_error(eager, consultation):
    report = Report.objects.create(consultation=consultation, format="odt")  # A format nothing builds.

    report_build(report=report)

    report.refresh_from_db()
    assert report.status == "failed" and "odt" in report.error and not report.file


def test_a_published_summary_is_public(client, eager, officer, consultation, france):
    with eager():
        report, = reports_request(consultation=consultation, groupings=[france.region], formats=["pdf"],
                                  language="en", actor=officer)
    summary_url = reverse("consult:summary", kwargs={"slug": consultation.slug, "grouping_code": "m49-150"})
    assert client.get(summary_url).status_code == 302  # to log in

    client.force_login(officer)
    client.post(reverse("consult:report-publish", kwargs={"report_id": report.pk}), {"publish": "1"})
    client.logout()

    public = client.get(reverse("consult:public-consultation", kwargs={"slug": consultation.slug})).content.decode()
    assert summary_url in public and reverse("consult:report-download", kwargs={"report_id": report.pk}) in public
    assert client.get(summary_url).status_code == 200
    assert client.get(reverse("consult:report-download", kwargs={"report_id": report.pk})).status_code == 200


def test_the_public_page_shows_published_responses_only(client, consultation, france, senegal):
    attributed = submit(position_for(consultation=consultation, member_state=france), {"1.1-support": "support"})
    anonymous = submit(position_for(consultation=consultation, member_state=senegal), {"1.1-support": "support"},
                       publication="anonymous")
    organisation = make_organisation(name="Quiet Organisation", accreditation="accredited")
    confidential = submit(position_for(consultation=consultation, organisation=organisation), {})
    url = reverse("consult:public-consultation", kwargs={"slug": consultation.slug})

    page = client.get(url).content.decode()

    assert "France" in page and "Anonymous respondent" in page
    assert "Senegal" not in page and "Quiet Organisation" not in page
    response_url = lambda position: reverse(  # noqa: E731
        "consult:public-response", kwargs={"slug": consultation.slug, "position_id": position.pk})
    assert "Support" in client.get(response_url(anonymous)).content.decode()
    assert client.get(response_url(confidential)).status_code == 404
    assert client.get(response_url(attributed)).status_code == 200


def test_the_secretariat_reads_the_summary_with_small_cells_marked(client, officer, answered):
    answered.small_cell_threshold = 5
    answered.save()
    client.force_login(officer)

    page = client.get(reverse("consult:summary", kwargs={"slug": answered.slug})).content.decode()

    assert "66.7%" in page and "†" in page
    assert "<b>" not in page and "Practice of FRA &lt;b&gt;" in page


@pytest.mark.django_db(transaction=True)
def test_summaries_built_from_submitted_answers_show_the_hand_counted_figures(in_process, answered, tmp_path):
    call_command("build_reports", answered.slug, "--region", "world", "--format", "html,xlsx,docx,pdf",
                 "--output", str(tmp_path / "out"), stdout=io.StringIO())

    html = (tmp_path / "out" / f"{answered.slug}-world-en.html").read_text()
    # 1.1-support: support 2 of 3, do not support 1 of 3; 1.1-priority: 4, 5, 3 -> mean 4.0, median 4.0.
    assert "66.7%" in html and "medium 33.3%" in html and "4.0" in html
    assert '<th scope="row">Respondents</th><td class="report-number">3</td>' in html
    workbook = openpyxl.load_workbook(tmp_path / "out" / f"{answered.slug}-world-en.xlsx")
    rows = list(workbook["Area 1"].iter_rows(values_only=True))
    priority = next(row for row in rows if row[2] == "1.1-priority" and row[4] in ("", None))
    assert (priority[7], priority[8], priority[9]) == (3, 4.0, 4.0)
    support = {row[4]: (row[5], row[6]) for row in rows if row[2] == "1.1-support" and row[4]}
    assert support["Support"] == (2, pytest.approx(2 / 3)) and support["Do not support"] == (1, pytest.approx(1 / 3))
    assert {path.suffix for path in (tmp_path / "out").iterdir()} == {".html", ".xlsx", ".docx", ".pdf"}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_summary_is_built_by_a_worker(celery_worker):
    from consult.services.questions import questions_generate

    from .factories import make_paper_consultation

    consultation = make_paper_consultation(areas=1, recommendations=2, slug="worker-built")
    questions_generate(consultation=consultation)
    report, = reports_request(consultation=consultation, groupings=[None], formats=["docx"], language="fr", actor=None)

    assert wait_for(lambda: Report.objects.filter(pk=report.pk, status__in=["done", "failed"]).exists())
    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == ("done", 100, "")
    assert report.file.read()[:2] == b"PK"
    report.file.delete()
