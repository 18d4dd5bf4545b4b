"""A report's lease: the worker building it beats every few seconds; a build whose beat stops is failed.

A worker killed whole (SIGKILL, a lost machine) leaves its task unacknowledged in Redis until the
visibility timeout (an hour: long builds must not be delivered twice) and its report "running".
So the building worker renews the report's heartbeat every REPORT_HEARTBEAT_SECONDS from a thread
of its own, and beat's sweep marks failed, to be built again, any running report whose heartbeat
is older than REPORT_LEASE_SECONDS. A second delivery of a build that is still beating waits for
its lease to lapse instead of building alongside it (`report_claim`).
"""

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Q
from django.utils import timezone

from consult.models import AuditEvent, Report
from consult.services.audit import audit_record

logger = logging.getLogger(__name__)

Status = Report.Status


def lapsed_before():
    """Return the moment before which a heartbeat means its build has stopped."""
    return timezone.now() - timedelta(seconds=settings.REPORT_LEASE_SECONDS)


def report_claim(report: Report) -> float:
    """Take the report's lease for this build; return 0, or the seconds until another live build's lease lapses."""
    free = ~Q(status=Status.RUNNING) | Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=lapsed_before())
    if Report.objects.filter(free, pk=report.pk).update(status=Status.RUNNING, heartbeat_at=timezone.now()):
        return 0.0
    beat = Report.objects.filter(pk=report.pk).values_list("heartbeat_at", flat=True).first()
    remaining = (beat - timezone.now()).total_seconds() + settings.REPORT_LEASE_SECONDS if beat else 0.0
    return max(remaining, 1.0)


@contextmanager
def report_heartbeat(report: Report):
    """Renew the report's heartbeat every REPORT_HEARTBEAT_SECONDS while the block runs."""
    stop = threading.Event()
    beater = threading.Thread(target=heartbeat, args=(report.pk, stop), name=f"heartbeat-{report.pk}", daemon=True)
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join()


def heartbeat(report_id, stop: threading.Event) -> None:
    # A thread of its own, so that the beat goes on while the build holds the worker for minutes
    # (it needs the GIL only for a moment), with a database connection of its own, closed at the end.
    try:
        while not stop.wait(settings.REPORT_HEARTBEAT_SECONDS):
            try:
                Report.objects.filter(pk=report_id, status=Status.RUNNING).update(heartbeat_at=timezone.now())
            except DatabaseError as error:  # The build itself meets the outage and retries; beat again later.
                logger.warning("Report %s: heartbeat not recorded (%s).", report_id, error)
    finally:
        connections.close_all()


def reports_fail_stalled() -> int:
    """Mark failed, to be built again, the running reports whose heartbeat stopped; return how many."""
    lapsed = lapsed_before()
    stalled = Report.objects.filter(status=Status.RUNNING).filter(
        Q(heartbeat_at__lt=lapsed) | Q(heartbeat_at__isnull=True, created_at__lt=lapsed)
    )
    failed = 0
    for report in stalled.select_related("consultation", "grouping"):
        # Only if it has not beaten since it was read: its worker may have come back.
        if Report.objects.filter(pk=report.pk, status=Status.RUNNING, heartbeat_at=report.heartbeat_at).update(
            status=Status.FAILED, error=Report.STALLED_ERROR, finished_at=timezone.now()
        ):
            failed += 1
            audit_record(action=AuditEvent.Action.REPORT_FAILED, actor=None, consultation=report.consultation_id,
                         obj=report, details={"error": Report.STALLED_ERROR})
    return failed
