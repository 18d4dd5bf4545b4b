"""Count the submitted answers of a consultation into stored figures (Aggregate rows).

The database does the counting, in one INSERT ... SELECT, so the number of statements does
not depend on the number of responses. It works in two steps:

1. One pass over the answers of the positions that count (submitted, and not reopened since:
   `Position.objects.counted`, the rule the exports follow too) to current questions, grouped by
   audience, respondent's state, question, choice and number: a few cells per state (hashed,
   not sorted: see POSTGRESQL_SETTINGS). A member state's answers belong to
   the state; a civil society organisation's to the member state of its country (an
   organisation of a non-member country has no state and counts only in the global figures).
   A question answered with one row per response counts its respondents as rows; only a
   ranking or multiple choice keeps its responses apart, to count them once each.
2. The cells rolled up to every grouping the state belongs to (M49 region, sub-region,
   intermediate region, regional commission, RCP...) and to the world (grouping NULL).

Because a response belongs to exactly one state, respondents and counts add up across
states; a median is read off the rolled-up histogram of values with a running sum.
"""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_countries import countries

from surveys.models import Answer, Choice, Question, Response

from ..models import (
    Aggregate,
    CivilSocietyOrganisation,
    Consultation,
    Excerpt,
    MemberState,
    Position,
    Publication,
    Questionnaire,
    RegionalGrouping,
)
from .outbox import outbox_add

# Enqueued by name: the task module imports this one.
REFRESH_TASK = "consult.tasks.aggregates_refresh_task"

