"""A task that always fails, for tests/resilience/test_poison.py; the worker loads it with `-I tests.poison_tasks`.

Each execution appends its retry number to a Redis list named by the test, so the test can
count executions across the worker process.
"""

import redis
from celery import shared_task
from django.conf import settings

POISON_RETRIES = 3


class PoisonError(Exception):
    pass


@shared_task(bind=True, autoretry_for=(PoisonError,), retry_backoff=1, retry_jitter=False, max_retries=POISON_RETRIES)
def poison_task(self, counter_key: str) -> None:
    """Note this execution, then fail, every time."""
    redis.Redis.from_url(settings.REDIS_URL).rpush(counter_key, self.request.retries)
    raise PoisonError("Always fails: <script>alert('not run')</script>")
