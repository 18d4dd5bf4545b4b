"""Writes of the survey engine: saving one page of answers, submitting a response."""

from dataclasses import dataclass
from functools import cache

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Answer, Question, Response, ResponseSection, Section
from .selectors import (
    CHOICE_TYPES,
    is_blank,
    response_values,
    section_questions,
    value_display,
)
from .signals import response_submitted

Type = Question.Type


@dataclass(frozen=True)
class SectionChange:
    """A question whose saved answer is not the one this person is saving."""

    question: Question
    saved: object
    yours: object

    @property
    def saved_display(self) -> str:
        return value_display(self.question, self.saved)

    @property
    def yours_display(self) -> str:
        return value_display(self.question, self.yours)


class StaleSection(Exception):
    """Someone saved the page after this person opened it: saving would overwrite their answers."""

    def __init__(self, changes: list[SectionChange], version: int):
        super().__init__(f"The page was saved since (now version {version}); {len(changes)} answers differ.")
        self.changes = changes
        self.version = version


def response_section_save(
    *, response: Response, section: Section, cleaned_data: dict, expected_version: int, user,
    questions: list[Question] | None = None,
) -> ResponseSection:
    """Write the response's answers to the section's questions in `cleaned_data`, then bump the page's version.

    `questions` are the section's current questions with their choices, as the caller loaded
    them to build the form (loaded here when not given). Questions left out of `cleaned_data`
    keep their answers; one given blank is cleared. Refuse with StaleSection, listing what
    differs, when the page was saved after the version this person started from: of two people
    editing one page, the second is told instead of overwriting the first. A stale save that
    changes nothing (the same answers, say from an autosave and a click at once) goes through.
    Answers to other pages are never touched.
    """
    if section.survey_id != response.survey_id:
        raise ValueError("The section belongs to another survey than the response.")
    questions = section_questions(section) if questions is None else questions
    posted = [question for question in questions if question.code in cleaned_data]
    # No savepoint: the caller's transaction stays usable because nothing is raised inside this block.
    with transaction.atomic(savepoint=False):
        page = page_locked(response, section)
        changes = section_changes(response, posted, cleaned_data) if page.version != expected_version else []
        if not changes:
            rows = [row for question in posted for row in answers_for(response, question, cleaned_data[question.code])]
            answered = {row.question_id for row in rows}
            posted_complete = all(question.pk in answered for question in posted if question.required)
            return answers_write(page, user, posted, rows, posted_complete=posted_complete)
    raise StaleSection(changes, page.version)


# Lock the page's row until commit, creating it at version 0 if it is the page's first save: two
# saves of one page run one after the other, the second reading the version the first wrote.
PAGE_LOCK_SQL = """
INSERT INTO {page} (response_id, section_id, version, is_complete) VALUES (%s, %s, 0, %s)
ON CONFLICT (response_id, section_id) DO UPDATE SET version = {page}.version
RETURNING id, version
"""


def page_locked(response: Response, section: Section) -> ResponseSection:
    sql = PAGE_LOCK_SQL.format(page=ResponseSection._meta.db_table)
    with connection.cursor() as cursor:
        # The response's UUID as the database stores it (SQLite, the demo's database, keeps it as text).
        cursor.execute(sql, [Response._meta.pk.get_db_prep_value(response.pk, connection), section.pk, False])
        page_id, version = cursor.fetchone()
    return ResponseSection(id=page_id, response=response, section=section, version=version)


