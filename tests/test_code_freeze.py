"""The web and worker processes keep their loaded code out of the garbage collector's sight.

Each full collection walked every object of Django and the report libraries (some 300,000):
a page's 95th centile was four times its median, a report build a quarter longer.
"""

import gc
import sys

import pytest
from celery import signals


@pytest.fixture
def thawed():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_web_process_loads_every_view_and_freezes_it(thawed):
    # Imported here, not at collection: loading config.wsgi freezes the process it runs in.
    from config.wsgi import code_preload

    code_preload()

    assert "consult.views.reports" in sys.modules
    assert gc.get_freeze_count() > 100_000


@pytest.mark.parametrize("signal", [signals.worker_ready, signals.worker_process_init], ids=["solo", "prefork"])
def test_a_celery_worker_freezes_its_code_once_started(thawed, signal):
    assert gc.get_freeze_count() == 0

    signal.send(sender=None)

    assert gc.get_freeze_count() > 100_000
