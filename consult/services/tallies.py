"""Counts of civil society responses by country, status and publication, kept as they change.

The dashboard and every summary say how many organisations answered, by status and by
country, and how many agreed to be named. Counting the positions for each page reads every
one of them (0.2 s a query at 100,000 responses). Instead, database triggers (migration 0023)
write a ResponseTally row +1 for a civil society position's new (country, status, publication)
and -1 for its old one whenever the position is created, deleted, or changes status,
publication or organisation, and whenever an organisation's country changes. So the counts
follow whatever writes a position (a view, the submission's SQL, an import, COPY), in the
same transaction, and no row is shared with another submission: nothing waits.

Pages sum a consultation's rows (selectors/coverage.py, `response_tallies`): a few hundred
once the coalesced recount task has added the changes up (`tallies_compact`), however many
responses there are. The hourly check counts the positions again and repairs any difference
(`tallies_check`).
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count

from ..models import Audience, Position, ResponseTally

KEY = ("country", "status", "publication")


def tallies_compact(consultation_id: int) -> int:
    """Replace the consultation's tally rows by one per (country, status, publication); return the rows read.

    The caller holds the consultation's lock, so two compactions never add the same rows up.
    Rows written meanwhile by other transactions are not among those read: they stay as they are.
    """
    rows = list(ResponseTally.objects.filter(consultation_id=consultation_id).values_list("pk", *KEY, "responses"))
    if len(rows) <= len({row[1:4] for row in rows}):
        return len(rows)  # Already one row per key.
    sums = Counter()
    for _pk, *key, responses in rows:
        sums[tuple(key)] += responses
    with transaction.atomic():
        ResponseTally.objects.filter(pk__in=[row[0] for row in rows]).delete()
        tallies_write(consultation_id, sums)
    return len(rows)


def tallies_check(consultation_id: int) -> list[str]:
    """Count the consultation's civil society positions again, store the counts, and return how the
    tallies differed (the caller holds the consultation's lock)."""
    with transaction.atomic():
        tallies_freeze()
        counted = Counter({tuple(row[:3]): row[3] for row in positions_counted(consultation_id)})
        tallied = Counter()
        rows = ResponseTally.objects.filter(consultation_id=consultation_id)
        for *key, responses in rows.values_list(*KEY, "responses"):
            tallied[tuple(key)] += responses
        rows.delete()
        tallies_write(consultation_id, counted)
    return [
        f"civil society {country or '-'} {status} {publication}: tallied {tallied[key]}, counted {counted[key]}"
        for key in sorted(tallied.keys() | counted.keys())
        if tallied[key] != counted[key]
        for country, status, publication in [key]
    ]


def tallies_freeze() -> None:
    """Hold back every new tally row until the transaction ends, so that the positions counted and
    the rows read are the same moment's (SQLite runs one writing transaction at a time anyway).

    A civil society submission meanwhile waits for the count (0.2 s at 100,000 responses).
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(ResponseTally._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def positions_counted(consultation_id: int):
    positions = Position.objects.filter(consultation_id=consultation_id, audience=Audience.CIVIL_SOCIETY).order_by()
    rows = positions.values_list("organisation__country", "status", "publication").annotate(Count("pk"))
    return [(country or "", status, publication, total) for country, status, publication, total in rows]


def tallies_write(consultation_id: int, sums: Counter) -> None:
    ResponseTally.objects.bulk_create(
        ResponseTally(consultation_id=consultation_id, country=country, status=status, publication=publication,
                      responses=responses)
        for (country, status, publication), responses in sums.items()
        if responses
    )
