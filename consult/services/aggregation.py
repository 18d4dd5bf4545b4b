"""Count the submitted answers of a consultation into stored figures (Aggregate rows).

The database does the counting, in one INSERT ... SELECT, so the number of statements does
not depend on the number of responses. It works in two steps:

1. One pass over the answers of the positions that count (submitted, and not reopened since:
   `Position.objects.counted`, the rule the exports follow too) to current questions, grouped by
   audience, respondent's state, question, choice and number: a few cells per state (hashed,
   not sorted: see POSTGRESQL_SETTINGS). A member state's answers belong to
   the state; a civil society organisation's to the member state of its country (an
   organisation of a non-member country has no state and counts only in the global figures).
   A question answered with one row per response has as many respondents as answers; a
   second, smaller pass over the rankings' and multiple choices' answers counts their
   responses once each.
2. The cells rolled up to every grouping the state belongs to (M49 region, sub-region,
   intermediate region, regional commission, RCP...) and to the world (grouping NULL).

Because a response belongs to exactly one state, respondents and counts add up across
states; a median is read off the rolled-up histogram of values with a running sum.

This full recount is the repair path: submissions and reopenings are added to the stored
figures one respondent at a time (figure_changes.py), and the hourly check (`aggregates_check`)
recounts and reports any difference. The refresh and the check also keep the counts of civil
society responses by country and status (tallies.py) compact and right.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_countries import countries

from surveys.models import Answer, Choice, Question, Response

from ..models import (
    Aggregate,
    AggregateValue,
    AuditEvent,
    CivilSocietyOrganisation,
    Consultation,
    Excerpt,
    FigureChange,
    MemberState,
    Position,
    Publication,
    Questionnaire,
    RegionalGrouping,
)
from .audit import audit_record
from .figure_changes import Pending, figures_changes_apply
from .outbox import outbox_add, task_key
from .tallies import tallies_check, tallies_compact

logger = logging.getLogger(__name__)

# Enqueued by name: the task module imports this one.
REFRESH_TASK = "consult.tasks.aggregates_refresh_task"
CHECK_TASK = "consult.tasks.aggregates_check_task"

# The world's figures carry grouping NULL; inside the query it is 0, so that joins on it work.
# Sums are cast back to integers at each step: a SUM of BIGINTs is a NUMERIC, several times
# slower to add up. On PostgreSQL the pending figure changes are deleted by the same statement
# (REBUILD_SQL), so with the same snapshot as the answers it counts: a change committed later
# stays for the next run. The respondents are not materialised: joined as the query they are,
# the planner sees their number and hashes them, not the million answers they are joined to.
COUNTING_CTES = """
country_state (country, state_id) AS ({country_states}),
numeric_choice AS (
    SELECT id AS choice_id, CAST(value AS DOUBLE PRECISION) AS numeric_value FROM {choice} WHERE {numeric_choices}
),
current_question AS (
    SELECT q.id, q.code, q.type FROM {question} q
    JOIN {questionnaire} qn ON qn.survey_id = q.survey_id
    WHERE qn.consultation_id = %s AND q.is_current = %s
),
respondent AS NOT MATERIALIZED (
    SELECT p.response_id, p.audience, COALESCE(p.member_state_id, cs.state_id, 0) AS state_key
    FROM {position} p
    JOIN {response} r ON r.id = p.response_id
    LEFT JOIN {organisation} o ON o.id = p.organisation_id
    LEFT JOIN country_state cs ON cs.country = o.country
    WHERE p.consultation_id = %s AND p.status = %s AND r.status = %s
),
answer_cells AS ({answer_cells}
),
multi_row_answered AS (
    SELECT DISTINCT rs.audience, rs.state_key, a.question_id, a.response_id
    FROM {answer} a
    JOIN respondent rs ON rs.response_id = a.response_id
    WHERE {multi_row_questions}
),
state_cells AS (
    SELECT c.audience, c.state_key, c.question_id, c.choice_id,
           COALESCE(CAST(c.number AS DOUBLE PRECISION), nc.numeric_value) AS numeric_value,
           c.n, c.rank_sum, c.first_places
    FROM answer_cells c LEFT JOIN numeric_choice nc ON nc.choice_id = c.choice_id
),
state_respondents AS (
    SELECT audience, state_key, question_id, CAST(SUM(respondents) AS INTEGER) AS respondents
    FROM (
        SELECT c.audience, c.state_key, c.question_id, c.n AS respondents
        FROM answer_cells c JOIN current_question q ON q.id = c.question_id
        WHERE q.type NOT IN (%s, %s)
        UNION ALL
        SELECT audience, state_key, question_id, 1 FROM multi_row_answered
    ) counted
    GROUP BY audience, state_key, question_id
),
scope (state_key, grouping_key) AS (
    SELECT DISTINCT state_key, 0 FROM state_respondents
    UNION ALL
    SELECT memberstate_id, regionalgrouping_id FROM {membership}
),
question_rollup AS (
    SELECT s.grouping_key, r.audience, r.question_id, CAST(SUM(r.respondents) AS INTEGER) AS respondents
    FROM state_respondents r JOIN scope s ON s.state_key = r.state_key
    GROUP BY s.grouping_key, r.audience, r.question_id
),
cell_rollup AS (
    SELECT s.grouping_key, c.audience, c.question_id, c.choice_id, c.numeric_value, CAST(SUM(c.n) AS INTEGER) AS n,
           CAST(SUM(c.rank_sum) AS INTEGER) AS rank_sum, CAST(SUM(c.first_places) AS INTEGER) AS first_places
    FROM state_cells c JOIN scope s ON s.state_key = c.state_key
    GROUP BY s.grouping_key, c.audience, c.question_id, c.choice_id, c.numeric_value
),
value_positions AS (
    SELECT grouping_key, audience, question_id, numeric_value, n,
           SUM(n) OVER (PARTITION BY grouping_key, audience, question_id
                        ORDER BY numeric_value ROWS UNBOUNDED PRECEDING) AS running,
           SUM(n) OVER (PARTITION BY grouping_key, audience, question_id) AS total
    FROM cell_rollup WHERE numeric_value IS NOT NULL
),
value_figures AS (
    SELECT grouping_key, audience, question_id, SUM(numeric_value * n) / SUM(n) AS mean,
           (MIN(CASE WHEN running >= (total + 1) / 2 THEN numeric_value END)
            + MIN(CASE WHEN running >= (total + 2) / 2 THEN numeric_value END)) / 2 AS median
    FROM value_positions GROUP BY grouping_key, audience, question_id
)"""
VALUES_INTO = """
INSERT INTO {aggregate_value} (consultation_id, audience, grouping_id, question_code, value, count)"""
VALUES_SELECT = """
SELECT %s, cr.audience, NULLIF(cr.grouping_key, 0), q.code, cr.numeric_value, cr.n
FROM cell_rollup cr JOIN current_question q ON q.id = cr.question_id
WHERE cr.choice_id IS NULL AND cr.numeric_value IS NOT NULL"""
CHANGES_DELETE = "DELETE FROM {change} WHERE consultation_id = %s"
AGGREGATES_INTO = """
INSERT INTO {aggregate} ({columns})"""
AGGREGATES_SELECT = """
SELECT %s, qr.audience, NULLIF(qr.grouping_key, 0), q.code, '', qr.respondents, qr.respondents,
       NULL, v.mean, v.median, NULL, NULL, 0, 0, %s