# The world's figures carry grouping NULL; inside the query it is 0, so that joins on it work.
REBUILD_SQL = """
INSERT INTO {aggregate} ({columns})
WITH
country_state (country, state_id) AS ({country_states}),
numeric_choice AS (
    SELECT id AS choice_id, CAST(value AS DOUBLE PRECISION) AS numeric_value FROM {choice} WHERE {numeric_choices}
),
current_question AS (
    SELECT q.id, q.code, q.type FROM {question} q
    JOIN {questionnaire} qn ON qn.survey_id = q.survey_id
    WHERE qn.consultation_id = %s AND q.is_current = %s
),
respondent AS (
    SELECT p.response_id, p.audience, COALESCE(p.member_state_id, cs.state_id, 0) AS state_key
    FROM {position} p
    JOIN {response} r ON r.id = p.response_id
    LEFT JOIN {organisation} o ON o.id = p.organisation_id
    LEFT JOIN country_state cs ON cs.country = o.country
    WHERE p.consultation_id = %s AND p.status = %s AND r.status = %s
),
answer_cells AS (
    SELECT rs.audience, rs.state_key, a.question_id, a.choice_id, a.number,
           CASE WHEN q.type IN (%s, %s) THEN a.response_id END AS multi_response,
           COUNT(*) AS n, SUM(a.rank) AS rank_sum, SUM(CASE WHEN a.rank = 1 THEN 1 ELSE 0 END) AS first_places
    FROM {answer} a
    JOIN respondent rs ON rs.response_id = a.response_id
    JOIN current_question q ON q.id = a.question_id
    GROUP BY rs.audience, rs.state_key, a.question_id, a.choice_id, a.number, multi_response
),
state_cells AS (
    SELECT c.audience, c.state_key, c.question_id, c.choice_id,
           COALESCE(CAST(c.number AS DOUBLE PRECISION), nc.numeric_value) AS numeric_value,
           SUM(c.n) AS n, SUM(c.rank_sum) AS rank_sum, SUM(c.first_places) AS first_places
    FROM answer_cells c LEFT JOIN numeric_choice nc ON nc.choice_id = c.choice_id
    GROUP BY c.audience, c.state_key, c.question_id, c.choice_id, c.number, nc.numeric_value
),
state_respondents AS (
    SELECT audience, state_key, question_id, SUM(n) AS respondents
    FROM answer_cells WHERE multi_response IS NULL GROUP BY audience, state_key, question_id
    UNION ALL
    SELECT audience, state_key, question_id, COUNT(*)
    FROM (SELECT DISTINCT audience, state_key, question_id, multi_response FROM answer_cells
          WHERE multi_response IS NOT NULL) AS multi_respondent
    GROUP BY audience, state_key, question_id
),
scope (state_key, grouping_key) AS (
    SELECT DISTINCT state_key, 0 FROM state_respondents
    UNION ALL
    SELECT memberstate_id, regionalgrouping_id FROM {membership}
),
question_rollup AS (
    SELECT s.grouping_key, r.audience, r.question_id, SUM(r.respondents) AS respondents
    FROM state_respondents r JOIN scope s ON s.state_key = r.state_key
    GROUP BY s.grouping_key, r.audience, r.question_id
),
cell_rollup AS (
    SELECT s.grouping_key, c.audience, c.question_id, c.choice_id, c.numeric_value, SUM(c.n) AS n,
           SUM(c.rank_sum) AS rank_sum, SUM(c.first_places) AS first_places
    FROM state_cells c JOIN scope s ON s.state_key = c.state_key
    GROUP BY s.grouping_key, c.audience, c.question_id, c.choice_id, c.numeric_value
),
value_positions AS (
    SELECT grouping_key, audience, question_id, numeric_value, n,
           SUM(n) OVER (PARTITION BY grouping_key, audience, question_id
                        ORDER BY numeric_value ROWS UNBOUNDED PRECEDING) AS running,
           CAST(SUM(n) OVER (PARTITION BY grouping_key, audience, question_id) AS BIGINT) AS total
    FROM cell_rollup WHERE numeric_value IS NOT NULL
),
value_figures AS (
    SELECT grouping_key, audience, question_id, SUM(numeric_value * n) / SUM(n) AS mean,
           (MIN(CASE WHEN running >= (total + 1) / 2 THEN numeric_value END)
            + MIN(CASE WHEN running >= (total + 2) / 2 THEN numeric_value END)) / 2 AS median
    FROM value_positions GROUP BY grouping_key, audience, question_id
)
SELECT %s, qr.audience, NULLIF(qr.grouping_key, 0), q.code, '', qr.respondents, qr.respondents,
       NULL, v.mean, v.median, NULL, NULL, %s
FROM question_rollup qr
JOIN current_question q ON q.id = qr.question_id
LEFT JOIN value_figures v
    ON v.grouping_key = qr.grouping_key AND v.audience = qr.audience AND v.question_id = qr.question_id
UNION ALL
SELECT %s, qr.audience, NULLIF(qr.grouping_key, 0), q.code, c.value, qr.respondents, COALESCE(cr.n, 0),
       CAST(COALESCE(cr.n, 0) AS DOUBLE PRECISION) / qr.respondents, NULL, NULL,
       CASE WHEN q.type = %s THEN CAST(cr.rank_sum AS DOUBLE PRECISION) / cr.n END,
       CASE WHEN q.type = %s THEN CAST(COALESCE(cr.first_places, 0) AS DOUBLE PRECISION) / qr.respondents END,
       %s
FROM question_rollup qr
JOIN current_question q ON q.id = qr.question_id
JOIN {choice} c ON c.question_id = q.id
LEFT JOIN cell_rollup cr
    ON cr.grouping_key = qr.grouping_key AND cr.audience = qr.audience
    AND cr.question_id = qr.question_id AND cr.choice_id = c.id
"""
# Excerpts: the first few publishable long texts of each question and audience per state (one
# window over the texts), then the first few of those per grouping: a grouping's first answers
# are among its states' first ones.
EXCERPTS_SQL = """
INSERT INTO {excerpt} (consultation_id, grouping_id, audience, question_code, place, text, publication,
                       member_state_id, organisation_name)
WITH
country_state (country, state_id) AS ({country_states}),
text_answer AS (
    SELECT a.id, a.text, q.code, p.audience, p.publication, p.member_state_id, COALESCE(o.name, '') AS organisation,
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
        SELECT t.*, ROW_NUMBER() OVER (PARTITION BY state_key, audience, code ORDER BY submitted_at, id) AS n
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
               ROW_NUMBER() OVER (PARTITION BY s.grouping_key, f.audience, f.code ORDER BY f.submitted_at, f.id) AS place
        FROM state_first f JOIN scope s ON s.state_key = f.state_key
    ) numbered WHERE place <= %s
)
SELECT %s, NULLIF(grouping_key, 0), audience, code, place, text, publication, member_state_id, organisation
FROM grouping_first
"""
COLUMNS = (
    "consultation_id", "audience", "grouping_id", "question_code", "choice_value", "respondents", "count",
    "share", "mean", "median", "mean_rank", "first_place_share", "computed_at",
)
NOTHING = "1 = 0"
# What counts (Position.objects.counted): submitted, and not reopened since.
COUNTED_STATUSES = (Position.Status.SUBMITTED.value, Response.Status.SUBMITTED.value)
# Questions answered with a row per chosen item: their respondents are counted per response.
MULTI_ROW_TYPES = (Question.Type.RANKING.value, Question.Type.MULTIPLE_CHOICE.value)
# For this one statement on PostgreSQL. Compiling it (JIT) takes longer than running it. The
# planner cannot see that a million answers fall into a few cells per state, so it would sort
# them all (on disk, with the default 4 MB) to group them, where hashing is several times faster.
POSTGRESQL_SETTINGS = ["SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'", "SET LOCAL enable_sort = off"]


