"""Writes of the survey engine: saving one page of answers, submitting a response."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
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
    *, response: Response, section: Section, cleaned_data: dict, expected_version: int, user
) -> ResponseSection:
    """Replace the response's answers to the section's questions, then bump the page's version.

    Refuse with StaleSection, listing what differs, when the page was saved after the version
    this person started from: of two people editing one page, the second is told instead of
    overwriting the first. A stale save that changes nothing (the same answers, say from an
    autosave and a click at once) goes through. Answers to other pages are never touched.
    """
    if section.survey_id != response.survey_id:
        raise ValueError("The section belongs to another survey than the response.")
    with transaction.atomic():
        # The row lock makes two saves of one page run one after the other, the second
        # reading the version the first wrote.
        page, _created = ResponseSection.objects.select_for_update().get_or_create(response=response, section=section)
        current = section_questions(section)
        questions = [question for question in current if question.code in cleaned_data]
        if page.version != expected_version:
            changes = section_changes(response, questions, cleaned_data)
            if changes:
                raise StaleSection(changes, page.version)
        answered = answers_replace(response, questions, cleaned_data)
        # A page that posted all its questions is complete when its answers say so; one that
        # did not keeps its other answers, which only the database knows.
        if len(questions) == len(current):
            is_complete = all(question.pk in answered for question in current if question.required)
        else:
            is_complete = not unanswered_required(response, Question.objects.filter(section_id=section.pk)).exists()
        return page_saved(page, response, user, is_complete=is_complete)


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


def answers_replace(response: Response, questions: list[Question], cleaned_data: dict) -> set[int]:
    """Replace the response's answers to the questions; return the ids of those now answered."""
    rows = {question.pk: answers_for(response, question, cleaned_data[question.code]) for question in questions}
    Answer.objects.filter(response=response, question__in=questions).delete()
    Answer.objects.bulk_create(answer for answers in rows.values() for answer in answers)
    return {question_id for question_id, answers in rows.items() if answers}


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


def page_saved(page: ResponseSection, response: Response, user, *, is_complete: bool) -> ResponseSection:
    page.version += 1
    page.saved_at = timezone.now()
    page.saved_by = user if user is not None and user.is_authenticated else None
    page.is_complete = is_complete
    page.save()
    Response.objects.filter(pk=response.pk).update(updated_at=page.saved_at)
    return page


def unanswered_required(response: Response, questions):
    """Return the current required questions among `questions` that the response has not answered."""
    answered = Answer.objects.filter(response=response, question=OuterRef("pk"))
    return questions.filter(is_current=True, required=True).exclude(Exists(answered))


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
    with transaction.atomic():
        response.refresh_from_db(from_queryset=Response.objects.select_for_update())
        if response.status == Response.Status.SUBMITTED and not saved_since_submission(response):
            return response
        response.status = Response.Status.SUBMITTED
        response.submitted_at = timezone.now()
        response.save(update_fields=["status", "submitted_at", "updated_at"])
        response_submitted.send(sender=Response, response=response)
    return response


def saved_since_submission(response: Response) -> bool:
    return response.submitted_at is None or response.sections.filter(saved_at__gt=response.submitted_at).exists()