FROM question_rollup qr
JOIN current_question q ON q.id = qr.question_id
LEFT JOIN value_figures v
    ON v.grouping_key = qr.grouping_key AND v.audience = qr.audience AND v.question_id = qr.question_id
UNION ALL
SELECT %s, qr.audience, NULLIF(qr.grouping_key, 0), q.code, c.value, qr.respondents, COALESCE(cr.n, 0),
       CAST(COALESCE(cr.n, 0) AS DOUBLE PRECISION) / qr.respondents, NULL, NULL,
       CASE WHEN q.type = %s THEN CAST(cr.rank_sum AS DOUBLE PRECISION) / cr.n END,
       CASE WHEN q.type = %s THEN CAST(COALESCE(cr.first_places, 0) AS DOUBLE PRECISION) / qr.respondents END,
       COALESCE(cr.rank_sum, 0), COALESCE(cr.first_places, 0), %s
FROM question_rollup qr
JOIN current_question q ON q.id = qr.question_id
JOIN {choice} c ON c.question_id = q.id
LEFT JOIN cell_rollup cr
    ON cr.grouping_key = qr.grouping_key AND cr.audience = qr.audience
    AND cr.question_id = qr.question_id AND cr.choice_id = c.id"""
# On PostgreSQL the recount writes only the rows that differ from those stored: unchanged (the
# usual case: the hourly check), a row keeps its place, its indexes and its computed_at, as
# figures the submissions add to do. Deleting them all and inserting them again cost 1 s of the
# 4 to 5 s at 10,000: the unique index checked each new row against the one just deleted.
MERGE_CTES = """
{name}_updated AS (
    UPDATE {table} t SET {assignments} FROM {source} s
    WHERE t.consultation_id = %s AND {same_key} AND ({stored}) IS DISTINCT FROM ({counted})
),
{name}_gone AS (
    DELETE FROM {table} t WHERE t.consultation_id = %s AND NOT EXISTS (SELECT FROM {source} s WHERE {same_key})
),
{name}_new AS (
    INSERT INTO {table} ({columns})
    SELECT {columns} FROM {source} s
    WHERE NOT EXISTS (SELECT FROM {table} t WHERE t.consultation_id = %s AND {same_key})
)"""
VALUE_COLUMNS = ("consultation_id", "audience", "grouping_id", "question_code", "value", "count")
REBUILD_SQL = (
    f"WITH {COUNTING_CTES},\ncounted_value ({{value_columns}}) AS MATERIALIZED ({VALUES_SELECT}\n),\n"
    f"counted_figure ({{columns}}) AS MATERIALIZED ({AGGREGATES_SELECT}\n),{{merges}},\n"
    f"consumed_changes AS ({CHANGES_DELETE})\nSELECT COUNT(*) FROM counted_figure"
)
# Per state, the cells of each choice and number: one GROUP BY over the answers.
ANSWER_CELLS = """
    SELECT rs.audience, rs.state_key, a.question_id, a.choice_id, a.number,
           CAST(COUNT(*) AS INTEGER) AS n, CAST(SUM(a.rank) AS INTEGER) AS rank_sum,
           CAST(SUM(CASE WHEN a.rank = 1 THEN 1 ELSE 0 END) AS INTEGER) AS first_places
    FROM {answer} a
    JOIN respondent rs ON rs.response_id = a.response_id
    WHERE a.question_id IN (SELECT id FROM current_question)
    GROUP BY rs.audience, rs.state_key, a.question_id, a.choice_id, a.number"""
# Excerpts: the first few publishable long texts of each question and audience per state (one
# window over the texts), then the first few of those per grouping: a grouping's first answers
# are among its states' first ones. The windows carry answer ids only; the texts, a page or two
# each, are read for the few picked, each by its key (a subquery: as a join, with nested loops
# off, it hashed the whole answers table, 10 of the 14 s at 100,000 responses).
EXCERPTS_SQL = """
INSERT INTO {excerpt} (consultation_id, grouping_id, audience, question_code, place, text, publication,
                       member_state_id, organisation_name)
