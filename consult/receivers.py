"""What consult does when the survey engine or Celery announces something; the work itself is a service's."""

import logging

from surveys.models import Response

from .i18n import name_sort_key
from .models import Position
from .services.aggregation import aggregates_refresh_enqueue
from .services.outbox import task_failure_record

logger = logging.getLogger(__name__)


def response_submitted_refresh(sender, response, **kwargs) -> None:
    """Have the figures of the consultation the response answers recounted after the submission commits."""
    if Response.position.related.is_cached(response):  # Submitted through its position: no need to ask.
        consultation_id = getattr(response.position, "consultation_id", None)
    else:
        consultation_ids = Position.objects.filter(response_id=response.pk).values_list("consultation_id", flat=True)
        consultation_id = consultation_ids.first()
    if consultation_id is not None:
        aggregates_refresh_enqueue(consultation_id)


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
