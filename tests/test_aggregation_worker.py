"""A real Celery worker keeps the figures up to date after submissions, one recount per burst.

Each submission writes an outbox row (unless one for the consultation waits already) that
schedules the recount; the recount claims the row as it starts.
"""

import time

import pytest
from django.db import transaction

from config.celery import app
from consult.models import OutboxTask, Publication

from .aggregation_cases import CSO, assert_hand_figures, build_hand_set, respond, stored, submit
from .factories import make_member_state, make_open_consultation, make_organisation
from .workers import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REFRESH_TASK = "consult.tasks.aggregates_refresh_task"


def submit_each(responses):
    """Submit each response in its own transaction, as one request each would."""
    for response in responses:
        with transaction.atomic():
            submit(response)


def inspect(worker):
    return app.control.inspect(destination=[worker], timeout=2, limit=1)


def is_idle(worker) -> bool:
    """Tell whether the worker answers and has nothing running, reserved or scheduled."""
    # A solo worker busy with a task does not answer: no reply means not idle.
    for method in ("active", "reserved", "scheduled"):
        replies = getattr(inspect(worker), method)() or {}
        if worker not in replies or replies[worker]:
            return False
    return True


def refresh_runs(worker) -> int:
    """Return how many refresh tasks the worker has started since it was started."""
    assert wait_for(lambda: is_idle(worker), timeout=60)
    stats = inspect(worker).stats()
    return stats[worker]["total"].get(REFRESH_TASK, 0)


def test_the_worker_counts_submitted_responses_into_every_figure(celery_worker, settings):
    settings.AGGREGATE_COALESCE_SECONDS = 1
    built = build_hand_set(submit_later=True)

    submit_each(built.to_submit)

    def counted():
        governments = stored(built.consultation, None, "member_state", "1.1-priority")
        organisations = stored(built.consultation, None, CSO, "1.1-importance")
        return governments and organisations and (governments.respondents, organisations.respondents) == (6, 4)

    assert wait_for(counted, timeout=60)
    assert_hand_figures(built.consultation)


def test_a_burst_of_submissions_is_counted_by_a_couple_of_recounts(celery_worker, settings):
    window = settings.AGGREGATE_COALESCE_SECONDS = 2
    consultation = make_open_consultation(areas=1, recommendations=1)
    make_member_state("FRA")
    # Ten of each rating: mean and median 3, each rating a fifth.
    responses = [
        respond(consultation, make_organisation(country="FR"), {"1.1-importance": str(number % 5 + 1)},
                Publication.ATTRIBUTED, submitted=False)
        for number in range(50)
    ]
    app.control.purge()
    before = refresh_runs(celery_worker)

    started = time.monotonic()
    submit_each(responses)
    elapsed = time.monotonic() - started

    assert wait_for(lambda: getattr(stored(consultation, None, CSO, "1.1-importance"), "respondents", 0) == 50)
    runs = refresh_runs(celery_worker) - before
    # One recount per coalescing window the burst spans, and perhaps one for the last stragglers.
    assert 1 <= runs <= 2 + int(elapsed // window)
    assert not OutboxTask.objects.exists()  # Every row written was claimed by its recount.
    row = stored(consultation, None, CSO, "1.1-importance")
    assert (row.mean, row.median) == (3.0, 3.0)
    assert [stored(consultation, None, CSO, "1.1-importance", str(value)).share for value in range(1, 6)] == [0.2] * 5
