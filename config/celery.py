import os

from celery import Celery
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
