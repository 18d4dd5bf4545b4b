"""How ready a position is to be sent: its answers in words, area by area and recommendation by
recommendation, and what is still missing. The start page, the send-for-review confirmation
and the "check your answers" page read it.
"""

from dataclasses import dataclass, field

from surveys.models import Question, Section
from surveys.selectors import response_values, section_questions, survey_sections, value_display

from ..models import Position
from .answering import QuestionGroup, areas_by_section, question_groups, quotes_page


@dataclass(frozen=True)
class AnswerLine:
    """One question as the person reads it: its prompt (or whole text) and the answer given."""

    question: Question
    label: str
    answer: str

    @property
    def is_missing(self) -> bool:
        return self.question.required and not self.answer


@dataclass
class GroupSummary:
    group: QuestionGroup
    lines: list[AnswerLine]

    @property
    def missing(self) -> int:
        return sum(line.is_missing for line in self.lines)


@dataclass
class AreaSummary:
    section: Section
    groups: list[GroupSummary] = field(default_factory=list)

    @property
    def lines(self) -> list[AnswerLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def required(self) -> int:
        return sum(line.question.required for line in self.lines)

    @property
    def missing(self) -> int:
        return sum(group.missing for group in self.groups)


@dataclass
class Readiness:
    areas: list[AreaSummary]

    @property
    def required(self) -> int:
        return sum(area.required for area in self.areas)

    @property
    def missing(self) -> int:
        return sum(area.missing for area in self.areas)

    @property
    def answered(self) -> int:
        """Return how many required questions are answered."""
        return self.required - self.missing

    @property
    def is_complete(self) -> bool:
        return self.missing == 0

    @property
    def incomplete_areas(self) -> list[AreaSummary]:
        return [area for area in self.areas if area.missing]


def position_readiness(position: Position, language: str | None = None) -> Readiness:
    """Return the position's answers in words, by area and recommendation, with what is missing.

    Questions show in `language` where the secretariat translated them.
    """
    areas = areas_by_section(position)
    summaries = []
    for section in survey_sections(position.response.survey):
        questions = section_questions(section, language=language)
        values = response_values(position.response, questions)
        area = areas.get(section.code)
        groups = [
            GroupSummary(group, [answer_line(question, values.get(question.code), area) for question in group.questions])
            for group in question_groups(questions, area)
        ]
        summaries.append(AreaSummary(section=section, groups=groups))
    return Readiness(areas=summaries)


def answer_line(question: Question, value, area) -> AnswerLine:
    label = question.prompt if quotes_page(question, area) else question.text
    return AnswerLine(question=question, label=label, answer=value_display(question, value))
