"""gunicorn's settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Each can be overridden from the environment (GUNICORN_BIND, WEB_CONCURRENCY, GUNICORN_THREADS,
GUNICORN_TIMEOUT). The defaults suit a machine that runs the web processes next to PostgreSQL,
Redis and a Celery worker, as the benchmark's 2-core machine does.
"""

import os


def default_workers() -> int:
    # A request spends most of its time in Python, holding the GIL: processes, not threads,
    # use the cores. One more than the cores keeps them busy while one waits on PostgreSQL.
    return (os.cpu_count() or 1) + 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", default_workers()))
# Threads let a worker keep connections alive (a sync worker closes each after one request)
# and overlap the waits on the database; two per worker is enough to do that.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5
# Import Django once, before forking: workers start fast and share the loaded code.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Requests are logged by the proxy in front; errors still go to stderr.
accesslog = None
errorlog = "-"