WITH
country_state (country, state_id) AS ({country_states}),
text_answer AS (
    SELECT a.id, a.question_id, p.id AS position_id, p.audience,
           COALESCE(p.member_state_id, cs.state_id, 0) AS state_key, r.submitted_at
    FROM {answer} a
    JOIN {position} p ON p.response_id = a.response_id
    JOIN {response} r ON r.id = a.response_id
    JOIN {question} q ON q.id = a.question_id
    LEFT JOIN {organisation} o ON o.id = p.organisation_id
    LEFT JOIN country_state cs ON cs.country = o.country
    WHERE p.consultation_id = %s AND p.status = %s AND r.status = %s AND p.publication IN (%s, %s)
      AND q.is_current = %s AND q.type = %s AND a.text <> ''
),
state_first AS (
    SELECT * FROM (
        SELECT t.*, ROW_NUMBER() OVER (PARTITION BY state_key, audience, question_id ORDER BY submitted_at, id) AS n
        FROM text_answer t
    ) numbered WHERE n <= %s
),
scope (state_key, grouping_key) AS (
    SELECT DISTINCT state_key, 0 FROM state_first
    UNION ALL
    SELECT memberstate_id, regionalgrouping_id FROM {membership}
),
grouping_first AS (
    SELECT * FROM (
        SELECT f.*, s.grouping_key,
               ROW_NUMBER() OVER (PARTITION BY s.grouping_key, f.audience, f.question_id
                                  ORDER BY f.submitted_at, f.id) AS place
        FROM state_first f JOIN scope s ON s.state_key = f.state_key
    ) numbered WHERE place <= %s
)
SELECT %s, NULLIF(g.grouping_key, 0), g.audience, q.code, g.place,
       (SELECT a.text FROM {answer} a WHERE a.id = g.id), p.publication, p.member_state_id, COALESCE(o.name, '')
