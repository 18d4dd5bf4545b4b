"""A task that always fails is retried a bounded number of times with backoff, recorded once, shown, never looped."""

import time
import uuid

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from config.celery import app
from consult.models import TaskFailure
from tests.poison_tasks import POISON_RETRIES, poison_task
from tests.workers import wait_for, worker_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def executions(key) -> list[int]:
    return [int(value) for value in redis.Redis.from_url(settings.REDIS_URL).lrange(key, 0, -1)]


def test_a_poison_task_runs_max_retries_plus_one_times_then_is_listed_once(client, officer):
    key = f"poison-executions:{uuid.uuid4().hex}"
    queue = f"poison-{uuid.uuid4().hex[:8]}"
    with worker_process(settings.DATABASES["default"], queues=[queue], includes=["tests.poison_tasks"]):
        started = time.monotonic()
        result = poison_task.apply_async((key,), queue=queue)
        failure = wait_for(lambda: TaskFailure.objects.filter(task_id=result.id).first(), timeout=60)
        assert failure is not None
        elapsed = time.monotonic() - started
        time.sleep(5)  # Longer than the last backoff: a looping task would have run again by now.
        runs = executions(key)
    print(f"\npoison task: {len(runs)} executions in {elapsed:.1f} s, then recorded as failed")

    assert runs == list(range(POISON_RETRIES + 1))
    # Backoff 1, 2, 4 s between the runs.
    assert elapsed >= 1 + 2 + 4
    assert TaskFailure.objects.count() == 1
    assert (failure.task_name, failure.retries) == ("tests.poison_tasks.poison_task", POISON_RETRIES)
    assert "PoisonError" in failure.exception and "Traceback" in failure.traceback

    client.force_login(officer)
    page = client.get(reverse("consult:task-failures")).content.decode()
    assert "tests.poison_tasks.poison_task" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page

    client.post(reverse("consult:task-failure-dismiss", args=[failure.task_id]))
    failure.refresh_from_db()
    assert failure.dismissed_by == officer
    assert "No background task has failed." in client.get(reverse("consult:task-failures")).content.decode()


def test_every_product_task_retries_a_bounded_number_of_times():
    app.loader.import_default_modules()
    tasks = [task for name, task in app.tasks.items() if name.startswith("consult.")]
    assert tasks
    for task in tasks:
        assert task.max_retries is not None and task.max_retries <= 5, task.name


def test_only_the_secretariat_sees_the_failures(client, focal_point_france, officer):
    client.force_login(focal_point_france)
    assert client.get(reverse("consult:task-failures")).status_code == 403
    client.force_login(officer)
    assert client.get(reverse("consult:task-failures")).status_code == 200
