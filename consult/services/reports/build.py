"""Build requested reports into files, on the workers: request, build, retry, publish."""

import logging
import tempfile

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.utils import timezone, translation

from consult.i18n import interface_language
from consult.models import AuditEvent, Report
from consult.replica import reading_from_replica
from consult.services.audit import audit_record
from consult.selectors.summaries import regional_summary
from consult.services.exports import responses_export_csv, responses_export_xlsx
from consult.services.outbox import outbox_add, task_key

from .docx import render_docx
from .html import render_html
from .lease import report_heartbeat
from .pdf import render_pdf
from .xlsx import render_xlsx

logger = logging.getLogger(__name__)

RENDERERS = {
    Report.Format.HTML: render_html,
    Report.Format.DOCX: render_docx,
    Report.Format.PDF: render_pdf,
    Report.Format.XLSX: render_xlsx,
}
# Enqueued by name: the task module imports this one.
REPORT_BUILD_TASK = "consult.tasks.report_build_task"
ANONYMOUS_READER = "anonymous"
FILE_EXTENSIONS = {Report.Format.CSV_ANSWERS: "csv", Report.Format.XLSX_ANSWERS: "xlsx"}


def reports_request(*, consultation, groupings, formats, language, actor) -> list[Report]:
    """Create a report per grouping (None: the world) and format; enqueue their building once committed."""
    with transaction.atomic():
        reports = Report.objects.bulk_create(
            Report(consultation=consultation, grouping=grouping, format=format, language=language, requested_by=actor)
            for grouping in groupings
            for format in formats
        )
        reports_enqueue(reports)
        details = {"reports": [str(report.pk) for report in reports], "formats": list(formats), "language": language}
        audit_record(action=AuditEvent.Action.REPORT_REQUESTED, actor=actor, consultation=consultation, details=details)
    return reports


def reports_enqueue(reports: list[Report]) -> None:
    """Have one build task per report published once the current transaction commits (the outbox).

    With Redis away the rows wait for the relay: the request that asked is not failed.
    """
    with transaction.atomic():
        for report in reports:
            outbox_add(REPORT_BUILD_TASK, [str(report.pk)], dedupe_key=task_key(REPORT_BUILD_TASK, report.pk))


def report_build(*, report: Report) -> Report:
    """Build the report's file from the stored aggregates; mark it done, or failed with the error.

    A lost database connection is raised for the task to retry; any other error fails the
    report, with its message shown on the reports page. Meanwhile a thread renews the report's
    heartbeat, so that a build whose worker is lost is failed by the sweep (lease.py).
    """
    report_progress(report, status=Report.Status.RUNNING, progress=10, error="", heartbeat_at=timezone.now())
    with report_heartbeat(report):
        return report_render(report)


def report_render(report: Report) -> Report:
    """Write the report's file, its worker beating (report_build)."""
    # Names of states, regions and the world in the report's language ("zh" is Django's "zh-hans").
    language = interface_language(report.language)
    if report.format in Report.EXPORT_FORMATS:
        with translation.override(language):
            return report_export(report)
    try:
        # Figures and texts only: the report's progress, file and audit trail are written to default.
        with translation.override(language), reading_from_replica():
            summary = regional_summary(report.consultation, report.grouping, internal=False)
        report_progress(report, progress=40)
        with reading_from_replica():
            content = RENDERERS[report.format](summary, language=language)
    except OperationalError:
        raise
    except Exception as error:
        logger.exception("Report %s failed", report.pk)
        return report_fail(report=report, error=f"{type(error).__name__}: {error}")
    report_progress(report, progress=80)
    return report_store(report, content, summary.data_cutoff)


