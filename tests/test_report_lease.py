"""Report leases: a build beats while it runs, a second delivery waits for it, a stopped one is failed."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from consult.models import AuditEvent, Report
from consult.services.reports.lease import report_claim, report_heartbeat, reports_fail_stalled

Status = Report.Status


def running(consultation, beaten_seconds_ago):
    beat = timezone.now() - timedelta(seconds=beaten_seconds_ago)
    return Report.objects.create(consultation=consultation, format="pdf", status=Status.RUNNING, heartbeat_at=beat)


def test_the_sweep_fails_only_the_reports_whose_heartbeat_stopped(consultation, settings):
    stopped, beating = running(consultation, settings.REPORT_LEASE_SECONDS + 1), running(consultation, 5)
    done = Report.objects.create(consultation=consultation, format="pdf", status=Status.DONE)

    assert reports_fail_stalled() == 1

    stopped.refresh_from_db()
    assert (stopped.status, stopped.error) == (Status.FAILED, Report.STALLED_ERROR)
    assert Report.objects.get(pk=beating.pk).status == Status.RUNNING
    assert Report.objects.get(pk=done.pk).status == Status.DONE
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_FAILED, object_id=str(stopped.pk)).exists()


def test_the_stalled_message_is_shown_in_the_readers_language(consultation):
    from django.utils import translation

    report = Report(consultation=consultation, error=Report.STALLED_ERROR)
    with translation.override("fr"):
        assert report.error_message() != Report.STALLED_ERROR
    assert Report(error="ValueError: x").error_message() == "ValueError: x"


def test_a_second_delivery_waits_for_a_build_that_still_beats(consultation, settings):
    beating = running(consultation, 5)
    stopped = running(consultation, settings.REPORT_LEASE_SECONDS + 1)
    waiting = Report.objects.create(consultation=consultation, format="pdf")

    assert settings.REPORT_LEASE_SECONDS - 6 <= report_claim(beating) <= settings.REPORT_LEASE_SECONDS - 4
    assert report_claim(stopped) == 0 and report_claim(waiting) == 0
    assert Report.objects.get(pk=waiting.pk).status == Status.RUNNING


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_renewed_while_the_build_runs(consultation, settings):
    settings.REPORT_HEARTBEAT_SECONDS = 0.1
    report = running(consultation, 60)

    with report_heartbeat(report):
        time.sleep(0.5)

    report.refresh_from_db()
    assert timezone.now() - report.heartbeat_at < timedelta(seconds=1)
