"""10,000 submissions with faults: client retries, the worker killed twice, Redis restarted once.

Afterwards invariant I holds: every acknowledged submission exists exactly once, and the stored
figures equal a fresh count. Over HTTP (a page to load, then a form to post) 10,000 submissions
take too long on a 2-core machine, so the bulk goes through the service layer in threads of a
separate process (real PostgreSQL, real Redis, real worker and beat), and a twentieth more at
the same time through the real submit pages over HTTP, with their submission keys. The worker
runs under a supervisor that starts it again, as production's process manager does.
SOAK_SUBMISSIONS sets the number (default 10,000); SOAK_HTTP_SUBMISSIONS the HTTP part.
"""

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack

import pytest
from django.conf import settings
from django.db import connection

from consult.models import Position
from tests.workers import ROOT, RedisServer, SupervisedWorker, beat_process, process_env, web_server

from .crowd import crowd_consultation, crowd_make, figures_are_right, submissions_check, submit_all, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SUBMISSIONS = int(os.environ.get("SOAK_SUBMISSIONS", "10000"))
HTTP_SUBMISSIONS = int(os.environ.get("SOAK_HTTP_SUBMISSIONS", str(max(SUBMISSIONS // 20, 16))))
SERVICE_CONCURRENCY = 16
HTTP_CONCURRENCY = 8
REPLAY_EVERY = 20  # 5 % of the requests are sent twice, as a client that lost the answer would.
ENV = {
    "AGGREGATE_COALESCE_SECONDS": "2",
    # A killed worker's task is delivered again after a few seconds, not an hour.
    "CELERY_VISIBILITY_TIMEOUT": "10",
    "OUTBOX_REPUBLISH_AFTER_SECONDS": "20",
}
SETTLE_LIMIT_SECONDS = 120


class Faults:
    """Kill the worker at 25 % and 75 % of the submissions and restart Redis at 50 % (at the end at the latest)."""

    def __init__(self, consultation, worker: SupervisedWorker, redis: RedisServer):
        self.consultation, self.worker, self.redis = consultation, worker, redis
        self.kills = self.redis_restarts = 0
        self.done = threading.Event()
        self.error = None

    def progress(self) -> float:
        submitted = Position.objects.filter(consultation=self.consultation, status=Position.Status.SUBMITTED).count()
        return submitted / (SUBMISSIONS + HTTP_SUBMISSIONS)

    def run(self):
        # Each fault waits for its share of the submissions, or for their end, but always happens.
        try:
            for share, fault in ((0.25, self.kill_worker), (0.5, self.restart_redis), (0.75, self.kill_worker)):
                while not self.done.is_set() and self.progress() < share:
                    time.sleep(0.2)
                fault()
        except Exception as error:  # noqa: BLE001 - reported by the test.
            self.error = error
        finally:
            connection.close()

    def kill_worker(self):
        self.worker.kill()  # Its supervisor starts another, as production's process manager would.
        self.kills += 1

    def restart_redis(self):
        self.redis.stop()
        time.sleep(3)
        self.redis.start()
        self.redis_restarts += 1


def test_ten_thousand_submissions_with_faults_lose_nothing_and_count_everything(tmp_path):
    database = settings.DATABASES["default"]
    started = time.monotonic()
    consultation = crowd_consultation()
    service_owned = crowd_make(consultation, size=SUBMISSIONS, people=SERVICE_CONCURRENCY)
    http_owned = crowd_make(consultation, size=HTTP_SUBMISSIONS, people=HTTP_CONCURRENCY, prefix="web")
    work = [[str(position_id), user.pk] for user, ids in service_owned.items() for position_id in ids]
    work_file, result_file = tmp_path / "work.json", tmp_path / "result.json"
    work_file.write_text(json.dumps(work))
    redis = RedisServer(tmp_path / "redis").start()
    prepared = time.monotonic()

    with ExitStack() as stack:
        stack.callback(redis.stop)
        worker = stack.enter_context(SupervisedWorker(database, broker_url=redis.url, env=ENV))
        stack.enter_context(beat_process(database, tmp_path, broker_url=redis.url, env=ENV))
        site = stack.enter_context(web_server(database, broker_url=redis.url, env=ENV))
        faults = Faults(consultation, worker, redis)
        fault_thread = threading.Thread(target=faults.run)
        fault_thread.start()
        stack.callback(faults.done.set)

        service = subprocess.Popen(
            [sys.executable, "-m", "tests.resilience.submitters", str(work_file), str(result_file),
             "--concurrency", str(SERVICE_CONCURRENCY), "--replay-every", str(REPLAY_EVERY)],
            cwd=ROOT, env=process_env(database, {"CONN_MAX_AGE": "60"}, redis.url),
        )
        tally = submit_all(site, http_owned, concurrency=HTTP_CONCURRENCY, replay_every=REPLAY_EVERY)
        assert service.wait(timeout=1800) == 0
        submitted_in = time.monotonic() - prepared
        faults.done.set()
        fault_thread.join()
        settled = wait_until(lambda: figures_are_right(consultation), timeout=SETTLE_LIMIT_SECONDS)

    result = json.loads(result_file.read_text())
    acknowledged = result["submitted"] + [str(position_id) for position_id in tally.submitted]
    check = submissions_check(consultation, acknowledged)
    print(
        f"\nSoak: {len(acknowledged)} submissions ({result['accepted']} through the service layer, {tally.accepted} "
        f"over HTTP) in {submitted_in:.0f} s, {result['retries'] + tally.retries} client retries, refused "
        f"{len(result['refused']) + len(tally.refused)}; worker killed {faults.kills} times, Redis restarted "
        f"{faults.redis_restarts} time, worker restarts {worker.restarts}; lost {check['lost']}, "
        f"duplicated {check['duplicated']}; figures right "
        f"{settled and round(settled, 1)} s after the last submission; {time.monotonic() - started:.0f} s in all"
    )
    assert faults.error is None
    assert result["refused"] == [] and tally.refused == []
    assert (faults.kills, faults.redis_restarts) == (2, 1)
    assert check == {"submitted": SUBMISSIONS + HTTP_SUBMISSIONS, "lost": 0, "duplicated": 0}
    assert settled is not None
