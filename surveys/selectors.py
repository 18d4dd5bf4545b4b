"""Reads of the survey engine that views and services share, with their joins done here."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q

from .models import Answer, Choice, Question, QuestionTranslation, Response, ResponseSection, Section, Survey

Type = Question.Type
CHOICE_TYPES = {Type.SCALE, Type.SINGLE_CHOICE, Type.YES_NO}
BLANK_VALUES = (None, "", [], (), {})


@dataclass(frozen=True)
class SectionProgress:
    """How far a response has come on one section (page) of its survey."""

    section: Section
    questions: int
    answered: int
    required: int
    required_answered: int
    saved: ResponseSection | None

    @property
    def is_complete(self) -> bool:
        return self.required_answered >= self.required

    @property
    def required_missing(self) -> int:
        return self.required - self.required_answered


def is_blank(value) -> bool:
    return value is None or value in BLANK_VALUES


def survey_sections(survey: Survey) -> list[Section]:
    """Return the survey's sections that have current questions, in order."""
    sections = Section.objects.filter(survey=survey, questions__is_current=True).distinct().select_related("survey")
    return list(sections.order_by("order", "code"))


def section_questions(section: Section, language: str | None = None) -> list[Question]:
    """Return the section's current questions in order, with their choices.

    With a language, a question that has a translation in it carries the translated text
    and choice labels (in memory only; values are unchanged).
    """
    # Ordered within their question only: Choice's default ordering joins and sorts the questions too.
    choices = Prefetch("choices", queryset=Choice.objects.order_by("order"))
    questions = section.questions.filter(is_current=True).prefetch_related(choices).order_by("order", "code")
    translating = bool(language) and language != section.survey.language
    if translating:
        # Joined to the questions (one translation per language at most): no query of its own.
        in_language = FilteredRelation("translations", condition=Q(translations__language=language))
        questions = questions.annotate(in_language=in_language).annotate(
            translated_text=F("in_language__text"), translated_help=F("in_language__help_text"),
            translated_labels=F("in_language__choice_labels"),
        )
    questions = list(questions)
    for question in questions if translating else ():
        question_translate(question)
    return questions


def questions_translate(questions: list[Question], language: str) -> None:
    """Put each question's translation in the language, if any, in place of its text and labels (one query)."""
    translations = QuestionTranslation.objects.filter(question__in=questions, language=language)
    by_question = {translation.question_id: translation for translation in translations}
    for question in questions:
        translation = by_question.get(question.pk)
        question.translated_text = translation.text if translation else None
        question.translated_help = translation.help_text if translation else None
        question.translated_labels = translation.choice_labels if translation else None
        question_translate(question)


def question_translate(question: Question) -> None:
    """Put the question's translation, as annotated by section_questions, in place of its text and labels."""
    if question.translated_text is None:
        return
    question.text, question.help_text = question.translated_text, question.translated_help or question.help_text
    for choice in question.choices.all():
        choice.label = question.translated_labels.get(choice.value, choice.label)


def response_values(response: Response, questions: list[Question]) -> dict[str, object]:
    """Return the saved answers to the questions by question code, as form values.

    A choice is its value, multiple choices a list of values, a ranking {value: rank}, a
    number a Decimal and a text a string; an unanswered question is left out.
    """
    by_id = {question.pk: question for question in questions}
    answers = (
        Answer.objects.filter(response=response, question__in=list(by_id))
        .select_related("choice")
        .order_by("question_id", "rank", "choice__order")
    )
    values: dict[str, object] = {}
    for answer in answers:
        answer_into(values, by_id[answer.question_id], answer)
    return values


def answer_into(values: dict, question: Question, answer: Answer) -> None:
    """Add one answer row to the form values of its question."""
    if question.type == Type.MULTIPLE_CHOICE:
        values.setdefault(question.code, []).append(answer.choice.value)
    elif question.type == Type.RANKING:
        values.setdefault(question.code, {})[answer.choice.value] = answer.rank
    elif question.type in CHOICE_TYPES:
        values[question.code] = answer.choice.value
    elif question.type == Type.NUMBER:
        values[question.code] = plain_number(answer.number)
    else:
        values[question.code] = answer.text


def plain_number(number: Decimal) -> Decimal:
    """Return the number without the trailing zeros the column pads it with (12.5, not 12.500000)."""
    # normalize() alone writes 100 as 1E+2, which a number input does not accept.
    return Decimal(format(number.normalize(), "f"))


def value_display(question: Question, value) -> str:
    """Return an answer as a person reads it: the labels of choices rather than their values."""
    if is_blank(value):
        return ""
    labels = {choice.value: choice.label for choice in question.choices.all()}
    if question.type == Type.MULTIPLE_CHOICE:
        return "; ".join(labels.get(item, item) for item in value)
    if question.type == Type.RANKING:
        ranked = sorted(value.items(), key=lambda item: item[1])
        return "; ".join(f"{rank}. {labels.get(item, item)}" for item, rank in ranked)
    if question.type in CHOICE_TYPES:
        return labels.get(value, value)
    if isinstance(value, Decimal):
        return str(plain_number(value))
    return str(value)


def section_progress(response: Response) -> list[SectionProgress]:
    """Return, for each section of the response's survey, its answered and required counts."""
    answered = Q(Exists(Answer.objects.filter(response=response, question=OuterRef("pk"))))
    # Annotation names differ from the fields: "required" would shadow Question.required.
    counts = (
        Question.objects.filter(survey_id=response.survey_id, is_current=True)
        .values("section_id")
        .annotate(
            question_count=Count("pk"),
            answered_count=Count("pk", filter=answered),
            required_count=Count("pk", filter=Q(required=True)),
            required_answered_count=Count("pk", filter=Q(required=True) & answered),
        )
        .order_by()
    )
    by_section = {
        row["section_id"]: {
            "questions": row["question_count"],
            "answered": row["answered_count"],
            "required": row["required_count"],
            "required_answered": row["required_answered_count"],
        }
        for row in counts
    }
    pages = ResponseSection.objects.filter(response=response).select_related("saved_by")
    saved = {page.section_id: page for page in pages}
    return [
        SectionProgress(section=section, saved=saved.get(section.pk), **by_section[section.pk])
        for section in survey_sections(response.survey)
    ]