# One statement writes the page on PostgreSQL: the posted questions' rows that are no longer
# answered go, the others are inserted or updated in place (keeping their ids), and the page and
# the response are stamped. The page is complete when the posted required questions are answered
# (`posted_complete`) and so are the others, whose answers this statement does not touch.
PAGE_WRITE_SQL = """
WITH posted (question_id, choice_id, rank, number, text) AS (
    SELECT * FROM UNNEST(%(questions)s::bigint[], %(choices)s::bigint[], %(ranks)s::integer[],
                         %(numbers)s::numeric[], %(texts)s::text[])
),
removed AS (
    DELETE FROM {answer} a
    WHERE a.response_id = %(response)s AND a.question_id = ANY(%(posted)s::bigint[])
      AND NOT EXISTS (SELECT 1 FROM posted p
                      WHERE p.question_id = a.question_id AND p.choice_id IS NOT DISTINCT FROM a.choice_id)
    RETURNING a.id
),{references}
written AS (
    INSERT INTO {answer} (response_id, question_id, choice_id, rank, number, text)
    SELECT %(response)s, question_id, choice_id, rank, number, text FROM posted
    ON CONFLICT (response_id, question_id, choice_id) DO UPDATE
    SET rank = EXCLUDED.rank, number = EXCLUDED.number, text = EXCLUDED.text
    WHERE ({answer}.rank, {answer}.number, {answer}.text) IS DISTINCT FROM (EXCLUDED.rank, EXCLUDED.number, EXCLUDED.text)
),
touched AS (
    UPDATE {response} SET updated_at = %(now)s WHERE id = %(response)s
)
UPDATE {page} SET version = version + 1, saved_at = %(now)s, saved_by_id = %(user)s,
    is_complete = %(posted_complete)s AND NOT EXISTS (
        SELECT 1 FROM {question} q
        WHERE q.section_id = %(section)s AND q.is_current AND q.required AND q.id <> ALL(%(posted)s::bigint[])
          AND NOT EXISTS (SELECT 1 FROM {answer} a WHERE a.response_id = %(response)s AND a.question_id = q.id))
WHERE id = %(page)s
RETURNING version, is_complete
"""


def answers_write(page: ResponseSection, user, posted: list[Question], rows: list[Answer], *, posted_complete: bool):
    """Replace the answers to the posted questions with `rows` and stamp the page; return it."""
    page.saved_at = timezone.now()
    page.saved_by = user if user is not None and user.is_authenticated else None
    references = references_clearing()
    if connection.vendor != "postgresql" or references is None:
        return answers_write_in_steps(page, posted, rows, posted_complete=posted_complete)
    tables = {model.__name__.lower(): model._meta.db_table for model in (Answer, Question, Response, ResponseSection)}
    sql = PAGE_WRITE_SQL.format(page=tables["responsesection"], references=references, **tables)
    parameters = {
        "questions": [row.question_id for row in rows], "choices": [row.choice_id for row in rows],
        "ranks": [row.rank for row in rows], "numbers": [row.number for row in rows],
        "texts": [row.text for row in rows], "posted": [question.pk for question in posted],
        "response": page.response_id, "section": page.section_id, "page": page.pk, "now": page.saved_at,
        "user": page.saved_by.pk if page.saved_by else None, "posted_complete": posted_complete,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        page.version, page.is_complete = cursor.fetchone()
    return page


@cache
def references_clearing() -> str | None:
    """Return the statement's parts that set references to removed answers to NULL, as Django's delete would.

    Other apps may point at answers (the engine does not know them); None when one asks for more
    than SET_NULL or nothing: then the page is written in steps, deleting through Django.
    """
    parts = []
    # As Django's deletion collector finds them: hidden relations (related_name "+") included.
    relations = [
        field for field in Answer._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_one or field.one_to_many)
    ]
    for number, relation in enumerate(relations):
        if relation.on_delete is models.DO_NOTHING:
            continue
        if relation.on_delete is not models.SET_NULL:
            return None
        table, column = relation.related_model._meta.db_table, relation.field.column
        parts.append(
            f"\nreference_{number} AS (UPDATE {table} SET {column} = NULL WHERE {column} IN (SELECT id FROM removed)),"
        )
    return "".join(parts)


def answers_write_in_steps(page: ResponseSection, posted: list[Question], rows: list[Answer], *, posted_complete):
    """Do what PAGE_WRITE_SQL does, a statement at a time (SQLite, the demo's database)."""
    Answer.objects.filter(response_id=page.response_id, question__in=posted).delete()
    Answer.objects.bulk_create(rows)
    others = Question.objects.filter(section_id=page.section_id).exclude(pk__in=[question.pk for question in posted])
    page.is_complete = posted_complete and not unanswered_required(page.response, others).exists()
    page.version += 1
    page.save()
    Response.objects.filter(pk=page.response_id).update(updated_at=page.saved_at)
    return page


