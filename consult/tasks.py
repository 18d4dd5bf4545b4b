"""Celery tasks: ids in, one service call, retried when the database connection fails."""

from functools import partial

from celery import current_app, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction

from consult.models import Consultation
from consult.services.aggregation import aggregates_rebuild, aggregates_refresh
from consult.services.questions import questions_generate


# Generation is idempotent, so a run cut short by a lost connection or a deadlock is safe to retry.
@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def questions_generate_task(consultation_id: int) -> str:
    """Generate the consultation's questions; return the summary."""
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return f"Consultation {consultation_id} no longer exists: nothing generated."
    return questions_generate(consultation=consultation).summary()


# A recount replaces every figure of the consultation, so running it twice is harmless.
@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def aggregates_refresh_task(consultation_id: int) -> str:
    """Recount the consultation's figures after submissions; return how many were written."""
    # Cleared before counting: a submission committed from now on is not sure to be counted
    # by this run, so it must be able to schedule the next one.
    cache.delete(refresh_pending_key(consultation_id))
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return f"Consultation {consultation_id} no longer exists: nothing counted."
    return f"{aggregates_refresh(consultation=consultation)} figures counted."


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def aggregates_rebuild_task(consultation_id: int | None = None) -> str:
    """Recount one consultation's figures or, given none, have every open consultation recounted."""
    if consultation_id is None:
        open_ids = list(Consultation.objects.filter(status=Consultation.Status.OPEN).values_list("pk", flat=True))
        for open_id in open_ids:
            aggregates_rebuild_task.delay(open_id)
        return f"{len(open_ids)} open consultations to recount."
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return f"Consultation {consultation_id} no longer exists: nothing counted."
    return f"{aggregates_rebuild(consultation=consultation)} figures counted."


def aggregates_refresh_enqueue(consultation_id: int) -> None:
    """Have the consultation's figures recounted once the current transaction commits.

    Submissions close together share one recount: the first of a coalescing window schedules
    it, `AGGREGATE_COALESCE_SECONDS` later, and the others find it scheduled. With tasks run
    in-process (no Redis), the recount runs at once.
    """
    # robust: the submission is committed by then; a failed recount is logged, not shown to the
    # person who submitted, and the periodic rebuild corrects it.
    transaction.on_commit(partial(refresh_schedule, consultation_id), robust=True)


def refresh_schedule(consultation_id: int) -> None:
    if current_app.conf.task_always_eager:
        aggregates_refresh_task.delay(consultation_id)
        return
    window = coalesce_seconds()
    # The task ends the window by deleting the key; the timeout only frees it if the task is lost.
    if cache.add(refresh_pending_key(consultation_id), 1, timeout=2 * window):
        try:
            aggregates_refresh_task.apply_async((consultation_id,), countdown=window)
        except Exception:
            cache.delete(refresh_pending_key(consultation_id))
            raise


def coalesce_seconds() -> int:
    return int(getattr(settings, "AGGREGATE_COALESCE_SECONDS", 10))


def refresh_pending_key(consultation_id: int) -> str:
    return f"consult:aggregates-refresh-pending:{consultation_id}"
