"""The processes the load test runs against: gunicorn with the production settings, and a Celery worker."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_environment() -> dict:
    """Return the environment of a production site on loopback: DEBUG off, plain HTTP, persistent connections."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Loopback is plain HTTP: secure cookies would never be sent back, a redirect to HTTPS never served.
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE_BENCH", "600"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def gunicorn_running(log: Path, environment: dict):
    """Start gunicorn with config/gunicorn.py on a free loopback port; yield (base URL, process) once it answers."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn.py"),
        "--bind", f"127.0.0.1:{port}", "config.wsgi",
    ]
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_site(base_url, process)
        yield base_url, process
    finally:
        stop(process)


def wait_for_site(base_url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}; see its log.")
        try:
            with urllib.request.urlopen(f"{base_url}/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {base_url} within {timeout} s.")


def warm_up(base_url: str, requests: int) -> None:
    """Have every web process load its templates and URL patterns before the clock starts."""
    for _index in range(requests):
        with urllib.request.urlopen(f"{base_url}/accounts/login/", timeout=10) as response:
            response.read()


class Worker:
    """A Celery worker process, and whether it has work waiting."""

    def __init__(self, process: subprocess.Popen, hostname: str):
        self.process, self.hostname = process, hostname
        self.pid = process.pid

    def is_idle(self) -> bool:
        """Tell whether the worker runs nothing and holds nothing, and nothing waits in its queue.

        A worker busy with a task (one at a time, in its main process) does not answer: busy.
        """
        from config.celery import app

        inspect = app.control.inspect(destination=[self.hostname], timeout=1.0)
        for listing in (inspect.active, inspect.scheduled, inspect.reserved):
            replies = listing() or {}
            if self.hostname not in replies or replies[self.hostname]:
                return False
        return queued_messages(app) == 0

    def wait_until_idle(self, timeout: float = 900) -> float:
        """Wait until the worker has been idle twice in a row, a second apart; return the seconds waited."""
        started = time.monotonic()
        idle_before = False
        while time.monotonic() - started < timeout:
            idle = self.is_idle()
            if idle and idle_before:
                return time.monotonic() - started
            idle_before = idle
            time.sleep(1)
        raise RuntimeError(f"The Celery worker was still busy after {timeout:.0f} s.")


def queued_messages(app) -> int:
    from amqp.exceptions import ChannelError

    with app.connection_for_read() as connection:
        try:
            queue = connection.default_channel.queue_declare(queue=app.conf.task_default_queue, passive=True)
        except ChannelError:  # Redis drops an empty list: no queue is an empty queue.
            return 0
    return queue.message_count


@contextmanager
def celery_worker_running(log: Path, environment: dict):
    """Start a Celery worker logging each task at INFO to `log`; yield it once it answers a ping."""
    from config.celery import app

    hostname = f"bench-{secrets.token_hex(4)}@localhost"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "-n", hostname, f"--logfile={log}",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_worker(app, hostname, process)
        yield Worker(process, hostname)
    finally:
        stop(process)


def wait_for_worker(app, hostname: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The Celery worker exited with code {process.returncode}; see its log.")
        if any(hostname in reply for reply in app.control.ping(timeout=0.5) or []):
            return
    raise RuntimeError(f"The Celery worker {hostname} did not answer within {timeout} s.")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """Return the process and its descendants (gunicorn's master and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, queue = [], [root]
    while queue:
        pid = queue.pop()
        tree.append(pid)
        queue += children.get(pid, [])
    return tree


def database_backends(database: str) -> list[int]:
    """Return the PostgreSQL server processes connected to the database (when on this machine)."""
    backends = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {database} " in title:
                backends.append(int(entry.name))
    return backends


def cpu_seconds(pids) -> float:
    """Return the CPU time (user and system) the processes have used so far; ended ones count 0."""
    total = 0
    for pid in pids:
        try:
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


class CpuMeter:
    """CPU time used by the web processes, the worker and the database's server processes, between two reads."""

    def __init__(self, web: subprocess.Popen, worker: Worker, database: str):
        self.web, self.worker, self.database = web, worker, database

    def read(self) -> dict[str, float]:
        return {
            "web": cpu_seconds(process_tree(self.web.pid)),
            "worker": cpu_seconds([self.worker.pid]),
            "database": cpu_seconds(database_backends(self.database)),
        }

    @staticmethod
    def used(before: dict, after: dict) -> dict[str, float]:
        return {name: after[name] - before[name] for name in after}
