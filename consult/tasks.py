"""Celery tasks: ids in, one service call, retried when the database connection fails.

Every task retries a lost database connection a bounded number of times (config.celery's
ProductTask), then fails for good and is listed for the secretariat (TaskFailure).
"""

import logging
import smtplib

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError

from consult.models import AnalysisRun, Consultation, Report
from consult.services.aggregation import aggregates_check, aggregates_check_enqueue, aggregates_refresh, refresh_key
from consult.services.audit import audit_seal
from consult.services.outbox import outbox_claim, outbox_publish_pending, task_key
from consult.services.password_reset import password_reset_mail_send
from consult.services.questions import questions_generate
from consult.services.reminders import reminders_send
from consult.services.reports.lease import report_claim, reports_fail_stalled
from consult.services.submissions import submission_keys_expire

logger = logging.getLogger(__name__)
# Every process imports this module when Django starts (apps.py). Report building (matplotlib,
# WeasyPrint) and text analysis (scikit-learn) are imported by their tasks only: at module
# level they cost every command and web process 135 MB and a second (an export peaked at 314 MB).

REPORT_BUILD_MAX_RETRIES = 4
# How many times a second delivery of a build waits for the first one's lease before leaving it be.
REPORT_LEASE_WAITS = 10


# Generation is idempotent, so a run cut short by a lost connection or a deadlock is safe to retry.
@shared_task
def questions_generate_task(consultation_id: int, actor_id: int | None = None) -> str:
    """Generate the consultation's questions (for the audit trail, at `actor_id`'s request); return the summary."""
    outbox_claim(task_key(questions_generate_task.name, consultation_id))
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return f"Consultation {consultation_id} no longer exists: nothing generated."
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return questions_generate(consultation=consultation, actor=actor).summary()


# Running it twice is harmless: each change is added once, by the run that deletes it.
@shared_task(ignore_result=True)
def aggregates_refresh_task(consultation_id: int) -> str:
    """Add the figure changes of submissions and reopenings to the consultation's figures."""
    # Claimed before counting: a submission committed from now on is not sure to be counted by
    # this run, so it writes a new outbox row, which schedules the next one.
    outbox_claim(refresh_key(consultation_id))
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return f"Consultation {consultation_id} no longer exists: nothing counted."
    return f"{aggregates_refresh(consultation=consultation)} figure changes counted."


@shared_task
def aggregates_check_task(consultation_id: int | None = None) -> str:
    """Check one consultation's figures against a recount, repairing them, or have every open one checked."""
    if consultation_id is None:
        open_ids = list(Consultation.objects.filter(status=Consultation.Status.OPEN).values_list("pk", flat=True))
        aggregates_check_enqueue(open_ids)
        return f"{len(open_ids)} open consultations to check."
    outbox_claim(task_key(aggregates_check_task.name, consultation_id))
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return f"Consultation {consultation_id} no longer exists: nothing counted."
    differences = aggregates_check(consultation=consultation)
    return f"{len(differences)} figures differed from a recount and were repaired."


# Sealing twice is harmless: the second finds nothing to chain.
@shared_task(ignore_result=True)
def audit_seal_task() -> str:
    """Chain the audit events committed since the last seal."""
    return f"{audit_seal()} audit events sealed."


# Not retried: beat runs it again in a few seconds.
@shared_task
def submission_keys_expire_task() -> str:
    """Forget the submission keys old enough that no replay of them can come any more."""
    return f"{submission_keys_expire()} submission keys expired."


@shared_task(ignore_result=True, autoretry_for=())
def outbox_relay_task() -> str:
    """Publish the outbox rows that wait (broker down at commit, or task lost); say how many."""
    published, waiting = outbox_publish_pending()
    return f"{published} published, {waiting} still waiting."


