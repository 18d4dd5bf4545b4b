"""Keeping the stored figures up to date one respondent at a time.

When a position starts or stops counting (submitted; reopened), or its answers change while it
counts (a civil society response amended), the transaction doing it writes the respondent's
answers as FigureChange rows, +1 or -1 each (`figures_change_record`): one INSERT ... SELECT
of that one response's answers, nothing shared with other submissions, so nothing to wait for.
The coalesced recount task then adds every waiting change to the stored figures of the world
and of each grouping the respondent's state belongs to (`figures_changes_apply`): a few
statements whose cost depends on the changes waiting, never on the number of responses.

The full recount (aggregation.aggregates_rebuild) stays the repair path: it counts the answers
again and deletes the changes it has counted with them.
"""

from django.db import connection
from django.utils import timezone
from django_countries import countries

from surveys.models import Answer, Choice, Question, Response

from ..models import Aggregate, AggregateValue, CivilSocietyOrganisation, Excerpt, FigureChange, MemberState, Position
from ..models import Publication, Questionnaire, RegionalGrouping

PLUS, MINUS = 1, -1

RECORD_SQL = """
INSERT INTO {change} (consultation_id, audience, state_key, question_id, choice_id, number, rank, sign, opens_question,
                      response_id)
SELECT %(consultation)s, %(audience)s,
       COALESCE(%(member_state)s, (SELECT id FROM {member_state} WHERE iso3 = %(iso3)s), 0),
       a.question_id, a.choice_id, a.number, a.rank, %(sign)s,
       ROW_NUMBER() OVER (PARTITION BY a.question_id ORDER BY a.id) = 1, a.response_id
FROM {answer} a WHERE a.response_id = %(response)s
"""


def figures_change_record(*, position: Position, sign: int) -> None:
    """Write the position's answers, as they are now, as entering (+1) or leaving (-1) the figures."""
    organisation = position.organisation if position.organisation_id else None
    parameters = {
        "consultation": position.consultation_id, "audience": position.audience, "sign": sign,
        "member_state": position.member_state_id,
        # A UUID, as the database stores it (SQLite, the demo's database, keeps it as text).
        "response": Response._meta.pk.get_db_prep_value(position.response_id, connection),
        "iso3": countries.alpha3(organisation.country) if organisation and organisation.country else "",
    }
    with connection.cursor() as cursor:
        cursor.execute(RECORD_SQL.format(**tables()), parameters)


def figures_recount_request(*, consultation_id: int) -> None:
    """Ask the next recount task to count everything again (after a bulk import, say)."""
    FigureChange.objects.create(consultation_id=consultation_id, audience="", state_key=0, sign=0)


def tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    models = {
        "change": FigureChange, "aggregate": Aggregate, "aggregate_value": AggregateValue, "answer": Answer,
        "question": Question, "questionnaire": Questionnaire, "choice": Choice, "member_state": MemberState,
        "membership": RegionalGrouping.members.through, "excerpt": Excerpt, "response": Response,
        "position": Position, "organisation": CivilSocietyOrganisation,
    }
    return {name: quote(model._meta.db_table) for name, model in models.items()}


# The waiting changes taken by this run (their ids), each rolled up to the world (grouping 0)
# and to every grouping of its state; `touched` is each (grouping, audience, current question)
# they change, with the change in respondents.
CHANGES_CTE = """
change AS (SELECT * FROM {change} WHERE id = ANY(CAST(%(ids)s AS BIGINT[])) AND question_id IS NOT NULL),
scope (state_key, grouping_key) AS (
    SELECT DISTINCT state_key, CAST(0 AS BIGINT) FROM change
    UNION ALL
    SELECT memberstate_id, regionalgrouping_id FROM {membership}
    WHERE memberstate_id IN (SELECT state_key FROM change)
),
touched AS (
    SELECT s.grouping_key, c.audience, q.id AS question_id, q.code, q.type,
           CAST(SUM(CASE WHEN c.opens_question THEN c.sign ELSE 0 END) AS INTEGER) AS respondents
    FROM change c
    JOIN scope s ON s.state_key = c.state_key
    JOIN {question} q ON q.id = c.question_id AND q.is_current
    JOIN {questionnaire} qn ON qn.survey_id = q.survey_id AND qn.consultation_id = %(consultation)s
    GROUP BY s.grouping_key, c.audience, q.id, q.code, q.type
)"""

