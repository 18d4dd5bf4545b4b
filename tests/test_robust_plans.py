"""A recount keeps a sane plan where the planner has no statistics, and bulk loads leave some.

This PostgreSQL runs without autovacuum, like the benchmark's: tables filled in bulk and never
analysed look nearly empty to the planner, which then joined them in nested loops (a recount of
300 responses took 129 s).
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from consult.models import Consultation
from consult.services.aggregation import aggregates_rebuild, excerpts_statement, planner_settings, rebuild_statement
from consult.services.demo import demo_consultation, demo_paper_import
from consult.services.demo_responses import demo_responses_generate
from consult.services.questions import questions_generate
from consult.services.stakeholders import member_states_load

from .aggregation_cases import MS, build_hand_set, stored


def plan_of(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        planner_settings(cursor)
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_recount_never_joins_in_nested_loops_whatever_the_statistics(db):
    built = build_hand_set()
    with connection.cursor() as cursor:  # Statistics that say every table is empty.
        cursor.execute("UPDATE pg_class SET reltuples = 0, relpages = 0 WHERE relname IN "
                       "('surveys_answer', 'surveys_response', 'consult_position')")

    for sql, params in (rebuild_statement(built.consultation), excerpts_statement(built.consultation)):
        plan = plan_of(sql, params)
        assert "Hash Join" in plan
        assert "Nested Loop" not in plan

    aggregates_rebuild(consultation=built.consultation)
    assert stored(built.consultation, None, MS, "1.1-priority").respondents == 6


def test_a_bulk_load_of_responses_analyses_the_tables_it_filled(db):
    member_states_load()
    consultation = demo_consultation()
    demo_paper_import(consultation)
    questions_generate(consultation=consultation)

    with CaptureQueriesContext(connection) as queries:
        demo_responses_generate(consultation=consultation, states=3, organisations=4, all_submitted=True)

    analysed = [query["sql"] for query in queries if query["sql"].startswith("ANALYZE")]
    assert len(analysed) == 1 and '"surveys_answer"' in analysed[0] and '"consult_position"' in analysed[0]
    assert Consultation.objects.get(pk=consultation.pk).positions.count() == 7
