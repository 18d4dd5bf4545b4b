"""Each response's answers as the cells of an export: {response key: {question code: cell}}.

A response has about a hundred answer rows. On PostgreSQL the database groups them into cells,
one row per response holding a JSON object, so that Python decodes one object per response
instead of building a tuple per answer (a million at 10,000 responses). SQLite (the demo) groups
the rows in Python. Both follow the same rules:

- answers to a later version of a question replace those to earlier ones (same code);
- a ranking is its choices joined "a > b" by rank, a multiple choice its choices joined "a; b";
- a number is written plainly (12.5, not 12.500000: surveys.selectors.plain_number);
- a scale answer that is an integer (ASCII digits, at most 15) is a number; other answers are
  their choice's value, else their number, else their text, as stored.
"""

import json
import re
from decimal import Decimal

from django.db import connections, router, transaction
from django.db.models import CharField
from django.db.models.functions import Cast

from surveys.models import Answer, Choice, Question
from surveys.selectors import plain_number

INTEGER = re.compile(r"-?[0-9]{1,15}")
# Answers whose cell is their one value as it is.
PLAIN_TYPES = frozenset(
    kind.value for kind in (Question.Type.SINGLE_CHOICE, Question.Type.YES_NO, Question.Type.SHORT_TEXT,
                            Question.Type.LONG_TEXT)
)
# Responses are matched to their answers by their id as the database writes it: making a UUID
# object for each of a million answer rows would cost a fifth of the export's time.
RESPONSE_KEY = Cast("response_id", CharField())
# One row per response and one cell per code: of each code the latest version answered. The one-row
# answers are cells as they are; rankings and multiple choices (a sixth of the rows) are joined
# first. Each part keeps one cell per code itself (DISTINCT ON), so that the object is built with
# no sort per response: two to three times as fast as ordering the cells in each aggregate.
CELLS_SQL = """
SELECT cells.response_id::text, json_object_agg(cells.code, cells.cell)::text
FROM (SELECT DISTINCT ON (latest.response_id, latest.code) * FROM (
    (SELECT DISTINCT ON (a.response_id, q.code) a.response_id, q.code, q.version,
        CASE
            WHEN c.value IS NULL AND a.number IS NOT NULL
                THEN to_json(CASE WHEN q.type = %%(number)s THEN trim_scale(a.number) ELSE a.number END)
            WHEN q.type = %%(scale)s AND coalesce(c.value, a.text) ~ '^-?[0-9]{1,15}$'
                THEN to_json(coalesce(c.value, a.text)::bigint)
            ELSE to_json(coalesce(c.value, a.text))
        END AS cell
    FROM %(answer)s a
    JOIN %(question)s q ON q.id = a.question_id
    LEFT JOIN %(choice)s c ON c.id = a.choice_id
    WHERE a.response_id = ANY(%%(responses)s::uuid[]) AND q.code = ANY(%%(codes)s)
        AND q.type NOT IN (%%(ranking)s, %%(multiple_choice)s)
    ORDER BY a.response_id, q.code, q.version DESC, a.rank, c."order", a.id)
    UNION ALL
    (SELECT DISTINCT ON (a.response_id, q.code) a.response_id, q.code, q.version,
        to_json(string_agg(
            coalesce(c.value, a.text), CASE q.type WHEN %%(ranking)s THEN ' > ' ELSE '; ' END
            ORDER BY a.rank, c."order", a.id
        ))
    FROM %(answer)s a
    JOIN %(question)s q ON q.id = a.question_id
    LEFT JOIN %(choice)s c ON c.id = a.choice_id
    WHERE a.response_id = ANY(%%(responses)s::uuid[]) AND q.code = ANY(%%(codes)s)
        AND q.type IN (%%(ranking)s, %%(multiple_choice)s)
    GROUP BY a.response_id, q.code, q.version, q.id
    ORDER BY a.response_id, q.code, q.version DESC)
) latest ORDER BY latest.response_id, latest.code, latest.version DESC) cells
GROUP BY cells.response_id
"""
TYPES = {kind: Question.Type[kind.upper()].value for kind in ("number", "scale", "ranking", "multiple_choice")}
# Numbers with a fraction stay exact (12.5 as Decimal, the Python path's type); integers are ints.
decode_cells = json.JSONDecoder(parse_float=Decimal).decode


def response_cells(response_keys: list[str], codes: list[str]) -> dict[str, dict]:
    """Return {response key: {code: cell}} for the responses' answers to the codes, in one query."""
    using = router.db_for_read(Answer) or "default"
    if connections[using].vendor == "postgresql":
        return cells_from_database(using, response_keys, codes)
    return cells_from_rows(using, response_keys, codes)


def cells_from_rows(using: str, response_keys: list[str], codes: list[str]) -> dict[str, dict]:
    """Return the cells grouped in Python from the answer rows (SQLite's way; any database can)."""
    rows = (
        Answer.objects.using(using).filter(response_id__in=response_keys, question__code__in=codes)
        .annotate(response_key=RESPONSE_KEY)
        .order_by("question__version", "rank", "choice__order", "pk")
        .values_list(
            "response_key", "question_id", "question__code", "question__type", "choice__value", "number", "text"
        )
    )
    return answers_by_response(rows)


def cells_from_database(using: str, response_keys: list[str], codes: list[str]) -> dict[str, dict]:
    connection = connections[using]
    tables = {model._meta.model_name: connection.ops.quote_name(model._meta.db_table)
              for model in (Answer, Question, Choice)}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # A chunk is too small to share out: parallel workers cost the two readers more CPU than they save.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(CELLS_SQL % tables, {"responses": response_keys, "codes": codes, **TYPES})
        return {key: decode_cells(cells) for key, cells in cursor.fetchall()}


def answers_by_response(rows) -> dict[str, dict]:
    """Return {response key: {code: cell}} from answer rows in version and item order."""
    parts: dict = {}
    for key, question_id, code, kind, choice, number, text in rows:
        value = choice if choice is not None else number if number is not None else text
        answer = parts.get((key, code))
        # Versions come in order: answers to a later version of the question replace earlier ones.
        if answer is None or answer[0] != question_id:
            parts[key, code] = (question_id, kind, [value])
        else:
            answer[2].append(value)
    answers: dict = {}
    for (key, code), (_, kind, items) in parts.items():
        answers.setdefault(key, {})[code] = answer_cell(kind, items)
    return answers


def answer_cell(kind: str, items: list):
    """Return one answer as a cell: values joined for several choices, "a > b" for a ranking, numbers as numbers."""
    if kind in PLAIN_TYPES:
        return items[0]
    if kind == Question.Type.RANKING:
        return " > ".join(items)
    if kind == Question.Type.MULTIPLE_CHOICE:
        return "; ".join(items)
    value = items[0]
    if kind == Question.Type.NUMBER and isinstance(value, Decimal):
        return plain_number(value)
    if kind == Question.Type.SCALE and isinstance(value, str) and INTEGER.fullmatch(value):
        return int(value)
    return value
