"""A real Celery worker process for the tests whose behaviour is the worker's."""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent


def database_url(database):
    user = database.get("USER") or "postgres"
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{database['NAME']}"


def wait_until_ready(hostname, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The Celery worker exited with code {process.returncode}.")
        replies = app.control.ping(timeout=0.5) or []
        if any(hostname in reply for reply in replies):
            return
    raise RuntimeError(f"The Celery worker {hostname} did not answer within {timeout} s.")


@contextmanager
def running_worker(database, **options):
    with worker_process(database, **options) as (process, hostname):
        yield hostname


@contextmanager
def worker_process(database, *, queues=None, env=None):
    """Start a worker (consuming only `queues` if given) and yield (its process, its hostname), once ready."""
    hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = {**os.environ, "DATABASE_URL": database_url(database), "CONN_MAX_AGE": "0", **(env or {})}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
               "--loglevel=WARNING", "--without-gossip", "--without-mingle", "-n", hostname]
    if queues:
        command += ["-Q", ",".join(queues)]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_until_ready(hostname, process)
        yield process, hostname
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(condition, timeout=60, interval=0.1):
    """Return the first truthy value of condition() within timeout seconds, else None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return None
