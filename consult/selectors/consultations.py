"""Reads that views share, with their joins done here rather than in loops."""

from django.db.models import Count, F, Prefetch, Q

from surveys.models import Choice, Question, Section

from ..models import PriorityArea, Questionnaire, Recommendation


def consultation_outline(consultation):
    """Return the areas of a consultation with their recommendations and round tables."""
    recommendations = Recommendation.objects.prefetch_related("round_tables").order_by("position")
    return (
        PriorityArea.objects.filter(consultation=consultation)
        .prefetch_related("round_tables", Prefetch("recommendations", queryset=recommendations))
        .order_by("number")
    )


def questionnaires_with_counts(consultation):
    return Questionnaire.objects.filter(consultation=consultation).annotate(
        question_count=Count("survey__questions", filter=Q(survey__questions__is_current=True))
    )


def questionnaire_sections(questionnaire):
    """Return the sections of a questionnaire with their current questions and choices."""
    questions = Question.objects.filter(is_current=True).prefetch_related("choices").order_by("order", "code")
    return (
        Section.objects.filter(survey=questionnaire.survey)
        .prefetch_related(Prefetch("questions", queryset=questions))
        .order_by("order", "code")
    )


def consultation_questions(consultation):
    """Return the current questions of every questionnaire of the consultation, each with its audience and choices."""
    choices = Prefetch("choices", queryset=Choice.objects.order_by("order"))
    questions = Question.objects.filter(survey__questionnaire__consultation=consultation, is_current=True)
    questions = questions.annotate(audience=F("survey__questionnaire__audience")).select_related("section")
    return questions.prefetch_related(choices)


class Stage:
    """Where the secretariat's work on a consultation stands: the page leads with that stage's action."""

    SET_UP = "set_up"
    COLLECT = "collect"
    ANALYSE = "analyse"
    PUBLISH = "publish"


def consultation_stage(consultation, areas, questionnaires) -> str:
    """Return the stage: set up until the paper is imported, the questions made and the consultation opened."""
    has_questions = any(questionnaire.question_count for questionnaire in questionnaires)
    if not areas or not has_questions or consultation.status == consultation.Status.DRAFT:
        return Stage.SET_UP
    if consultation.status == consultation.Status.OPEN:
        return Stage.COLLECT
    if consultation.status == consultation.Status.CLOSED:
        return Stage.ANALYSE
    return Stage.PUBLISH


def set_up_action(consultation, areas, questionnaires) -> str:
    """Return the next set-up step: "paper", "questions" or "open"."""
    if not areas:
        return "paper"
    if not any(questionnaire.question_count for questionnaire in questionnaires):
        return "questions"
    return "open"
