"""Celery tasks: ids in, one service call, retried when the database connection fails.

Every task retries a lost database connection a bounded number of times (config.celery's
ProductTask), then fails for good and is listed for the secretariat (TaskFailure).
"""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from consult.models import Consultation
from consult.services.aggregation import aggregates_rebuild, aggregates_refresh
from consult.services.outbox import outbox_add, outbox_claim, outbox_publish_pending
from consult.services.questions import questions_generate
from consult.services.submissions import submission_keys_expire

REFRESH_TASK = "consult.tasks.aggregates_refresh_task"


# Generation is idempotent, so a run cut short by a lost connection or a deadlock is safe to retry.
@shared_task
def questions_generate_task(consultation_id: int, actor_id: int | None = None) -> str:
    """Generate the consultation's questions (for the audit trail, at `actor_id`'s request); return the summary."""
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return f"Consultation {consultation_id} no longer exists: nothing generated."
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return questions_generate(consultation=consultation, actor=actor).summary()


# A recount replaces every figure of the consultation, so running it twice is harmless.
@shared_task(ignore_result=True)
def aggregates_refresh_task(consultation_id: int) -> str:
    """Recount the consultation's figures after submissions; return how many were written."""
    # Claimed before counting: a submission committed from now on is not sure to be counted by
    # this run, so it writes a new outbox row, which schedules the next one.
    outbox_claim(refresh_key(consultation_id))
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return f"Consultation {consultation_id} no longer exists: nothing counted."
    return f"{aggregates_refresh(consultation=consultation)} figures counted."


@shared_task
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


def aggregates_refresh_enqueue(consultation_id: int) -> None:
    """Have the consultation's figures recounted once the current transaction commits.

    Submissions close together share one recount: the first of a coalescing window writes the
    outbox row, which schedules the recount `AGGREGATE_COALESCE_SECONDS` later, and the others
    find the row waiting. With Redis down the row waits for the relay; with tasks run
    in-process (no Redis), the recount runs at once.
    """
    countdown = int(getattr(settings, "AGGREGATE_COALESCE_SECONDS", 10))
    outbox_add(REFRESH_TASK, [consultation_id], dedupe_key=refresh_key(consultation_id), countdown=countdown)


def refresh_key(consultation_id: int) -> str:
    return f"aggregates-refresh:{consultation_id}"
