"""The report-building task (found by `app.autodiscover_tasks(related_name="tasks_reports")`)."""

from celery import shared_task
from django.db import OperationalError

from consult.models import Report
from consult.services.reports.build import report_build, report_fail

MAX_RETRIES = 4


# acks_late with reject-on-worker-lost (settings): a killed worker's build is delivered again;
# building is idempotent, and a report already done is left as it is.
@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def report_build_task(self, report_id: str) -> str:
    """Build the report; retry a lost database connection with backoff, then mark the report failed."""
    report = Report.objects.select_related("consultation", "grouping").filter(pk=report_id).first()
    if report is None or report.status == Report.Status.DONE:
        return "nothing to build"
    try:
        return report_build(report=report).status
    except OperationalError as error:
        if self.request.retries >= self.max_retries:
            return report_fail(report=report, error=f"Database unavailable: {error}").status
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1))
