"""gunicorn's settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Each can be overridden from the environment (GUNICORN_BIND, WEB_CONCURRENCY, GUNICORN_THREADS,
GUNICORN_TIMEOUT). The defaults suit a machine that runs the web processes next to PostgreSQL,
Redis and a Celery worker, as the benchmark's 2-core machine does.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# A request spends most of its time in Python, holding the GIL: processes use the cores, one
# per core. About sixty short round trips to PostgreSQL make up a submission; while a thread
# waits on one, another thread of the process runs. On the 2-core benchmark machine (shared with
# other work), 2 workers x 4 threads submitted 14-18 a second where 3 x 2 did 12-14, 2 x 2 11
# and 5 x 1 9 (bench/load.py, 20 s runs).
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
# Threads also keep connections alive (a sync worker closes each after one request).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5
# Import Django once, before forking: workers start fast and share the loaded code.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Requests are logged by the proxy in front; errors still go to stderr.
accesslog = None
errorlog = "-"