FROM grouping_first g
JOIN {question} q ON q.id = g.question_id
JOIN {position} p ON p.id = g.position_id
LEFT JOIN {organisation} o ON o.id = p.organisation_id
"""
COLUMNS = (
    "consultation_id", "audience", "grouping_id", "question_code", "choice_value", "respondents", "count",
    "share", "mean", "median", "mean_rank", "first_place_share", "rank_sum", "first_places", "computed_at",
)
NOTHING = "1 = 0"
# What counts (Position.objects.counted): submitted, and not reopened since.
COUNTED_STATUSES = (Position.Status.SUBMITTED.value, Response.Status.SUBMITTED.value)
# Questions answered with a row per chosen item: their respondents are counted per response.
MULTI_ROW_TYPES = (Question.Type.RANKING.value, Question.Type.MULTIPLE_CHOICE.value)
# For the recount's statements on PostgreSQL (until the transaction ends). Compiling them (JIT)
# takes longer than running them. The planner cannot see that a million answers fall into a few
# cells per state, so it would sort them all (on disk, with the default 4 MB) to group them,
# where hashing is several times faster. Without statistics (tables never analysed after a bulk
# load, autovacuum off) it takes every table for one row and joins them in nested loops: 129 s
# for 300 responses; hash joins are right at any size, since every answer is read anyway.
POSTGRESQL_SETTINGS = [
    "SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'", "SET LOCAL hash_mem_multiplier = 4",
    "SET LOCAL enable_sort = off", "SET LOCAL enable_nestloop = off",
]


def aggregates_rebuild(*, consultation: Consultation) -> int:
    """Recount every figure of the consultation from its submitted responses; return the rows written."""
    with transaction.atomic():
        consultation_lock(consultation)
        tallies_compact(consultation.pk)
        return recount(consultation)


def consultation_lock(consultation: Consultation) -> None:
    # Two recounts of one consultation run one after the other, or the second would insert
    # rows the first has just inserted. NO KEY: new positions may still point at the row.
    Consultation.objects.select_for_update(no_key=True).get(pk=consultation.pk)


def recount(consultation: Consultation) -> int:
    """Count the consultation's figures again and store them; return how many figures there are."""
    excerpts_pick(consultation)
    if connection.vendor == "postgresql":
        return figures_merge(consultation)
    return figures_replace(consultation)


