"""SQL statements per page save and per submit, counted on one draft made as the load test makes them.

The load client runs in another process against gunicorn, where statements cannot be counted;
the views, services and database are the same here, driven by Django's test client with the
same posts (area page with all its fields, version 0 and a fresh submission key, then submit).

    python -m bench.load_queries [--show]

prints the queries (statements that read or write data) and round trips (BEGIN, COMMIT and
savepoints too) of each, and with --show every statement, on a database `bench/run` has filled.
"""

import argparse
import uuid

from django.conf import settings
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def data_statements(statements: list[dict]) -> int:
    """Return how many of the statements read or write data (BEGIN, COMMIT and savepoints left out)."""
    return sum(1 for statement in statements if not statement["sql"].strip().upper().startswith(TRANSACTION_CONTROL))


def submission_queries(*, show: bool = False) -> dict[str, int]:
    """Return the queries and round trips (transaction control included) of one area page save and one submit."""
    from django.contrib.auth import get_user_model

    from .load_data import load_plan_create

    plan = load_plan_create(kind="queries", respondents=1, positions_each=2)
    respondent = plan.respondents[0]
    client = Client()
    client.force_login(get_user_model().objects.get(username=respondent.username))
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The first request of a process loads what every later one reuses (translations, URLs, content types).
    warm_up, (position_id, area) = respondent.positions
    submission(client, plan, *warm_up)
    page, submit = submission(client, plan, position_id, area)
    if show:
        for name, queries in (("page save", page), ("submit", submit)):
            print(f"-- {name}: {len(queries)} statements")
            for query in queries:
                print("  ", query["sql"][:300])
    return {
        "page_save_queries": data_statements(page), "page_save_round_trips": len(page),
        "submit_queries": data_statements(submit), "submit_round_trips": len(submit),
    }


def submission(client, plan, position_id: str, area: str) -> tuple[list, list]:
    """Post the area page then the submit form of the draft; return the statements of each."""
    page = [*plan.forms[area], ("version", "0"), ("action", "next"), ("submission_key", str(uuid.uuid4()))]
    # With DEBUG on, the connection's log holds the last 9,000 statements: once full, a capture
    # would count its end minus its start, 0. Emptied, it holds this capture's.
    reset_queries()
    with CaptureQueriesContext(connection) as page_queries:
        answered = client.post(f"/positions/{position_id}/areas/{area}/", encoded(page))
    reset_queries()
    with CaptureQueriesContext(connection) as submit_queries:
        submitted = client.post(f"/positions/{position_id}/submit/", {"submission_key": str(uuid.uuid4())})
    if not (page_queries.captured_queries and submit_queries.captured_queries):
        raise RuntimeError("No statement was captured: the counts would read 0.")
    if (answered.status_code, submitted.status_code) != (302, 302):
        raise RuntimeError(f"The draft was not saved and submitted: {answered.status_code}, {submitted.status_code}")
    return page_queries.captured_queries, submit_queries.captured_queries


def encoded(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load_queries", description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="print every statement")
    show = parser.parse_args().show
    from .load import django_ready

    django_ready()
    counts = submission_queries(show=show)
    print(", ".join(f"{name}: {count}" for name, count in counts.items()))


if __name__ == "__main__":
    main()