# A mail server that does not answer is tried again, as a lost database is; then the failure is listed.
@shared_task(ignore_result=True, autoretry_for=(OperationalError, InterfaceError, smtplib.SMTPException, OSError))
def password_reset_mail_task(email: str, domain: str, use_https: bool, language: str) -> str:
    """Mail the password reset link to the address, if it has an account."""
    mailed = password_reset_mail_send(email=email, domain=domain, use_https=use_https, language=language)
    return f"{mailed} reset links mailed."


@shared_task
def reminders_send_task() -> int:
    """Send today's reminders for every open consultation; return the number of states reminded."""
    return sum(
        reminders_send(consultation=consultation)
        for consultation in Consultation.objects.filter(status=Consultation.Status.OPEN)
    )


# acks_late with reject-on-worker-lost (settings): a killed worker's build is delivered again;
# building is idempotent, and a report already done is left as it is.
@shared_task(bind=True, acks_late=True, max_retries=REPORT_BUILD_MAX_RETRIES)
def report_build_task(self, report_id: str) -> str:
    """Build the report; retry a lost database connection with backoff, then mark the report failed."""
    from consult.services.reports.build import report_build, report_fail  # Here, not above: see the note at the top.

    outbox_claim(task_key(self.name, report_id))
    report = Report.objects.select_related("consultation", "grouping").filter(pk=report_id).first()
    if report is None or report.status == Report.Status.DONE:
        return "nothing to build"
    # A build under way elsewhere (this message delivered again while its worker still beats) is
    # left to finish: wait until its lease lapses, then build only if it has not finished.
    wait = report_claim(report)
    if wait:
        if self.request.retries >= REPORT_LEASE_WAITS:
            return "being built by another worker"
        raise self.retry(countdown=wait, max_retries=REPORT_LEASE_WAITS)
    try:
        return report_build(report=report).status
    except OperationalError as error:
        if self.request.retries >= self.max_retries:
            return report_fail(report=report, error=f"Database unavailable: {error}").status
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1))


# Kept under this name (outbox rows and messages waiting at a deploy name it), though it now
# spreads the run: a second delivery finds the run started and enqueues nothing more.
@shared_task(acks_late=True)
def texts_analyse_task(run_id: int) -> str:
    """Start the run, one task per question; a failure other than a lost connection marks the run failed."""
    from consult.services.themes.analysis import run_fail, texts_analyse_spread  # Here, not above: see the top.

    outbox_claim(task_key(texts_analyse_task.name, run_id))
    run = AnalysisRun.objects.select_related("consultation", "requested_by").filter(pk=run_id).first()
    if run is None:
        return "nothing to analyse"
    try:
        return texts_analyse_spread(run=run).status
    except OperationalError:
        raise
    except Exception as error:
        logger.exception("Analysis run %s failed to start", run_id)
        return run_fail(run=run, error=f"{type(error).__name__}: {error}").status


# Analysing again is safe: it never touches what a person decided, replaces only untouched
# proposals, and a question is counted on its run once however often it is delivered.
@shared_task(acks_late=True)
def question_analyse_task(run_id: int, code: str) -> str:
    """Analyse one question of the run and count it; a failure other than a lost connection fails the run."""
    from consult.services.themes.analysis import question_analyse_count, question_task_key, run_fail  # See the top.

    outbox_claim(question_task_key(run_id, code))
    run = AnalysisRun.objects.select_related("consultation", "requested_by").filter(pk=run_id).first()
    if run is None or run.status != AnalysisRun.Status.RUNNING:
        return "nothing to analyse"  # Failed (another question's error) or done: nothing to add to it.
    try:
        return question_analyse_count(run=run, code=code).status
    except OperationalError:
        raise
    except Exception as error:
        logger.exception("Analysis run %s failed on question %s", run_id, code)
        return run_fail(run=run, error=f"{code}: {type(error).__name__}: {error}").status


# Not retried: beat runs it again in a few seconds.
@shared_task(ignore_result=True, autoretry_for=())
def reports_fail_stalled_task() -> str:
    """Mark failed, to be built again, the running reports whose worker stopped beating."""
    return f"{reports_fail_stalled()} stalled reports failed."
