"""The benchmark's own data: a fresh PostgreSQL database holding the demo's consultation.

The consultation is the real position paper's (`hld-2013`), its questions generated as the
demo does; then every member state and N civil society organisations answer it through the
demo's generator (`demo_responses`), every response submitted. The data grows in place: a
run over several sizes adds only the responses the next size needs.
"""

import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg2
from psycopg2 import sql

SECRETARIAT = "bench.secretariat"


def database_recreate(url: str) -> None:
    """Drop and create the database the URL names (its name must start with "consult_bench")."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or not name.startswith("consult_bench"):
        raise SystemExit(f"The benchmark recreates its database: give it a PostgreSQL one named consult_bench*, not {url}")
    server = psycopg2.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password, dbname="postgres",
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server.close()


def consultation_setup():
    """Migrate, then load the member states, groupings, paper and questions; return the consultation."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from consult.services.accounts import secretariat_group
    from consult.services.demo import GROUPINGS, demo_consultation, demo_paper_import
    from consult.services.questions import questions_generate
    from consult.services.stakeholders import groupings_import_csv, member_states_load

    call_command("migrate", verbosity=0)
    member_states_load()
    with GROUPINGS.open(encoding="utf-8") as file:
        groupings_import_csv(file=file)
    consultation = demo_consultation()
    demo_paper_import(consultation)
    questions_generate(consultation=consultation)
    user, _ = get_user_model().objects.get_or_create(username=SECRETARIAT, defaults={"is_staff": True})
    user.groups.add(secretariat_group())
    return consultation


def responses_grow(consultation, responses: int) -> float:
    """Bring the consultation to every member state and `responses` organisations answering; return seconds."""
    from django.db import connection

    from consult.services.demo_responses import demo_responses_generate

    started = time.perf_counter()
    with answers_checks_suspended():
        demo_responses_generate(consultation=consultation, states=1000, organisations=responses, all_submitted=True)
    # This PostgreSQL runs without autovacuum: without fresh statistics the planner guesses.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


@contextmanager
def answers_checks_suspended():
    """Drop the answers table's foreign keys, unique constraint and secondary indexes for a bulk load,
    then put each back as it was, in one transaction: if the load fails, nothing was dropped.

    With them, each COPYed row was checked against three tables at commit (the foreign keys are
    deferred: ten million queued checks at 100,000 responses) and inserted into five B-trees, two
    of them keyed by random UUIDs. Built once after the load, they are a sort each. The primary
    key stays: the analysed answers reference it.
    """
    from django.db import connection, transaction

    from surveys.models import Answer

    table = connection.ops.quote_name(Answer._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = %s::regclass AND NOT indisprimary"
            " AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)"
            " ORDER BY 1",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        yield
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def data_shape(consultation) -> dict:
    """Return how many positions, answers and long texts the consultation holds, and where from."""
    from django.db.models import Count
    from django.db.models.functions import Length
    from django_countries import countries

    from consult.models import MemberState, Position
    from surveys.models import Answer

    positions = Position.objects.filter(consultation=consultation)
    answers = Answer.objects.filter(response__position__consultation=consultation)
    by_audience = dict(positions.values_list("audience").annotate(n=Count("pk")).order_by())
    organisation_countries = set(
        positions.filter(audience="civil_society").values_list("organisation__country", flat=True).distinct()
    )
    regions = {region for iso3, region in MemberState.objects.values_list("iso3", "region__code")
               if countries.alpha2(iso3) in organisation_countries}
    answer_count = answers.count()
    return {
        "states": by_audience.get("member_state", 0),
        "organisations": by_audience.get("civil_society", 0),
        "answers": answer_count,
        "answers_per_response": round(answer_count / max(1, sum(by_audience.values())), 1),
        "long_texts": answers.annotate(length=Length("text")).filter(length__gte=1000).count(),
        "organisation_countries": len(organisation_countries),
        "organisation_regions": len(regions),
    }
