"""Work asked for while Redis is away: the page answers, the task waits in the outbox, and is done once Redis is back.

Question generation, report builds and theme analyses used to be sent straight to the broker
after the commit. With the broker on a closed port that call spent about 19 s in the result
backend's reconnection loop, then raised into the request (500); with Redis gone from under
a running process, kombu's pooled producer could raise AttributeError instead. They now go
through the outbox, whose publication opens its own short-lived connection and logs failures.
"""

import logging
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from consult.models import AnalysisRun, OutboxTask, Report
from consult.services.outbox import outbox_publish_pending
from consult.services.questions import GENERATE_TASK
from consult.services.reports.build import REPORT_BUILD_TASK
from consult.services.themes.analysis import ANALYSE_TASK
from surveys.models import Question

from .factories import make_open_consultation, make_paper_consultation
from .workers import free_port, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

# One refused connection, no retries (outbox.PUBLISH_OPTIONS), plus the page's own work.
PAGE_LIMIT_SECONDS = 3.0


@pytest.fixture
def redis_away():
    """Point the site's broker at a loopback port where nothing listens; yield what brings Redis back."""
    url = app.conf.broker_url

    def back():
        app.conf.broker_url = url

    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    yield back
    back()


def timed_post(client, url, data=None):
    started = time.monotonic()
    response = client.post(url, data or {})
    return response, time.monotonic() - started


def waiting(task_name):
    return OutboxTask.objects.filter(task_name=task_name, published_at__isnull=True)


def relay_now():
    """Run the relay as beat does, past the grace it leaves a publication at the commit."""
    OutboxTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    return outbox_publish_pending()


def test_question_generation_asked_while_redis_is_away_waits_and_runs_once_it_returns(
    client, officer, redis_away, celery_worker, caplog
):
    consultation = make_paper_consultation(areas=1, recommendations=2, language="en")
    client.force_login(officer)

    with caplog.at_level(logging.WARNING, logger="consult.services.outbox"):
        response, seconds = timed_post(client, reverse("consult:questions-generate", args=[consultation.slug]))

    print(f"\nquestion generation asked with Redis away: {response.status_code} in {seconds:.2f} s")
    assert response.status_code == 302
    assert seconds < PAGE_LIMIT_SECONDS
    row = waiting(GENERATE_TASK).get()
    assert (row.args, row.attempts) == ([consultation.pk, officer.pk], 1)
    assert row.last_error
    assert "could not publish" in caplog.text
    assert relay_now() == (0, 1)  # Still away: the relay leaves it waiting too.

    redis_away()
    assert relay_now() == (1, 0)
    assert wait_for(lambda: Question.objects.filter(survey__questionnaire__consultation=consultation).exists())
    assert wait_for(lambda: not OutboxTask.objects.exists())  # The task claimed its row.


def test_reports_asked_while_redis_is_away_wait_and_the_request_tries_the_broker_once(
    client, officer, redis_away, caplog
):
    consultation = make_open_consultation()
    client.force_login(officer)
    form = {"regions": ["world"], "formats": ["html", "xlsx", "pdf"], "language": "en"}

    with caplog.at_level(logging.WARNING, logger="consult.services.outbox"):
        response, seconds = timed_post(client, reverse("consult:report-list", args=[consultation.slug]), form)

    print(f"\nthree reports asked with Redis away: {response.status_code} in {seconds:.2f} s")
    assert response.status_code == 302
    assert seconds < PAGE_LIMIT_SECONDS
    reports = Report.objects.filter(consultation=consultation)
    assert sorted(reports.values_list("status", flat=True)) == ["pending"] * 3
    rows = waiting(REPORT_BUILD_TASK).order_by("created_at")
    assert sorted(row.args[0] for row in rows) == sorted(str(report.pk) for report in reports)
    assert sorted(row.attempts for row in rows) == [0, 0, 1]
    assert caplog.text.count("failed earlier in this request") == 2


def test_an_analysis_asked_while_redis_is_away_waits_in_the_outbox(client, officer, redis_away):
    consultation = make_open_consultation()
    client.force_login(officer)

    response, _seconds = timed_post(client, reverse("consult:themes-analyse", args=[consultation.slug]))

    assert response.status_code == 302
    run = AnalysisRun.objects.get(consultation=consultation)
    assert waiting(ANALYSE_TASK).get().args == [run.pk]