def report_export(report: Report) -> Report:
    """Export the report's submitted answers (its audience, its grouping's states) into its file.

    The export streams into a temporary file, in chunks, and is stored only once whole.
    """
    data_cutoff = timezone.now()  # Answers submitted after this moment may be missing from the file.
    options = {"consultation": report.consultation, "audience": report.audience or None, "grouping": report.grouping}
    with tempfile.TemporaryFile() as temporary:
        try:
            if report.format == Report.Format.CSV_ANSWERS:
                with open(temporary.fileno(), "w", encoding="utf-8", newline="", closefd=False) as text:
                    responses_export_csv(**options, stream=text)
            else:
                responses_export_xlsx(**options, path=temporary)
        except OperationalError:
            raise
        except Exception as error:
            logger.exception("Report %s failed", report.pk)
            return report_fail(report=report, error=f"{type(error).__name__}: {error}")
        report_progress(report, progress=80)
        temporary.seek(0)
        return report_store(report, File(temporary), data_cutoff)


def report_progress(report: Report, **changes) -> None:
    """Record the report's progress at once, outside any transaction, so the page polling it sees it."""
    for name, value in changes.items():
        setattr(report, name, value)
    Report.objects.filter(pk=report.pk).update(**changes)


def report_store(report: Report, content: bytes | File, data_cutoff) -> Report:
    """Save the file under a new name, then point the report at it: a file is offered only once whole."""
    previous = report.file.name
    content = content if isinstance(content, File) else ContentFile(content)
    report.file.save(report_filename(report), content, save=False)
    report_progress(
        report, file=report.file.name, status=Report.Status.DONE, progress=100, data_cutoff=data_cutoff,
        finished_at=timezone.now(), error="",
    )
    if previous and previous != report.file.name:
        report.file.storage.delete(previous)
    report_audit(AuditEvent.Action.REPORT_BUILT, report, file=report.file.name)
    return report


def report_fail(*, report: Report, error: str) -> Report:
    report_progress(report, status=Report.Status.FAILED, error=error[:2000], finished_at=timezone.now())
    report_audit(AuditEvent.Action.REPORT_FAILED, report, error=error[:500])
    return report


def report_audit(action, report: Report, actor=None, **details) -> None:
    """Record a step of the report's life; building and failing are the workers' doing, with no actor."""
    audit_record(action=action, actor=actor, consultation=report.consultation_id, obj=report, details=details)


def report_filename(report: Report) -> str:
    grouping = report.grouping.code if report.grouping else "world"
    if report.format in Report.EXPORT_FORMATS:  # Raw answers: question codes as headers, in no language.
        audience = f"-{report.audience}" if report.audience else ""
        return f"{report.consultation.slug}-{grouping}{audience}-answers.{FILE_EXTENSIONS[report.format]}"
    return f"{report.consultation.slug}-{grouping}-{report.language}.{report.format}"


def report_download_record(*, report: Report, actor, via: str = "") -> AuditEvent:
    """Record who downloaded the report, in what format, and when.

    Anyone may read a published report: an anonymous reader is recorded as "anonymous", with
    no address, so the trail counts public reading without holding personal data.
    """
    details = {"format": report.format, "published": report.is_published, "via": via}
    if not actor.is_authenticated:
        details, actor = {**details, "reader": ANONYMOUS_READER}, None
    return audit_record(
        action=AuditEvent.Action.REPORT_DOWNLOADED, actor=actor, consultation=report.consultation, obj=report,
        details=details, keep_address=actor is not None,
    )


def report_retry(*, report: Report, actor=None) -> Report:
    """Put a failed report back in the queue."""
    with transaction.atomic():
        report_progress(report, status=Report.Status.PENDING, progress=0, error="", finished_at=None)
        reports_enqueue([report])
        report_audit(AuditEvent.Action.REPORT_REQUESTED, report, actor, retry=True)
    return report


def report_publish(*, report: Report, published: bool, actor=None) -> Report:
    """Publish a built report (readable without an account), or withdraw it (recorded as published: false)."""
    with transaction.atomic():
        report_progress(report, is_published=published)
        report_audit(AuditEvent.Action.REPORT_PUBLISHED, report, actor, published=published)
    return report