# Every figure of a touched question: its question row, and a row for each of its choices,
# made at 0 when the question has its first respondent there. (Then the change is added by an
# UPDATE: PostgreSQL checks a row's constraints before it finds the conflict, so an
# INSERT ... ON CONFLICT cannot carry a negative change.)
FIGURES_MAKE_SQL = """
WITH {changes}
INSERT INTO {aggregate} (consultation_id, audience, grouping_id, question_code, choice_value, respondents,
                         count, rank_sum, first_places, computed_at)
SELECT %(consultation)s, t.audience, NULLIF(t.grouping_key, 0), t.code, '', 0, 0, 0, 0, %(now)s
FROM touched t
UNION ALL
SELECT %(consultation)s, t.audience, NULLIF(t.grouping_key, 0), t.code, ch.value, 0, 0, 0, 0, %(now)s
FROM touched t JOIN {choice} ch ON ch.question_id = t.question_id
ON CONFLICT ON CONSTRAINT one_aggregate_per_figure DO NOTHING
"""

FIGURES_ADD_SQL = """
WITH {changes},
choice_change AS (
    SELECT s.grouping_key, c.audience, c.question_id, c.choice_id, CAST(SUM(c.sign) AS INTEGER) AS n,
           SUM(c.sign * c.rank) AS rank_sum, CAST(SUM(CASE WHEN c.rank = 1 THEN c.sign ELSE 0 END) AS INTEGER) AS first_places
    FROM change c JOIN scope s ON s.state_key = c.state_key
    WHERE c.choice_id IS NOT NULL
    GROUP BY s.grouping_key, c.audience, c.question_id, c.choice_id
),
figure_change (audience, grouping_id, code, choice_value, respondents, n, rank_sum, first_places) AS (
    SELECT t.audience, NULLIF(t.grouping_key, 0), t.code, '', t.respondents, t.respondents, 0, 0
    FROM touched t
    UNION ALL
    SELECT t.audience, NULLIF(t.grouping_key, 0), t.code, ch.value, 0, cc.n, COALESCE(cc.rank_sum, 0), cc.first_places
    FROM choice_change cc
    JOIN touched t ON t.grouping_key = cc.grouping_key AND t.audience = cc.audience AND t.question_id = cc.question_id
    JOIN {choice} ch ON ch.id = cc.choice_id
)
UPDATE {aggregate} a SET
    respondents = a.respondents + f.respondents, count = a.count + f.n, rank_sum = a.rank_sum + f.rank_sum,
    first_places = a.first_places + f.first_places, computed_at = %(now)s
FROM figure_change f
WHERE a.consultation_id = %(consultation)s AND a.audience = f.audience
  AND COALESCE(a.grouping_id, 0) = COALESCE(f.grouping_id, 0) AND a.question_code = f.code AND a.choice_value = f.choice_value
"""

# Numbers given without a choice (number questions): the histogram their mean and median come from.
VALUE_CHANGE_CTE = """
value_change AS (
    SELECT t.audience, NULLIF(t.grouping_key, 0) AS grouping_id, t.code, CAST(c.number AS DOUBLE PRECISION) AS value,
           CAST(SUM(c.sign) AS INTEGER) AS n
    FROM change c JOIN scope s ON s.state_key = c.state_key
    JOIN touched t ON t.grouping_key = s.grouping_key AND t.audience = c.audience AND t.question_id = c.question_id
    WHERE c.choice_id IS NULL AND c.number IS NOT NULL
    GROUP BY t.audience, t.grouping_key, t.code, CAST(c.number AS DOUBLE PRECISION)
)"""
VALUES_MAKE_SQL = """
WITH {changes}, {value_change}
INSERT INTO {aggregate_value} (consultation_id, audience, grouping_id, question_code, value, count)
SELECT %(consultation)s, audience, grouping_id, code, value, 0 FROM value_change
ON CONFLICT ON CONSTRAINT one_aggregate_value DO NOTHING
"""
VALUES_ADD_SQL = """
WITH {changes}, {value_change}
UPDATE {aggregate_value} v SET count = v.count + vc.n
FROM value_change vc
WHERE v.consultation_id = %(consultation)s AND v.audience = vc.audience
  AND COALESCE(v.grouping_id, 0) = COALESCE(vc.grouping_id, 0) AND v.question_code = vc.code AND v.value = vc.value
"""