def figures_merge(consultation: Consultation) -> int:
    sql, params = rebuild_statement(consultation)
    with connection.cursor() as cursor:
        planner_settings(cursor)
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def figures_replace(consultation: Consultation) -> int:
    statements = rebuild_statements(consultation)
    Aggregate.objects.filter(consultation=consultation).delete()
    AggregateValue.objects.filter(consultation=consultation).delete()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
        return cursor.rowcount


def planner_settings(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("; ".join(POSTGRESQL_SETTINGS))


def excerpts_pick(consultation: Consultation) -> int:
    """Replace the consultation's excerpts with the first publishable texts of each grouping; return how many."""
    Excerpt.objects.filter(consultation=consultation).delete()
    sql, params = excerpts_statement(consultation)
    with connection.cursor() as cursor:
        planner_settings(cursor)
        cursor.execute(sql, params)
        return cursor.rowcount


def excerpts_statement(consultation: Consultation) -> tuple[str, list]:
    """Return the INSERT ... SELECT that picks the consultation's excerpts, with its parameters."""
    country_states, country_params = country_states_sql()
    sql = EXCERPTS_SQL.format(country_states=country_states, **tables())
    params = [
        *country_params, consultation.pk, *COUNTED_STATUSES, Publication.ATTRIBUTED.value, Publication.ANONYMOUS.value,
        True, Question.Type.LONG_TEXT.value, Excerpt.PER_QUESTION, Excerpt.PER_QUESTION, consultation.pk,
    ]
    return sql, params


def aggregates_refresh(*, consultation: Consultation) -> int:
    """Add the figure changes waiting for the consultation to its stored figures; return how many were taken.

    A change asking for a full recount, or figures stored before the counts they are worked out
    from were kept, or changes that do not add up (a count below zero) make it a full recount.
    """
    with transaction.atomic():
        consultation_lock(consultation)
        tallies_compact(consultation.pk)
        pending = Pending(consultation.pk)
        if not pending.ids:
            return 0
        if pending.recount or not changes_added_here() or incomplete(consultation):
            recount(consultation)
            return len(pending.ids)
        try:
            with transaction.atomic():
                excerpts_wanted = figures_changes_apply(
                    consultation, pending, numeric_choice_ids=numeric_choice_ids(consultation)
                )
        except IntegrityError:
            logger.warning("Figure changes of consultation %s do not add up: counted again.", consultation.pk)
            recount(consultation)
            return len(pending.ids)
        if excerpts_wanted:
            excerpts_pick(consultation)
        return len(pending.ids)


def changes_added_here() -> bool:
    """Tell whether figure changes can be added to the stored figures: their statements are
    PostgreSQL's. SQLite (the demo, a few hundred responses) counts everything again instead."""
    return connection.vendor == "postgresql"


def incomplete(consultation: Consultation) -> bool:
    """Tell whether some stored figures lack the counts a change is added to (stored by an older recount)."""
    return Aggregate.objects.filter(consultation=consultation, rank_sum__isnull=True).exists()


FIGURE_FIELDS = (
    "audience", "grouping_id", "question_code", "choice_value", "respondents", "count", "share", "mean", "median",
    "mean_rank", "first_place_share",
)


def aggregates_check(*, consultation: Consultation) -> list[str]:
    """Recount the consultation and compare with the figures stored; return the differences found.

    Waiting changes are added first, so that only figures that are wrong differ. Any
    difference is logged and recorded in the audit trail (the recount has repaired it).
    """
    with transaction.atomic():
        consultation_lock(consultation)
        pending = Pending(consultation.pk)
        if pending.ids and not pending.recount and changes_added_here() and not incomplete(consultation):
            figures_changes_apply(consultation, pending, numeric_choice_ids=numeric_choice_ids(consultation))
        before = stored_figures(consultation)
        recount(consultation)
        differences = figures_compared(before, stored_figures(consultation)) + tallies_check(consultation.pk)
        if differences:
            logger.warning(
                "Stored figures of consultation %s differed from a recount in %d places (repaired): %s",
                consultation.pk, len(differences), "; ".join(differences[:10]),
            )
            audit_record(
                action=AuditEvent.Action.FIGURES_REPAIRED, consultation=consultation,
                details={"differences": len(differences), "examples": differences[:10]},
            )
    return differences


def stored_figures(consultation: Consultation) -> dict[tuple, tuple]:
    rows = Aggregate.objects.filter(consultation=consultation).values_list(*FIGURE_FIELDS)
    # Shares and means are compared to 9 digits: the two ways add the same numbers in another order.
    return {row[:4]: tuple(round(value, 9) if isinstance(value, float) else value for value in row[4:]) for row in rows}


def figures_compared(before: dict, after: dict) -> list[str]:
    differences = []
    for key in sorted(before.keys() | after.keys(), key=str):
        if before.get(key) != after.get(key):
            audience, grouping_id, code, choice = key
            differences.append(
                f"{audience} grouping {grouping_id or 'world'} {code} {choice or '*'}: "
                f"stored {before.get(key)}, counted {after.get(key)}"
            )
    return differences


def rebuild_statement(consultation: Consultation) -> tuple[str, list]:
    """Return the one statement that recounts the consultation on PostgreSQL, with its parameters."""
    names, counting_params = counting_names(consultation)
    merges = [
        merge_ctes("value", names["aggregate_value"], "counted_value", VALUE_COLUMNS, key_length=5),
        merge_ctes("figure", names["aggregate"], "counted_figure", COLUMNS, key_length=5),
    ]
    sql = REBUILD_SQL.format(**names, value_columns=", ".join(VALUE_COLUMNS), merges=",".join(merges))
    params = [
        *counting_params, consultation.pk, *aggregates_params(consultation),
        *[consultation.pk] * 3 * len(merges), consultation.pk,
    ]
    return sql, params


def merge_ctes(name: str, table: str, source: str, columns: tuple[str, ...], *, key_length: int) -> str:
    """Return the WITH clauses that make the consultation's rows of `table` those of `source`, writing
    only the rows that differ. The first `key_length` columns are the key (a NULL grouping is the world)."""
    key, values = columns[1:key_length], columns[key_length:]
    same_key = " AND ".join(
        f"COALESCE(t.{column}, 0) = COALESCE(s.{column}, 0)" if column == "grouping_id" else f"t.{column} = s.{column}"
        for column in key
    )
    figures = [column for column in values if column != "computed_at"]
    return MERGE_CTES.format(
        name=name, table=table, source=source, same_key=same_key, columns=", ".join(columns),
        assignments=", ".join(f"{column} = s.{column}" for column in values),
        stored=", ".join(f"t.{column}" for column in figures), counted=", ".join(f"s.{column}" for column in figures),
    )


def rebuild_statements(consultation: Consultation) -> list[tuple[str, list]]:
    """Return the statements of a recount: one on PostgreSQL; on SQLite (the demo), which has no
    statements inside WITH, the number values, the changes' delete and the figures apart, each
    inserting every row again (INSERT first: Python's sqlite3 counts the rows only of a statement
    that starts with it)."""
    if connection.vendor == "postgresql":
        return [rebuild_statement(consultation)]
    names, counting_params = counting_names(consultation)
    return [
        (f"{VALUES_INTO}\nWITH {COUNTING_CTES}{VALUES_SELECT}".format(**names), [*counting_params, consultation.pk]),
        (CHANGES_DELETE.format(**names), [consultation.pk]),
        (f"{AGGREGATES_INTO}\nWITH {COUNTING_CTES}{AGGREGATES_SELECT}".format(**names),
         [*counting_params, *aggregates_params(consultation)]),
    ]


def counting_names(consultation: Consultation) -> tuple[dict[str, str], list]:
    """Return the names to format the recount's statements with, and the parameters of its WITH clauses."""
    country_states, country_params = country_states_sql()
    numeric_choices, numeric_params = numeric_choices_sql(consultation)
    multi_row_questions, multi_row_params = ids_condition("a.question_id", multi_row_question_ids(consultation))
    names = {
        **tables(),
        "columns": ", ".join(connection.ops.quote_name(column) for column in COLUMNS),
        "country_states": country_states,
        "numeric_choices": numeric_choices,
        "multi_row_questions": multi_row_questions,
    }
    names["answer_cells"] = ANSWER_CELLS.format(**names)
    params = [
        *country_params, *numeric_params,
        consultation.pk, True, consultation.pk, *COUNTED_STATUSES,
        *multi_row_params, *MULTI_ROW_TYPES,
    ]
    return names, params


def aggregates_params(consultation: Consultation) -> list:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ranking = Question.Type.RANKING.value
    return [consultation.pk, now, consultation.pk, ranking, ranking, now]


def tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    models = {
        "aggregate": Aggregate, "choice": Choice, "question": Question, "questionnaire": Questionnaire,
        "position": Position, "response": Response, "organisation": CivilSocietyOrganisation, "answer": Answer,
        "membership": RegionalGrouping.members.through, "excerpt": Excerpt, "aggregate_value": AggregateValue,
        "change": FigureChange,
    }
    return {name: quote(model._meta.db_table) for name, model in models.items()}


def country_states_sql() -> tuple[str, list]:
    """Return a VALUES list of (ISO alpha-2 country, member state id), to place organisations."""
    pairs = [
        (countries.alpha2(iso3), pk) for pk, iso3 in MemberState.objects.values_list("pk", "iso3")
    ]
    params = [value for pair in pairs if pair[0] for value in pair]
    if not params:
        return f"SELECT '', 0 WHERE {NOTHING}", []
    return "VALUES " + ", ".join(["(%s, %s)"] * (len(params) // 2)), params


def numeric_choices_sql(consultation: Consultation) -> tuple[str, list]:
    """Return the condition picking the choices of current scale questions whose values are numbers."""
    return ids_condition("id", numeric_choice_ids(consultation))


def ids_condition(column: str, ids: list[int]) -> tuple[str, list]:
    if not ids:
        return NOTHING, []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def multi_row_question_ids(consultation: Consultation) -> list[int]:
    # Named in the statement, not joined: the planner then reads only their answers, through the
    # index on question (a sixth of the answers: 0.2 s at 10,000 where scanning them all took 0.4 s).
    questions = Question.objects.filter(
        survey__questionnaire__consultation=consultation, is_current=True, type__in=MULTI_ROW_TYPES
    )
    return sorted(questions.values_list("pk", flat=True))


def numeric_choice_ids(consultation: Consultation) -> list[int]:
    choices = Choice.objects.filter(
        question__survey__questionnaire__consultation=consultation,
        question__is_current=True,
        question__type=Question.Type.SCALE,
    )
    return [pk for pk, value in choices.values_list("pk", "value") if is_number(value)]


def is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def aggregates_refresh_enqueue(consultation_id: int) -> None:
    """Have the consultation's figures recounted once the current transaction commits.

    Submissions close together share one recount: the first of a coalescing window writes the
    outbox row, which schedules the recount `AGGREGATE_COALESCE_SECONDS` later, and the others
    find the row waiting. With Redis down the row waits for the relay; with tasks run
    in-process (no Redis), the recount runs at once.
    """
    countdown = int(getattr(settings, "AGGREGATE_COALESCE_SECONDS", 10))
    outbox_add(REFRESH_TASK, [consultation_id], dedupe_key=refresh_key(consultation_id), countdown=countdown)


def refresh_key(consultation_id: int) -> str:
    return f"aggregates-refresh:{consultation_id}"


def aggregates_check_enqueue(consultation_ids: list[int]) -> None:
    """Have each consultation's figures checked by a task of its own (the outbox; the relay retries)."""
    with transaction.atomic():
        for consultation_id in consultation_ids:
            outbox_add(CHECK_TASK, [consultation_id], dedupe_key=task_key(CHECK_TASK, consultation_id))