def section_changes(response: Response, questions: list[Question], cleaned_data: dict) -> list[SectionChange]:
    """Return the questions whose saved answer differs from the one in `cleaned_data`."""
    saved = response_values(response, questions)
    return [
        SectionChange(question, saved.get(question.code), cleaned_data[question.code])
        for question in questions
        if comparable(saved.get(question.code)) != comparable(cleaned_data[question.code])
    ]


def comparable(value):
    """Return the value in a form where equal answers compare equal (order of choices aside)."""
    if is_blank(value):
        return None
    if isinstance(value, (list, tuple)):
        return sorted(value)
    return value


def answers_for(response: Response, question: Question, value) -> list[Answer]:
    """Return the answer rows of one value: one per chosen item for multiple choices and rankings."""
    if is_blank(value):
        return []
    answer = {"response": response, "question": question}
    # The form checked the values against these choices; one missing now was removed by a
    # regeneration since the page was loaded, and there is nothing left to point at.
    choices = {choice.value: choice for choice in question.choices.all()}
    if question.type == Type.MULTIPLE_CHOICE:
        return [Answer(**answer, choice=choices[item]) for item in value if item in choices]
    if question.type == Type.RANKING:
        return [Answer(**answer, choice=choices[item], rank=rank) for item, rank in value.items() if item in choices]
    if question.type in CHOICE_TYPES:
        return [Answer(**answer, choice=choices[value])] if value in choices else []
    if question.type == Type.NUMBER:
        return [Answer(**answer, number=value)]
    return [Answer(**answer, text=value)]


def unanswered_required(response: Response, questions):
    """Return the current required questions among `questions` that the response has not answered."""
    answered = Answer.objects.filter(response=response, question=OuterRef("pk"))
    return questions.filter(is_current=True, required=True).exclude(Exists(answered))


def unanswered_required_exists(response_field: str, survey_field: str) -> Exists:
    """Return whether a row's response leaves a current required question of its survey unanswered.

    An expression to annotate rows that point at a response (through `response_field`, and at its
    survey through `survey_field`), so that the check costs no statement of its own.
    """
    answered = Answer.objects.filter(response=OuterRef(OuterRef(response_field)), question=OuterRef("pk"))
    required = Question.objects.filter(survey_id=OuterRef(survey_field), is_current=True, required=True)
    return Exists(required.exclude(Exists(answered)))


def response_section_initial(response: Response, section: Section) -> dict:
    """Return the saved answers of the section's questions as form initial values."""
    return response_values(response, section_questions(section))


def response_missing(response: Response) -> dict[str, list[str]]:
    """Return, by section code, the codes of the required questions not answered yet."""
    questions = unanswered_required(response, Question.objects.filter(survey_id=response.survey_id))
    rows = questions.order_by("section__order", "section__code", "order", "code").values_list("section__code", "code")
    missing: dict[str, list[str]] = {}
    for section_code, code in rows:
        missing.setdefault(section_code or "", []).append(code)
    return missing


def response_submit(*, response: Response) -> Response:
    """Mark the response submitted now and announce it with `response_submitted`.

    A response submitted and not saved since is left as it is and announced only once, so a
    double click submits nothing twice; one changed since (where amending is allowed) is
    submitted again.
    """
    now = timezone.now()
    resubmitted = response.status == Response.Status.SUBMITTED
    saved_since = ResponseSection.objects.filter(response=OuterRef("pk"), saved_at__gt=OuterRef("submitted_at"))
    to_submit = Q(status=Response.Status.DRAFT) | Q(submitted_at__isnull=True) | Q(Exists(saved_since))
    # One statement, checked and written under the row's lock: a second submission at the same
    # moment waits for the first, then finds nothing to do.
    with transaction.atomic(savepoint=False):
        submitted = Response.objects.filter(to_submit, pk=response.pk).update(
            status=Response.Status.SUBMITTED, submitted_at=now, updated_at=now
        )
        if submitted:
            response.status, response.submitted_at, response.updated_at = Response.Status.SUBMITTED, now, now
            response_submitted.send(sender=Response, response=response, resubmitted=resubmitted)
    return response
