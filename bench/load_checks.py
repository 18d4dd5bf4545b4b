"""What is checked after a load run: each submission stored once, the recounts coalesced and correct."""

import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q
from django_countries import countries

from consult.models import Aggregate, Consultation, MemberState, Position, PositionEvent
from consult.services.aggregation import aggregates_rebuild
from surveys.models import Response

from .load_data import NAME_PREFIX

REFRESH_TASK = "consult.tasks.aggregates_refresh_task"
TASK_LINE = re.compile(r"Task (?P<name>[\w.]+)\[[^\]]+\] (?P<event>received|succeeded|raised|retry)")


@dataclass
class StoredCheck:
    """How the positions the client saw accepted compare with what the database holds."""

    accepted: int
    submitted: int
    missing: int  # accepted by the client, not submitted in the database (or another receipt)
    unseen: int  # submitted in the database, never seen accepted (a reply lost after the commit)
    duplicated: int  # submitted more than once, or a response not marked submitted
    regions: int

    @property
    def exactly_once(self) -> bool:
        return self.missing == 0 and self.unseen == 0 and self.duplicated == 0


def stored_check(tag: str, receipts: dict[str, str]) -> StoredCheck:
    """Compare the receipts the client was given with the run's positions in the database."""
    positions = Position.objects.filter(organisation__name__startswith=f"{NAME_PREFIX} {tag} ")
    submitted = dict(
        positions.filter(status=Position.Status.SUBMITTED).values_list("pk", "receipt_number")
    )
    submitted = {str(pk): receipt for pk, receipt in submitted.items()}
    missing = sum(1 for pk, receipt in receipts.items() if submitted.get(pk) != receipt)
    unseen = sum(1 for pk in submitted if pk not in receipts)
    events = positions.annotate(
        submissions=Count("events", filter=Q(events__action=PositionEvent.Action.SUBMITTED))
    ).filter(Q(submissions__gt=1) | Q(status=Position.Status.SUBMITTED, submissions=0))
    unmarked = positions.filter(status=Position.Status.SUBMITTED).exclude(response__status=Response.Status.SUBMITTED)
    return StoredCheck(
        accepted=len(receipts),
        submitted=len(submitted),
        missing=missing,
        unseen=unseen,
        duplicated=events.count() + unmarked.count(),
        regions=regions_touched(positions.filter(status=Position.Status.SUBMITTED)),
    )


def regions_touched(positions) -> int:
    """Return how many UN M49 regions the submitting organisations' countries lie in."""
    alpha2 = set(positions.values_list("organisation__country", flat=True).distinct())
    iso3 = {countries.alpha3(code) for code in alpha2}
    return MemberState.objects.filter(iso3__in=iso3).values("region").distinct().count()


class TaskLog:
    """The Celery worker's log, read from a given offset: which tasks were received and ran."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def events(self) -> Counter:
        """Return counts of (task name, event) since the mark."""
        if not self.path.exists():
            return Counter()
        with self.path.open("rb") as log:
            log.seek(self.offset)
            text = log.read().decode("utf-8", "replace")
        return Counter((match["name"], match["event"]) for match in TASK_LINE.finditer(text))

    def refreshes(self) -> int:
        return self.events()[(REFRESH_TASK, "succeeded")]



def wait_for_refreshes(worker, window: int) -> float:
    """Wait until the recount scheduled by the last submission has run; return the seconds waited.

    The last submission schedules its recount at most `window` seconds later: wait that long,
    then until the worker has nothing running, scheduled or queued.
    """
    started = time.monotonic()
    time.sleep(window + 1)
    worker.wait_until_idle()
    return time.monotonic() - started


FIGURE_FIELDS = (
    "audience", "grouping_id", "question_code", "choice_value", "respondents", "count",
    "share", "mean", "median", "mean_rank", "first_place_share",
)


def aggregate_rows(consultation: Consultation) -> set[tuple]:
    rows = Aggregate.objects.filter(consultation=consultation).values_list(*FIGURE_FIELDS)
    return {tuple(round(value, 9) if isinstance(value, float) else value for value in row) for row in rows}


def aggregates_differences(consultation: Consultation) -> int:
    """Return how many stored figures a fresh recount would change; nothing is written."""
    with transaction.atomic():
        stored = aggregate_rows(consultation)
        aggregates_rebuild(consultation=consultation)
        fresh = aggregate_rows(consultation)
        transaction.set_rollback(True)
    return len(stored ^ fresh)
