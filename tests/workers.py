"""Real processes for the tests whose behaviour is theirs: Celery workers and beat, a private
Redis server that a test may stop and restart, and the site served by gunicorn."""

import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from celery import Celery

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent


def database_url(database):
    user = database.get("USER") or "postgres"
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{database['NAME']}"


def wait_until_ready(hostname, process, timeout=60, broker_url=None):
    # A worker on another broker answers an app of that broker (control= a connection does not do);
    # not made current, or the tests' own tasks would be sent to that broker from then on.
    control = Celery(broker=broker_url, set_as_current=False).control if broker_url else app.control
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The Celery worker exited with code {process.returncode}.")
        try:
            replies = control.ping(timeout=0.5) or []
        except Exception:  # noqa: BLE001 - the broker is down (a test stopped it): ask again.
            replies = []
            time.sleep(0.5)
        if any(hostname in reply for reply in replies):
            return
    raise RuntimeError(f"The Celery worker {hostname} did not answer within {timeout} s.")


@contextmanager
def running_worker(database, **options):
    with worker_process(database, **options) as (process, hostname):
        yield hostname


@contextmanager
def worker_process(database, *, queues=None, env=None, includes=(), broker_url=None):
    """Start a worker (consuming only `queues` if given) and yield (its process, its hostname), once ready.

    `includes` names more task modules to load (test-only tasks); `broker_url` points the worker
    (broker, results and cache) at another Redis than the tests' own.
    """
    hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
               "--loglevel=WARNING", "--without-gossip", "--without-mingle", "-n", hostname]
    if queues:
        command += ["-Q", ",".join(queues)]
    for module in includes:
        command += ["-I", module]
    process = subprocess.Popen(command, cwd=ROOT, env=process_env(database, env, broker_url))
    try:
        wait_until_ready(hostname, process, broker_url=broker_url)
        yield process, hostname
    finally:
        stop(process)


class SupervisedWorker:
    """A worker kept running as production's process manager does (systemd's Restart=always).

    Whenever the worker process exits (killed, or crashed: kombu's Redis transport can crash the
    worker when Redis goes away while it holds unacknowledged tasks), a new one is started.
    """

    def __init__(self, database, **options):
        self.database, self.options = database, options
        self.process, self.restarts = None, 0
        self.started, self.ready, self.stopping = threading.Event(), threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        if not self.started.wait(90):
            raise RuntimeError("The supervised Celery worker did not start.")
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join(60)

    def run(self):
        while not self.stopping.is_set():
            try:
                with worker_process(self.database, **self.options) as (process, _hostname):
                    self.process = process
                    self.started.set()
                    self.ready.set()
                    while process.poll() is None and not self.stopping.is_set():
                        time.sleep(0.1)
                    self.ready.clear()
            except RuntimeError:
                pass  # It did not get ready (the broker is down): start another.
            if not self.stopping.is_set():
                self.restarts += 1
                time.sleep(0.1)

    def kill(self):
        """Kill the running worker process outright, as the OOM killer or a lost machine would."""
        if not self.ready.wait(90):
            raise RuntimeError("No Celery worker to kill: none got ready.")
        process = self.process
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def process_env(database, env=None, broker_url=None) -> dict:
    extra = {"REDIS_URL": broker_url} if broker_url else {}
    return {**os.environ, "DATABASE_URL": database_url(database), "CONN_MAX_AGE": "0", **extra, **(env or {})}


def stop(process, timeout=30):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def beat_process(database, schedule_dir, *, broker_url=None, env=None):
    """Run `celery beat` (the periodic tasks of CELERY_BEAT_SCHEDULE) until the block ends."""
    command = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING",
               "-s", str(Path(schedule_dir) / "celerybeat-schedule")]
    process = subprocess.Popen(command, cwd=ROOT, env=process_env(database, env, broker_url))
    try:
        time.sleep(0.5)
        if process.poll() is not None:
            raise RuntimeError(f"Celery beat exited with code {process.returncode}.")
        yield process
    finally:
        stop(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout=30, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"The process for port {port} exited with code {process.returncode}.")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"Nothing answered on port {port} within {timeout} s.")


class RedisServer:
    """A private redis-server on a loopback port, that a test may stop and start again.

    Its data survive a restart as production's do (config/redis.conf: append-only file).
    """

    def __init__(self, data_dir, port=None):
        self.data_dir, self.port = Path(data_dir), port or free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data_dir),
                   "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
                   "--maxmemory-policy", "noeviction", "--loglevel", "warning"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self):
        """Stop the server (SIGTERM: it writes its append-only file out first, as on a planned restart)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@contextmanager
def web_server(database, *, broker_url, env=None):
    """Serve the site with gunicorn and production's settings (config/gunicorn.py); yield its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn.py"),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "config.wsgi"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=process_env(database, {"CONN_MAX_AGE": "60", **(env or {})}, broker_url)
    )
    try:
        wait_for_port(port, timeout=60, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def wait_for(condition, timeout=60, interval=0.1):
    """Return the first truthy value of condition() within timeout seconds, else None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return None


class SmtpSink:
    """An SMTP server on a loopback port that keeps each message it receives (as text), for a worker to mail to.

    `delay` seconds are spent on each message, as a real mail server spends them.
    """

    def __init__(self, delay=0.0):
        self.messages, self.delay = [], delay
        sink = self

        class Session(socketserver.StreamRequestHandler):
            def handle(self):
                self.reply("220 sink ready")
                lines = None
                for raw in self.rfile:
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    if lines is not None:
                        if line == ".":
                            time.sleep(sink.delay)
                            sink.messages.append("\n".join(lines))
                            lines = None
                            self.reply("250 queued")
                        else:
                            lines.append(line[1:] if line.startswith("..") else line)
                        continue
                    verb = line[:4].upper()
                    if verb == "QUIT":
                        self.reply("221 bye")
                        return
                    if verb == "DATA":
                        lines = []
                        self.reply("354 go on")
                    else:
                        self.reply("250 sink" if verb in ("EHLO", "HELO") else "250 ok")

            def reply(self, text):
                self.wfile.write(text.encode() + b"\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    @property
    def env(self) -> dict:
        """The environment that points a process's mail at the sink."""
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "0"}

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