def aggregates_rebuild(*, consultation: Consultation) -> int:
    """Recount every figure of the consultation from its submitted responses; return the rows written."""
    with transaction.atomic():
        # Two recounts of one consultation run one after the other, or the second would insert
        # rows the first has just inserted. NO KEY: new positions may still point at the row.
        Consultation.objects.select_for_update(no_key=True).get(pk=consultation.pk)
        sql, params = rebuild_statement(consultation)
        Aggregate.objects.filter(consultation=consultation).delete()
        excerpts_pick(consultation)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("; ".join(POSTGRESQL_SETTINGS))
            cursor.execute(sql, params)
            return cursor.rowcount


def excerpts_pick(consultation: Consultation) -> int:
    """Replace the consultation's excerpts with the first publishable texts of each grouping; return how many."""
    Excerpt.objects.filter(consultation=consultation).delete()
    country_states, country_params = country_states_sql()
    sql = EXCERPTS_SQL.format(country_states=country_states, **tables())
    params = [
        *country_params, consultation.pk, *COUNTED_STATUSES, Publication.ATTRIBUTED.value, Publication.ANONYMOUS.value,
        True, Question.Type.LONG_TEXT.value, Excerpt.PER_QUESTION, Excerpt.PER_QUESTION, consultation.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def aggregates_refresh(*, consultation: Consultation) -> int:
    """Bring the consultation's figures up to date; a full recount takes little longer than a partial one."""
    return aggregates_rebuild(consultation=consultation)


def rebuild_statement(consultation: Consultation) -> tuple[str, list]:
    """Return the INSERT ... SELECT that recounts the consultation, with its parameters."""
    country_states, country_params = country_states_sql()
    numeric_choices, numeric_params = numeric_choices_sql(consultation)
    sql = REBUILD_SQL.format(
        columns=", ".join(connection.ops.quote_name(column) for column in COLUMNS),
        country_states=country_states,
        numeric_choices=numeric_choices,
        **tables(),
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ranking = Question.Type.RANKING.value
    params = [
        *country_params, *numeric_params,
        consultation.pk, True, consultation.pk, *COUNTED_STATUSES,
        *MULTI_ROW_TYPES,
        consultation.pk, now, consultation.pk, ranking, ranking, now,
    ]
    return sql, params


def tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    models = {
        "aggregate": Aggregate, "choice": Choice, "question": Question, "questionnaire": Questionnaire,
        "position": Position, "response": Response, "organisation": CivilSocietyOrganisation, "answer": Answer,
        "membership": RegionalGrouping.members.through, "excerpt": Excerpt,
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
    choices = Choice.objects.filter(
        question__survey__questionnaire__consultation=consultation,
        question__is_current=True,
        question__type=Question.Type.SCALE,
    )
    ids = [pk for pk, value in choices.values_list("pk", "value") if is_number(value)]
    if not ids:
        return NOTHING, []
    return f"id IN ({', '.join(['%s'] * len(ids))})", ids


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
