"""Report builds by real Celery workers, killed with SIGKILL mid-build: shared by the worker tests.

The worker processes consume a queue of their own (so no other worker takes the task). The
first is killed while it builds; a second, whose Redis visibility timeout is a few seconds,
gets the unacknowledged task again without waiting an hour.
"""

import io
import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from consult.models import Report
from consult.services.aggregation import aggregates_rebuild
from consult.services.demo_responses import demo_responses_generate
from consult.services.reports.build import report_build
from consult.services.stakeholders import member_states_load
from consult.tasks import report_build_task

from .factories import make_open_consultation
from .workers import wait_for, worker_process

FINISHED = (Report.Status.DONE, Report.Status.FAILED)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def media(settings, tmp_path):
    """Files in a temporary folder, for the test and for the workers it starts."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world_consultation():
    """A consultation of every member state, with demo responses and their figures: a PDF of some seconds."""
    member_states_load()
    consultation = make_open_consultation(slug="killtest", title="Kill test consultation", areas=4, recommendations=4)
    demo_responses_generate(consultation=consultation, states=60, organisations=60, seed=7)
    aggregates_rebuild(consultation=consultation)
    return consultation


def report_status(report):
    return Report.objects.filter(pk=report.pk).values_list("status", flat=True).first()


def report_content(report) -> bytes:
    with report.file.open("rb") as file:
        return file.read()


def clean_build(consultation, **fields) -> bytes:
    """Build a report in this process, undisturbed, and return its file's content."""
    report = Report.objects.create(consultation=consultation, format="pdf", language="en", **fields)
    report_build(report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    return report_content(report)


class KilledBuild:
    """A report's build task, its first worker SIGKILLed mid-build, then a second worker running."""

    def __init__(self, report, media):
        self.report, self.media = report, media
        self.queue = f"killtest-{uuid.uuid4().hex[:8]}"
        self.env = {"MEDIA_ROOT": str(media)}

    def kill_mid_build(self, after=0.3):
        """Start the build on a worker and kill the worker `after` seconds into it; return the worker's process."""
        database = settings.DATABASES["default"]
        with worker_process(database, queues=[self.queue], env=self.env) as (first, _hostname):
            report_build_task.apply_async(args=[str(self.report.pk)], queue=self.queue)
            assert wait_for(lambda: report_status(self.report) == Report.Status.RUNNING, timeout=60)
            time.sleep(after)  # Well into the build, which takes seconds.
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        return first

    def redelivered(self):
        """Start a second worker; yield once it has built the report again (a context manager's body)."""
        database = settings.DATABASES["default"]
        # Its lease shorter than the redelivery, so that it takes over the build at once.
        env = {**self.env, "CELERY_VISIBILITY_TIMEOUT": "3", "REPORT_LEASE_SECONDS": "2"}
        return worker_process(database, queues=[self.queue], env=env)

    def wait_until_built(self, timeout=120):
        assert wait_for(lambda: report_status(self.report) in FINISHED, timeout=timeout)
        time.sleep(1)  # Long enough for a second delivery, had there been one, to show.
        return Report.objects.get(pk=self.report.pk)
