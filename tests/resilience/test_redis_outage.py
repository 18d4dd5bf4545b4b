"""Redis stops for 30 s while people submit: every submission is accepted, and counted once Redis is back.

Real processes throughout: a private redis-server (stopped and started again), the site served
by gunicorn, a Celery worker and celery beat (whose outbox relay publishes what waited), all on
the test database. Respondents post the real submit pages over HTTP. The worker runs under a
supervisor that starts it again if it exits, as production's process manager does: kombu's Redis
transport can crash a worker that holds unacknowledged tasks when Redis goes away.
"""

import os
import threading
import time

import pytest
from django.conf import settings

from consult.models import OutboxTask
from tests.workers import RedisServer, SupervisedWorker, beat_process, web_server

from .crowd import Tally, crowd_consultation, crowd_make, figures_are_right, submissions_check, submit_all, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# The figures; REDIS_OUTAGE_SECONDS shortens the outage for local runs (CI runs 30 s).
OUTAGE_SECONDS = float(os.environ.get("REDIS_OUTAGE_SECONDS", "30"))
RECOVERY_LIMIT_SECONDS = 60
RESPONDENTS = 8
ENV = {"AGGREGATE_COALESCE_SECONDS": "2"}


def test_submissions_during_a_redis_outage_are_accepted_and_counted_once_it_returns(tmp_path):
    database = settings.DATABASES["default"]
    consultation = crowd_consultation()
    owned = crowd_make(consultation, size=3000, people=RESPONDENTS)
    redis = RedisServer(tmp_path / "redis").start()
    stop, tally = threading.Event(), Tally()
    try:
        with (
            SupervisedWorker(database, broker_url=redis.url, env=ENV) as worker,
            beat_process(database, tmp_path, broker_url=redis.url, env=ENV),
            web_server(database, broker_url=redis.url, env=ENV) as site,
        ):
            submitters = threading.Thread(
                target=submit_all, args=(site, owned),
                kwargs={"concurrency": RESPONDENTS, "stop": stop, "pause": 0.2, "tally": tally},
            )
            submitters.start()
            assert wait_until(lambda: tally.accepted >= 2 * RESPONDENTS, timeout=60, interval=0.1) is not None
            before = tally.accepted
            redis.stop()
            time.sleep(OUTAGE_SECONDS)
            during = tally.accepted - before
            waiting = OutboxTask.objects.count()
            redis.start()
            returned = time.monotonic()
            time.sleep(5)
            stop.set()
            submitters.join()
            recovery = wait_until(lambda: figures_are_right(consultation), timeout=RECOVERY_LIMIT_SECONDS)
            recovered_after = None if recovery is None else time.monotonic() - returned
    finally:
        stop.set()
        redis.stop()

    check = submissions_check(consultation, tally.submitted)
    print(
        f"\nRedis outage: {OUTAGE_SECONDS:.0f} s; {tally.accepted} submissions accepted ({during} during the outage, "
        f"{tally.retries} client retries), refused {len(tally.refused)}; outbox rows unclaimed at the end of the "
        f"outage: {waiting}; worker restarts {worker.restarts}; lost {check['lost']}, "
        f"duplicated {check['duplicated']}; figures right "
        f"{recovered_after and round(recovered_after, 1)} s after Redis returned"
    )
    assert tally.refused == []
    assert during > 0
    assert check == {"submitted": tally.accepted, "lost": 0, "duplicated": 0}
    assert recovered_after is not None and recovered_after <= RECOVERY_LIMIT_SECONDS
