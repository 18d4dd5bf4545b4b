"""The transactional outbox: work to do after a commit, written in the transaction itself.

A task published to the broker from inside a transaction can run before the commit or be
lost if the broker is down; one published after the commit is lost if the process dies in
between. So the transaction writes an OutboxTask row instead: it commits or rolls back with
the change that needs it. Once committed, the row is published at once when the broker
answers; when it does not, the row waits and the relay (`outbox_publish_pending`, run by
beat every few seconds and by `manage.py outbox_relay`) publishes it later. A broker error
is logged, never shown to the person whose change made the task necessary.

A dedupe key coalesces: while a row with the key waits, more requests for the same work add
nothing. The task claims its row (`outbox_claim`) when it starts, so work committed from then
on adds a new row and a new run.

A task that fails for good, after its bounded retries, is recorded as a TaskFailure (by the
worker's task_failure signal) and listed for the secretariat until someone dismisses it.
"""

import logging
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import OutboxTask, TaskFailure
from ..request_memo import memo_note, memo_recall

logger = logging.getLogger(__name__)

RELAY_BATCH = 500
BROKER_FAILED = "outbox:broker-failed"
PUBLISH_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 5}


def outbox_add(task_name: str, args: list | tuple = (), dedupe_key: str | None = None, *, countdown: int = 0) -> bool:
    """Write the task to the outbox in the current transaction; publish it once that commits.

    Return whether this transaction wrote it: with a dedupe key, False means a row with the
    key was waiting already and will do the work.
    """
    row = OutboxTask(task_name=task_name, args=list(args), dedupe_key=dedupe_key, created_at=timezone.now())
    with transaction.atomic(savepoint=False):
        inserted, held = row_insert(row)
        if not inserted and not held:
            # The task claimed the waiting row meanwhile, or it was committed while this waited: again.
            inserted, held = row_insert(row)
    if inserted:
        # robust: the change is committed by then; whatever goes wrong is logged and the relay retries.
        transaction.on_commit(partial(outbox_publish, row.pk, countdown=countdown), robust=True)
    return inserted


# Of concurrent transactions, one inserts the key and the others wait for it to commit, then
# insert nothing and lock the waiting row against its claim (see `row_insert`).
INSERT_SQL = """
WITH inserted AS (
    INSERT INTO {table} (id, task_name, args, dedupe_key, created_at, attempts, last_error)
    VALUES (%s, %s, %s, %s, %s, 0, '') ON CONFLICT DO NOTHING RETURNING id
),
held AS (SELECT 1 FROM {table} WHERE dedupe_key = %s FOR KEY SHARE)
SELECT EXISTS (SELECT 1 FROM inserted), EXISTS (SELECT 1 FROM held)
"""
INSERT_FIELDS = [OutboxTask._meta.get_field(name) for name in ("id", "task_name", "args", "dedupe_key", "created_at")]


def row_insert(row: OutboxTask) -> tuple[bool, bool]:
    """Insert the row unless one with its key waits; return (inserted, a waiting row is held until commit).

    The task deletes (claims) its row, then counts what is committed. A transaction that relies
    on the waiting row must therefore commit before the claim: the KEY SHARE lock makes the
    claim wait for it, and does not make concurrent transactions wait for each other.
    """
    if connection.vendor != "postgresql":  # SQLite: one writer at a time.
        OutboxTask.objects.bulk_create([row], ignore_conflicts=True)
        inserted = OutboxTask.objects.filter(pk=row.pk).exists()
        return inserted, not inserted and OutboxTask.objects.filter(dedupe_key=row.dedupe_key).exists()
    values = [field.get_db_prep_save(getattr(row, field.attname), connection) for field in INSERT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL.format(table=OutboxTask._meta.db_table), [*values, row.dedupe_key])
        return cursor.fetchone()


def task_key(task_name: str, object_id) -> str:
    """Return the dedupe key of the task for one object: requests while its row waits share it."""
    return f"{task_name}:{object_id}"


def outbox_publish(row_id, *, countdown: int = 0) -> bool:
    """Publish the outbox row, unless its task has claimed it already; return False if the broker refused."""
    row = OutboxTask.objects.filter(pk=row_id).first()
    return row is None or row_publish(row, countdown=countdown)