# A question nobody answers any more in a grouping has no figures there, as after a recount.
EMPTIED_DELETE_SQL = """
WITH {changes},
emptied AS (
    SELECT t.audience, NULLIF(t.grouping_key, 0) AS grouping_id, t.code FROM touched t
    JOIN {aggregate} a ON a.consultation_id = %(consultation)s AND a.audience = t.audience
        AND COALESCE(a.grouping_id, 0) = COALESCE(NULLIF(t.grouping_key, 0), 0) AND a.question_code = t.code
        AND a.choice_value = '' AND a.respondents = 0
),
values_deleted AS (
    DELETE FROM {aggregate_value} v
    WHERE v.consultation_id = %(consultation)s AND (v.count = 0 OR EXISTS (
        SELECT 1 FROM emptied e WHERE e.audience = v.audience AND COALESCE(e.grouping_id, 0) = COALESCE(v.grouping_id, 0)
        AND e.code = v.question_code))
)
DELETE FROM {aggregate} a USING emptied e
WHERE a.consultation_id = %(consultation)s AND a.audience = e.audience
  AND COALESCE(a.grouping_id, 0) = COALESCE(e.grouping_id, 0) AND a.question_code = e.code
"""

# What is worked out from the counts, for the touched questions only: shares, mean ranks and
# first places, and the mean and median (from the scale's choices or the numbers given).
FIGURES_DERIVE_SQL = """
WITH {changes},
numeric_choice AS (
    SELECT id AS choice_id, CAST(value AS DOUBLE PRECISION) AS numeric_value FROM {choice}
    WHERE id = ANY(CAST(%(numeric_choices)s AS BIGINT[]))
),
figure AS (
    SELECT a.audience, a.grouping_id, a.question_code, a.respondents, t.question_id, t.type
    FROM touched t
    JOIN {aggregate} a ON a.consultation_id = %(consultation)s AND a.audience = t.audience
        AND COALESCE(a.grouping_id, 0) = COALESCE(NULLIF(t.grouping_key, 0), 0) AND a.question_code = t.code
        AND a.choice_value = ''
),
value_count AS (
    SELECT f.audience, f.grouping_id, f.question_code, nc.numeric_value AS value, a.count AS n
    FROM figure f
    JOIN {aggregate} a ON a.consultation_id = %(consultation)s AND a.audience = f.audience
        AND COALESCE(a.grouping_id, 0) = COALESCE(f.grouping_id, 0) AND a.question_code = f.question_code
        AND a.choice_value <> '' AND a.count > 0
    JOIN {choice} ch ON ch.question_id = f.question_id AND ch.value = a.choice_value
    JOIN numeric_choice nc ON nc.choice_id = ch.id
    UNION ALL
    SELECT f.audience, f.grouping_id, f.question_code, v.value, v.count
    FROM figure f
    JOIN {aggregate_value} v ON v.consultation_id = %(consultation)s AND v.audience = f.audience
        AND COALESCE(v.grouping_id, 0) = COALESCE(f.grouping_id, 0) AND v.question_code = f.question_code AND v.count > 0
),
value_positions AS (
    SELECT audience, grouping_id, question_code, value, n,
           SUM(n) OVER (PARTITION BY audience, grouping_id, question_code ORDER BY value ROWS UNBOUNDED PRECEDING)
               AS running,
           SUM(n) OVER (PARTITION BY audience, grouping_id, question_code) AS total
    FROM value_count
),
value_figures AS (
    SELECT audience, grouping_id, question_code, SUM(value * n) / SUM(n) AS mean,
           (MIN(CASE WHEN running >= (total + 1) / 2 THEN value END)
            + MIN(CASE WHEN running >= (total + 2) / 2 THEN value END)) / 2 AS median
    FROM value_positions GROUP BY audience, grouping_id, question_code
)
UPDATE {aggregate} a SET
    respondents = f.respondents,
    share = CASE WHEN a.choice_value <> '' THEN CAST(a.count AS DOUBLE PRECISION) / f.respondents END,
    mean = CASE WHEN a.choice_value = '' THEN v.mean END,
    median = CASE WHEN a.choice_value = '' THEN v.median END,
    mean_rank = CASE WHEN a.choice_value <> '' AND f.type = %(ranking)s AND a.count > 0
                     THEN CAST(a.rank_sum AS DOUBLE PRECISION) / a.count END,
    first_place_share = CASE WHEN a.choice_value <> '' AND f.type = %(ranking)s
                             THEN CAST(a.first_places AS DOUBLE PRECISION) / f.respondents END,
    computed_at = %(now)s
FROM figure f
LEFT JOIN value_figures v ON v.audience = f.audience AND COALESCE(v.grouping_id, 0) = COALESCE(f.grouping_id, 0)
    AND v.question_code = f.question_code
WHERE a.consultation_id = %(consultation)s AND a.audience = f.audience
  AND COALESCE(a.grouping_id, 0) = COALESCE(f.grouping_id, 0) AND a.question_code = f.question_code
"""

