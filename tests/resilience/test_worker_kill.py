"""A Celery worker SIGKILLed while it builds a regional summary: the task runs again, to the same result.

The build is a PDF of a region's summary over demo responses from every state: seconds of work,
long enough to kill the worker in the middle of it. The task is acknowledged late and rejected
on worker loss, so Redis delivers it again to the next worker; building is idempotent.
"""

import signal
import time

import pytest

from consult.models import RegionalGrouping, Report
from consult.tasks import report_build_task

from ..report_builds import (  # noqa: F401 (media and world_consultation are fixtures)
    KilledBuild,
    clean_build,
    files_under,
    media,
    pdf_text,
    report_content,
    world_consultation,
)
from ..workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def busiest_region(consultation) -> RegionalGrouping:
    """Return the UN region with the most answering states, for the longest regional build."""
    regions = RegionalGrouping.objects.filter(kind=RegionalGrouping.Kind.M49_REGION)
    return max(regions, key=lambda region: consultation.positions.filter(member_state__region=region).count())


def test_a_worker_killed_mid_regional_summary_is_replaced_and_the_summary_is_the_clean_one(media, world_consultation):
    region = busiest_region(world_consultation)
    started = time.monotonic()
    expected = clean_build(world_consultation, grouping=region)
    clean_seconds = time.monotonic() - started
    report = Report.objects.create(consultation=world_consultation, grouping=region, format="pdf", language="en")
    build = KilledBuild(report, media)

    first = build.kill_mid_build(after=min(0.3, clean_seconds / 3))
    killed_at = time.monotonic()
    assert first.returncode == -signal.SIGKILL
    killed = Report.objects.get(pk=report.pk)
    assert (killed.status, killed.file.name) == (Report.Status.RUNNING, "")

    with build.redelivered():
        built = build.wait_until_built()
        redelivery_seconds = time.monotonic() - killed_at - 1  # wait_until_built waits 1 s more.
        content = report_content(built)
        assert (built.status, built.progress, built.error) == (Report.Status.DONE, 100, "")
        assert content == expected  # The very same bytes as the undisturbed build.

        # The same task three times more: the report is left as it is, one file, the same bytes.
        results = [report_build_task.apply_async(args=[str(report.pk)], queue=build.queue) for _time in range(3)]
        assert wait_for(lambda: all(result.ready() for result in results), timeout=60)
        assert [result.get() for result in results] == ["nothing to build"] * 3
        again = Report.objects.get(pk=report.pk)
        assert (again.file.name, again.finished_at) == (built.file.name, built.finished_at)
        assert report_content(again) == expected

        # Three fresh builds of the same summary by the worker: three times the same bytes.
        fresh = [Report.objects.create(consultation=world_consultation, grouping=region, format="pdf", language="en")
                 for _time in range(3)]
        for other in fresh:
            report_build_task.apply_async(args=[str(other.pk)], queue=build.queue)
        assert wait_for(lambda: all(Report.objects.get(pk=other.pk).status == Report.Status.DONE for other in fresh),
                        timeout=120)
        assert {report_content(Report.objects.get(pk=other.pk)) for other in fresh} == {expected}

    assert pdf_text(content).count(region.name) >= 1
    # The killed build left no stray file: one per report built (the clean one, the killed one, three fresh).
    assert len(files_under(media)) == 5
    print(f"\nRegional summary of {region.name}: clean build {clean_seconds:.1f} s; worker SIGKILLed mid-build; "
          f"rebuilt by the next worker {redelivery_seconds:.1f} s after the kill; identical bytes; "
          f"3 replays of the task left it unchanged; 3 fresh builds identical.")
