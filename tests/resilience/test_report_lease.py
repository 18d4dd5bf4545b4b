"""A whole worker SIGKILLed mid-build, with the default visibility timeout: the report fails within a minute.

Before the lease, such a report stayed "running" for the visibility timeout (3,600 s: its task sat
unacknowledged in Redis) and could not be built again. Now the worker beats every
REPORT_HEARTBEAT_SECONDS, beat's sweep fails a running report whose heartbeat is older than
REPORT_LEASE_SECONDS, and *Build again* builds it. The production defaults are used throughout.
"""

import signal
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from consult.models import Report

from ..report_builds import KilledBuild, media, report_status, world_consultation  # noqa: F401 (fixtures)
from ..workers import beat_process, wait_for, worker_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAILED_WITHIN_SECONDS = 60


def test_a_report_whose_whole_worker_was_killed_fails_within_a_minute_and_builds_again(
    media, world_consultation, officer, tmp_path  # noqa: F811
):
    assert settings.REDIS_VISIBILITY_TIMEOUT == 3600  # Not lowered: a long build is never delivered twice.
    report = Report.objects.create(consultation=world_consultation, format="pdf", language="en")
    build = KilledBuild(report, media)
    database = settings.DATABASES["default"]
    with worker_process(database, env=build.env), beat_process(database, tmp_path, env=build.env):
        first = build.kill_mid_build()
        killed_at = time.monotonic()
        assert first.returncode == -signal.SIGKILL
        assert report_status(report) == Report.Status.RUNNING

        assert wait_for(lambda: report_status(report) == Report.Status.FAILED, timeout=FAILED_WITHIN_SECONDS + 30)
        failed_after = time.monotonic() - killed_at
        client = Client()
        client.force_login(officer)
        page = client.get(reverse("consult:report-list", args=[world_consultation.slug])).content.decode()
        assert "The worker building this report stopped before it finished. Build it again." in page
        assert reverse("consult:report-retry", args=[report.pk]) in page

        client.post(reverse("consult:report-retry", args=[report.pk]))
        assert wait_for(lambda: report_status(report) == Report.Status.DONE, timeout=120)
        built_after = time.monotonic() - killed_at

    print(f"\nWhole worker SIGKILLed mid-build (visibility timeout {settings.REDIS_VISIBILITY_TIMEOUT} s): report "
          f"failed {failed_after:.0f} s after the kill, built again {built_after:.0f} s after it")
    assert failed_after <= FAILED_WITHIN_SECONDS
    assert Report.objects.get(pk=report.pk).error == ""