# Excerpts are the first texts submitted, in submission order: a respondent entering the figures
# was submitted last, so its publishable texts only go after those of each grouping that has
# fewer than PER_QUESTION (as a recount would pick them).
EXCERPTS_ADD_SQL = """
WITH {changes},
picked AS (
    SELECT audience, COALESCE(grouping_id, 0) AS grouping_key, question_code, COUNT(*) AS n FROM {excerpt}
    WHERE consultation_id = %(consultation)s GROUP BY audience, COALESCE(grouping_id, 0), question_code
),
candidate AS (
    SELECT t.grouping_key, t.audience, t.code, a.text, p.publication, p.member_state_id,
           COALESCE(o.name, '') AS organisation,
           COALESCE(pk.n, 0) + ROW_NUMBER() OVER (PARTITION BY t.grouping_key, t.audience, t.code
                                                  ORDER BY r.submitted_at, a.id) AS place
    FROM change c
    JOIN scope s ON s.state_key = c.state_key
    JOIN touched t ON t.grouping_key = s.grouping_key AND t.audience = c.audience AND t.question_id = c.question_id
    JOIN {answer} a ON a.response_id = c.response_id AND a.question_id = c.question_id
    JOIN {response} r ON r.id = c.response_id
    JOIN {position} p ON p.response_id = c.response_id
    LEFT JOIN {organisation} o ON o.id = p.organisation_id
    LEFT JOIN picked pk ON pk.audience = t.audience AND pk.grouping_key = t.grouping_key AND pk.question_code = t.code
    WHERE c.sign = 1 AND t.type = %(long_text)s AND a.text <> '' AND p.publication IN (%(attributed)s, %(anonymous)s)
      AND COALESCE(pk.n, 0) < %(per_question)s
)
INSERT INTO {excerpt} (consultation_id, grouping_id, audience, question_code, place, text, publication,
                       member_state_id, organisation_name)
SELECT %(consultation)s, NULLIF(grouping_key, 0), audience, code, place, text, publication, member_state_id, organisation
FROM candidate WHERE place <= %(per_question)s
"""


class Pending:
    """The changes waiting for one consultation when the task looked, and what they ask for."""

    def __init__(self, consultation_id: int):
        rows = list(
            FigureChange.objects.filter(consultation_id=consultation_id).values_list("id", "question_id", "sign")
        )
        self.ids = [pk for pk, _question, _sign in rows]
        self.recount = any(question is None and sign == 0 for _pk, question, sign in rows)
        self.leaving = any(sign < 0 for _pk, _question, sign in rows)


def figures_changes_apply(consultation, pending: Pending, *, numeric_choice_ids: list[int]) -> bool:
    """Add the pending changes to the stored figures and new excerpts; return whether excerpts must be picked again
    (a respondent left: its texts may be quoted, and those after them must move up).

    The caller holds the consultation's lock (as a recount does) and deletes nothing but the
    changes it was given: those committed since wait for the next run.
    """
    changes = CHANGES_CTE.format(**tables())
    parameters = {
        "ids": pending.ids, "consultation": consultation.pk, "now": timezone.now(),
        "ranking": Question.Type.RANKING.value, "long_text": Question.Type.LONG_TEXT.value,
        "per_question": Excerpt.PER_QUESTION, "numeric_choices": numeric_choice_ids,
        "attributed": Publication.ATTRIBUTED.value, "anonymous": Publication.ANONYMOUS.value,
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The figures are matched on a grouping that may be NULL (the world): no index lookup
            # does that, so a nested loop would read the consultation's figures once per row.
            cursor.execute("SET LOCAL enable_nestloop = off")
        for statement in (FIGURES_MAKE_SQL, FIGURES_ADD_SQL, VALUES_MAKE_SQL, VALUES_ADD_SQL, EMPTIED_DELETE_SQL):
            cursor.execute(statement.format(changes=changes, value_change=VALUE_CHANGE_CTE, **tables()), parameters)
        cursor.execute(FIGURES_DERIVE_SQL.format(changes=changes, **tables()), parameters)
        if not pending.leaving:
            cursor.execute(EXCERPTS_ADD_SQL.format(changes=changes, **tables()), parameters)
    FigureChange.objects.filter(pk__in=pending.ids).delete()
    return pending.leaving
