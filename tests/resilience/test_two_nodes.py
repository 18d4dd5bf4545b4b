"""Scale-out: two web nodes and two Celery workers on one PostgreSQL and one Redis lose and double nothing.

Two gunicorn servers on two ports stand for two machines behind a proxy, with production's
settings (DEBUG off) and one shared SECRET_KEY. The respondents send each request to the next
node in turn, as a proxy without sticky sessions does: a submit page is loaded from one node
and posted to the other, and 1 in REPLAY_EVERY posts is sent again, with the same submission
key, to the first. Two workers share the queue and add the submissions to the figures.
Afterwards invariant I holds: every acknowledged submission is stored exactly once, with one
receipt and one "submitted" event, and the stored figures equal a fresh recount.
SCALE_SUBMISSIONS sets the number of submissions (default 400).
"""

import os
import secrets
import time
from contextlib import ExitStack

import pytest
from celery import Celery

from consult.models import Position
from tests.workers import RedisServer, web_server, worker_process

from .crowd import crowd_consultation, crowd_make, figures_are_right, submissions_check, submit_all, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SUBMISSIONS = int(os.environ.get("SCALE_SUBMISSIONS", "400"))
CONCURRENCY = 8
REPLAY_EVERY = 10
NODES = WORKERS = 2


def node_environment() -> dict:
    """Return what every node and worker shares, as one deployment: production settings, one secret key."""
    return {
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0", "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0",
        "WEB_CONCURRENCY": "1",  # One gunicorn process per node: the machine has two cores for everything.
        "AGGREGATE_COALESCE_SECONDS": "1",
    }


def tasks_run(broker_url: str, hostnames: list[str]) -> dict[str, int]:
    """Return how many tasks each worker has run."""
    control = Celery(broker=broker_url, set_as_current=False).control
    stats = control.inspect(destination=hostnames, timeout=2).stats() or {}
    return {hostname: sum(stats.get(hostname, {}).get("total", {}).values()) for hostname in hostnames}


def test_two_web_nodes_and_two_workers_store_every_submission_once_and_count_it(tmp_path, settings):
    database = settings.DATABASES["default"]
    started = time.monotonic()
    env = node_environment()
    # The respondents' sessions are made here: signed with another key, no node would accept them.
    settings.SECRET_KEY = env["SECRET_KEY"]
    consultation = crowd_consultation()
    owned = crowd_make(consultation, size=SUBMISSIONS, people=CONCURRENCY)

    with ExitStack() as stack:
        redis = stack.enter_context(RedisServer(tmp_path / "redis"))
        workers = [stack.enter_context(worker_process(database, broker_url=redis.url, env=env)) for _ in range(WORKERS)]
        sites = [stack.enter_context(web_server(database, broker_url=redis.url, env=env)) for _ in range(NODES)]
        ready = time.monotonic()
        tally = submit_all(sites, owned, concurrency=CONCURRENCY, replay_every=REPLAY_EVERY)
        submitted_in = time.monotonic() - ready
        settled = wait_until(lambda: figures_are_right(consultation), timeout=60, interval=0.5)
        ran = tasks_run(redis.url, [hostname for _process, hostname in workers])

    check = submissions_check(consultation, tally.submitted)
    receipts = Position.objects.filter(pk__in=tally.submitted).exclude(receipt_number=None)
    print(
        f"\nTwo nodes: {tally.accepted} submissions over {NODES} web nodes in {submitted_in:.1f} s "
        f"({tally.accepted / submitted_in:.1f}/s), {tally.retries} client retries with the same key, refused "
        f"{len(tally.refused)}; lost {check['lost']}, duplicated {check['duplicated']}; tasks per worker "
        f"{sorted(ran.values())}; figures right {settled and round(settled, 1)} s after the last submission; "
        f"{time.monotonic() - started:.0f} s in all"
    )
    assert tally.refused == []
    assert tally.retries == SUBMISSIONS // REPLAY_EVERY
    assert check == {"submitted": SUBMISSIONS, "lost": 0, "duplicated": 0}
    assert receipts.values("receipt_number").distinct().count() == SUBMISSIONS
    assert all(count > 0 for count in ran.values()), ran
    assert settled is not None
