"""What consult does when the survey engine or Celery announces something; the work itself is a service's."""

import logging

from django.db import transaction

from surveys.models import Response

from .i18n import name_sort_key
from .models import Position
from .services.aggregation import aggregates_refresh_enqueue
from .services.figure_changes import PLUS, figures_change_record
from .services.outbox import task_failure_record

logger = logging.getLogger(__name__)


def response_submitted_refresh(sender, response, resubmitted=False, **kwargs) -> None:
    """Have the submitted answers added to the figures of the consultation the response answers.

    A response that counted already (a civil society response amended and submitted again)
    has had each change to its answers added as it was saved.
    """
    if Response.position.related.is_cached(response):  # Submitted through its position: no need to ask.
        position = response.position
    else:
        position = Position.objects.select_related("organisation").filter(response_id=response.pk).first()
    if position is None:
        return
    if not (resubmitted and position.status == Position.Status.SUBMITTED):
        figures_change_record(position=position, sign=PLUS)
    aggregates_refresh_enqueue(position.consultation_id)


def stored_file_delete(sender, instance, **kwargs) -> None:
    """Delete the file of a deleted upload or report (a consultation deleted takes them along) once
    the deletion is committed: Django leaves a file field's file in the storage."""
    if instance.file:
        transaction.on_commit(lambda: instance.file.delete(save=False))


def sqlite_name_collation_add(sender, connection, **kwargs) -> None:
    """Give an SQLite connection the collation that orders names as readers do (models.languages.name_order)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation("name_order", name_collation)


def name_collation(left: str, right: str) -> int:
    left, right = name_sort_key(left), name_sort_key(right)
    return (left > right) - (left < right)


def task_failed_record(sender=None, task_id=None, exception=None, args=None, einfo=None, **kwargs) -> None:
    """Record a task that failed for good (Celery's task_failure: after its last retry) for the secretariat."""
    try:
        task_failure_record(
            task_id=task_id or "",
            task_name=getattr(sender, "name", "") or "",
            args=args,
            exception=exception,
            traceback=str(getattr(einfo, "traceback", "") or ""),
            retries=sender.request.retries if sender is not None else 0,
        )
    except Exception:
        # The database may be what failed: the worker's log still has it.
        logger.exception("Could not record the failure of task %s (%s).", task_id, getattr(sender, "name", "?"))