def row_publish(row: OutboxTask, *, countdown: int = 0) -> bool:
    """Send the row's task to the broker and note when; on a broker error, note it and return False.

    A request whose first publication failed leaves its other rows to the relay at once, rather
    than waiting on the broker's timeouts for each.
    """
    if memo_recall(BROKER_FAILED):
        logger.warning("Outbox: %s left for the relay, the broker failed earlier in this request.", row)
        return False
    try:
        # In-process (the demo) the task runs now and claims the row itself.
        task_publish(row.task_name, row.args, countdown=countdown)
    except Exception as error:  # noqa: BLE001 - whatever the broker's error, the row waits for the relay.
        if not current_app.conf.task_always_eager:  # In-process, the error was the task's, not a broker's.
            memo_note(BROKER_FAILED, True)
        logger.warning("Outbox: could not publish %s, left for the relay: %r", row, error)
        OutboxTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=repr(error)[:2000])
        return False
    OutboxTask.objects.filter(pk=row.pk).update(published_at=timezone.now(), attempts=row.attempts + 1, last_error="")
    return True


def task_publish(task_name: str, args=(), *, countdown: int = 0) -> None:
    """Send the task to the broker at once, or run it now when tasks run in-process (the demo)."""
    app = current_app
    if app.conf.task_always_eager:
        app.tasks[task_name].apply(args=args)
        return
    # No retries, short timeouts: a broker that does not answer at once is retried by the relay,
    # not by the person waiting for their page. A connection of its own, because the shared ones
    # retry connecting for seconds. Only the first of a coalescing window publishes: it is cheap.
    with app.connection_for_write(transport_options=PUBLISH_OPTIONS) as broker:
        app.send_task(task_name, args=args, countdown=countdown or None, retry=False, ignore_result=True,
                      connection=broker)


def outbox_claim(dedupe_key: str) -> bool:
    """Delete the waiting row with the key, when its task starts; return whether there was one.

    Called outside any transaction, so the claim commits before the task does its work: what is
    committed after it adds a new row, and so a new run.
    """
    deleted, _ = OutboxTask.objects.filter(dedupe_key=dedupe_key).delete()
    return deleted > 0


def outbox_pending(*, now=None):
    """Return the rows to publish: never published (after a short grace), or published long ago and unclaimed."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=settings.OUTBOX_PUBLISH_GRACE_SECONDS)
    stale = now - timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS)
    unpublished = Q(published_at__isnull=True, created_at__lt=grace)
    return OutboxTask.objects.filter(unpublished | Q(published_at__lt=stale)).order_by("created_at")


def outbox_publish_pending() -> tuple[int, int]:
    """Publish the rows that wait; return (published, still waiting because the broker refused)."""
    with transaction.atomic():
        # Two relays at once (two beats, a command and beat) skip each other's rows. NO KEY: a
        # submission's KEY SHARE lock on a waiting row does not wait for the relay.
        rows = list(outbox_pending().select_for_update(skip_locked=True, no_key=True)[:RELAY_BATCH])
        for published, row in enumerate(rows):
            if not row_publish(row):
                return published, len(rows) - published  # The broker is down: the next pass tries again.
    return len(rows), 0


def task_failure_record(*, task_id: str, task_name: str, args, exception: BaseException, traceback: str, retries: int):
    """Record a task that failed for good; recording the same task run twice keeps the first."""
    failure = TaskFailure(
        task_id=task_id, task_name=task_name, args=repr(args)[:2000], exception=repr(exception)[:4000],
        traceback=traceback[-20000:], retries=retries,
    )
    TaskFailure.objects.bulk_create([failure], ignore_conflicts=True)
    return failure


def task_failure_dismiss(*, failure: TaskFailure, actor) -> TaskFailure:
    """Take the failure off the secretariat's list, noting who looked at it."""
    if failure.dismissed_at is None:
        failure.dismissed_at, failure.dismissed_by = timezone.now(), actor
        failure.save(update_fields=["dismissed_at", "dismissed_by"])
    return failure
