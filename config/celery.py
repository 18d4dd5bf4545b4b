import gc
import os

from celery import Celery, signals
from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class ProductTask(DjangoTask):
    """Every task of the product, unless it says otherwise: a lost database connection is retried
    with exponential backoff (2, 4, 8 s... with jitter), three times; then the task fails for good
    and is recorded as a TaskFailure for the secretariat. Nothing is retried forever. A DjangoTask,
    as Celery's Django integration makes them, for `delay_on_commit`."""

    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 3


app = Celery("consult", task_cls=ProductTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_process_init.connect  # each process of a prefork pool, once forked
@signals.worker_ready.connect  # the worker's own process, where the solo pool runs the tasks
def loaded_code_freeze(**_signal):
    """Keep the loaded code out of the garbage collector's sight, as the web processes do (config/wsgi.py).

    A report build makes enough objects for several full collections, each of which walked the
    300,000 objects of Django and the report libraries: three PDF summaries took 7.7 s, not 5.9 s.
    """
    gc.freeze()
