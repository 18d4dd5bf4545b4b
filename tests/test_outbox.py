"""The transactional outbox: a task written with the change that needs it, published after the commit."""

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app
from consult.models import OutboxTask
from consult.services.outbox import outbox_add, outbox_claim, outbox_publish_pending
from consult.services.aggregation import REFRESH_TASK, aggregates_refresh_enqueue, refresh_key
from consult.tasks import aggregates_refresh_task

from .aggregation_cases import CSO, respond, stored, submit
from .factories import make_open_consultation, make_organisation

pytestmark = pytest.mark.django_db(transaction=True)

# A consultation that does not exist: a worker that gets the task counts nothing.
NO_CONSULTATION = 987654321
# A task no worker knows: a worker that gets it drops it, so its row stays as the test left it.
NOBODY_S_TASK = "tests.no_such_task"


def test_a_rolled_back_transaction_leaves_no_task():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert outbox_add(REFRESH_TASK, [NO_CONSULTATION], dedupe_key=refresh_key(NO_CONSULTATION))
        raise RuntimeError("the submission failed")
    assert not OutboxTask.objects.exists()


def test_submissions_while_a_task_waits_add_nothing():
    added = []
    for _number in range(3):
        with transaction.atomic():
            added.append(outbox_add(NOBODY_S_TASK, [1], dedupe_key="test:coalesce"))
    assert added == [True, False, False]
    row = OutboxTask.objects.get()
    # Only the transaction that wrote the row published it, once, after its commit.
    assert (row.args, row.attempts, row.last_error) == ([1], 1, "")
    assert row.published_at is not None


def test_the_task_claims_its_row_so_the_next_submission_schedules_a_new_recount():
    aggregates_refresh_enqueue(NO_CONSULTATION)
    assert OutboxTask.objects.count() == 1

    aggregates_refresh_task.apply(args=[NO_CONSULTATION])

    assert not OutboxTask.objects.exists()
    with transaction.atomic():
        assert outbox_add(NOBODY_S_TASK, [NO_CONSULTATION], dedupe_key=refresh_key(NO_CONSULTATION))


def test_a_claim_waits_for_a_submission_that_relied_on_the_waiting_row():
    """Else the recount could miss that submission, and nothing would schedule another."""
    key = "test:claim"
    outbox_add(NOBODY_S_TASK, [1], dedupe_key=key)
    relied, committed, claimed = threading.Event(), [], []

    def submission():
        with transaction.atomic():
            assert not outbox_add(NOBODY_S_TASK, [1], dedupe_key=key)
            relied.set()
            time.sleep(1)
            committed.append(time.monotonic())
        connection.close()

    def task():
        relied.wait(10)
        outbox_claim(key)
        claimed.append(time.monotonic())
        connection.close()

    threads = [threading.Thread(target=submission), threading.Thread(target=task)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert claimed[0] >= committed[0]
    assert not OutboxTask.objects.exists()


def test_the_relay_publishes_rows_left_waiting_and_rows_lost_long_ago(settings):
    long_ago = timezone.now() - timedelta(hours=1)
    waiting = OutboxTask.objects.create(task_name=NOBODY_S_TASK, args=[1])
    lost = OutboxTask.objects.create(task_name=NOBODY_S_TASK, args=[2], published_at=long_ago)
    recent = OutboxTask.objects.create(task_name=NOBODY_S_TASK, args=[3])
    OutboxTask.objects.filter(pk__in=[waiting.pk, lost.pk]).update(created_at=long_ago)
    published_before = timezone.now()

    assert outbox_publish_pending() == (2, 0)

    published = {row.pk: row.published_at for row in OutboxTask.objects.all()}
    assert published[waiting.pk] >= published_before and published[lost.pk] >= published_before
    assert published[recent.pk] is None  # Just written: its own transaction publishes it.


def test_the_relay_command_runs_one_pass():
    OutboxTask.objects.create(task_name=NOBODY_S_TASK, args=[1])
    OutboxTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("outbox_relay", stdout=out)
    assert out.getvalue().strip() == "Outbox: 1 published, 0 still waiting."


@pytest.fixture
def tasks_in_process():
    """Run tasks in this process, as the demo does without Redis."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_in_process_the_recount_runs_at_the_commit(tasks_in_process):
    consultation = make_open_consultation(areas=1, recommendations=1)
    response = respond(consultation, make_organisation(country="FR"), {"1.1-importance": "4"}, "attributed", False)
    submit(response)

    assert stored(consultation, None, CSO, "1.1-importance").respondents == 1
    assert not OutboxTask.objects.exists()
