"""Reads for the workflow panel, the history and the receipt of a position."""

from dataclasses import dataclass, field

from django.db.models import Q

from surveys.models import Answer, Question, Section

from ..models import RIGHT_TO_LEFT, Position, PositionEvent, PriorityArea
from .answering import QuestionGroup, areas_by_section, question_groups, quotes_page

Status = Position.Status
Action = PositionEvent.Action
STEPS = [Action.SENT_FOR_REVIEW, Action.SENT_BACK, Action.SUBMITTED, Action.REOPENED]


def position_events(position: Position):
    """Return the position's events, newest first, with their actors."""
    return PositionEvent.objects.filter(position=position).select_related("actor").order_by("-created_at", "-id")


def last_send_back(position: Position) -> PositionEvent | None:
    """Return the reviewer's comment that sent the draft back, while it is still the latest step."""
    if position.status != Status.DRAFT:
        return None
    latest = position_events(position).filter(action__in=STEPS).first()
    return latest if latest and latest.action == Action.SENT_BACK else None


@dataclass
class ReceiptQuestion:
    question: Question
    answers: list[str] = field(default_factory=list)
    # The question proper when its group's heading quotes what it asks about, else its whole text.
    label: str = ""


@dataclass
class ReceiptGroup:
    group: QuestionGroup
    items: list[ReceiptQuestion]


@dataclass
class ReceiptSection:
    section: Section
    questions: list[ReceiptQuestion] = field(default_factory=list)
    area: PriorityArea | None = None

    @property
    def groups(self) -> list[ReceiptGroup]:
        """Return the questions by the recommendation they ask about, each recommendation quoted once."""
        items = {item.question.pk: item for item in self.questions}
        groups = question_groups([item.question for item in self.questions], self.area)
        return [ReceiptGroup(group, [items[question.pk] for question in group.questions]) for group in groups]


def receipt_sections(position: Position) -> list[ReceiptSection]:
    """Return every area of the response with its questions and the answers given, in order.

    The current questions are listed even when unanswered; an earlier version of a question
    is listed only when it was the one answered.
    """
    response = position.response
    answers = Answer.objects.filter(response=response).select_related("choice").order_by("question_id", "rank", "id")
    by_question = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer_text(answer))
    questions = (
        Question.objects.filter(survey_id=response.survey_id)
        .filter(Q(is_current=True) | Q(pk__in=by_question.keys()))
        .select_related("section")
        .order_by("section__order", "section__code", "order", "code", "version")
    )
    areas = areas_by_section(position)
    sections: dict[int | None, ReceiptSection] = {}
    for question in questions:
        area = areas.get(question.section.code) if question.section_id else None
        entry = sections.setdefault(question.section_id, ReceiptSection(section=question.section, area=area))
        label = question.prompt if quotes_page(question, area) else question.text
        entry.questions.append(ReceiptQuestion(question, by_question.get(question.pk, []), label))
    return list(sections.values())


def answer_text(answer: Answer) -> str:
    """Return one answer row as a reader sees it: a ranked or chosen label, a number or the text."""
    if answer.choice_id:
        label = answer.choice.label
        return f"{answer.rank}. {label}" if answer.rank else label
    if answer.number is not None:
        return f"{answer.number.normalize():f}"
    return answer.text


def content_direction(position: Position) -> str:
    """Return "rtl" when the consultation's content is in a right-to-left language."""
    return "rtl" if position.consultation.language in RIGHT_TO_LEFT else "ltr"
