"""Reading the lines of a response table into checked respondents and answer rows.

`LineReader` reads the layout `export_responses` writes. Another layout (a KoboToolbox or ODK
Central export) has a reader of its own making the same `ImportLine`s.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from surveys.models import Choice, Question

from ...models import Audience, CivilSocietyOrganisation, Consultation, MemberState, Position, Publication
from ..exports import RESPONDENT_COLUMNS
from .values import AnswerRow, CellError, cell_answers, cell_text, cell_time


@dataclass
class ImportLine:
    """One respondent's row, checked: who answers, how it may be published, and the answer rows."""

    line: int
    audience: str
    member_state: MemberState | None
    organisation_name: str
    country: str
    publication: str
    submitted_at: datetime | None
    receipt_number: str
    answers: frozenset[AnswerRow]
    instance_id: str = ""
    organisation: CivilSocietyOrganisation | None = None
    position: Position | None = None
    outcome: str = ""

    @property
    def respondent_key(self) -> tuple:
        if self.member_state:
            return ("state", self.member_state.pk)
        return ("organisation", self.organisation_name.casefold(), self.country)

    @property
    def respondent_name(self) -> str:
        return self.member_state.name if self.member_state else self.organisation_name


class LineReader:
    """Reads the rows of one file against the consultation's current questions."""

    def __init__(self, consultation: Consultation, header: list[str]):
        self.consultation = consultation
        self.header = header
        self.codes = header[len(RESPONDENT_COLUMNS):]
        self.questions = current_questions(consultation)
        self.states = {state.iso3: state for state in MemberState.objects.all()}

    def header_errors(self) -> list[str]:
        fixed = self.header[: len(RESPONDENT_COLUMNS)]
        if fixed != RESPONDENT_COLUMNS:
            return [_("Line 1: the file must start with the columns %(columns)s, as export_responses writes them.")
                    % {"columns": ", ".join(RESPONDENT_COLUMNS)}]
        known = {code for by_code in self.questions.values() for code in by_code}
        errors = [
            _("Line 1: “%(code)s” is not a question of this consultation.") % {"code": code[:80]}
            for code in self.codes if code not in known
        ]
        errors += [
            _("Line 1: the column “%(code)s” appears twice.") % {"code": code}
            for code in sorted({code for code in self.codes if self.codes.count(code) > 1})
        ]
        return errors

    def line(self, line: int, cells: list) -> ImportLine:
        """Return the checked line; raise CellError naming every problem of the line."""
        cells = list(cells) + [None] * (len(self.header) - len(cells))
        fixed = dict(zip(RESPONDENT_COLUMNS, cells))
        problems = []
        respondent = self.respondent(fixed, problems)
        answers = self.answers(respondent["audience"], cells[len(RESPONDENT_COLUMNS):], problems)
        publication = self.publication(respondent["audience"], cell_text(fixed["publication"]).strip(), problems)
        submitted_at = attempt(problems, cell_time, fixed["submitted_at"])
        if len(cells) > len(self.header) and any(cell_text(cell).strip() for cell in cells[len(self.header):]):
            problems.append(_("it has more values than the header has columns."))
        if problems:
            raise CellError(" ".join(problems))
        receipt = cell_text(fixed["receipt_number"]).strip()
        return ImportLine(line=line, publication=publication, submitted_at=submitted_at, receipt_number=receipt,
                          answers=frozenset(answers), **respondent)

    def respondent(self, fixed: dict, problems: list) -> dict:
        audience = cell_text(fixed["audience"]).strip()
        country = cell_text(fixed["country"]).strip().upper()
        name = " ".join(cell_text(fixed["respondent"]).split())
        found = {"audience": audience, "member_state": None, "organisation_name": name, "country": country}
        if audience == Audience.MEMBER_STATE:
            found["member_state"] = self.states.get(all_countries.alpha3(country) or country)
            if found["member_state"] is None:
                problems.append(_("“%(code)s” is not the ISO code of a member state.") % {"code": country[:10]})
        elif audience == Audience.CIVIL_SOCIETY:
            found["country"] = all_countries.alpha2(country)
            if not name:
                problems.append(_("the organisation's name is missing."))
            elif len(name) > CivilSocietyOrganisation._meta.get_field("name").max_length:
                problems.append(_("the organisation's name is too long."))
            if not found["country"]:
                problems.append(_("“%(code)s” is not an ISO country code.") % {"code": country[:10]})
        else:
            problems.append(_("the audience must be member_state or civil_society, not “%(value)s”.")
                            % {"value": audience[:40]})
        return found

    def publication(self, audience: str, value: str, problems: list) -> str:
        if not value:
            return self.consultation.member_state_publication if audience == Audience.MEMBER_STATE else Publication.CONFIDENTIAL
        if value not in Publication.values:
            problems.append(_("the publication must be one of %(choices)s, not “%(value)s”.")
                            % {"choices": ", ".join(Publication.values), "value": value[:40]})
        return value

    def answers(self, audience: str, cells: list, problems: list) -> list[AnswerRow]:
        questions = self.questions.get(audience, {})
        rows = []
        for code, cell in zip(self.codes, cells):
            if code not in questions:
                if cell_text(cell).strip() and audience in self.questions:
                    problems.append(_("%(code)s is not a question for %(audience)s.")
                                    % {"code": code, "audience": Audience(audience).label})
                continue
            question, choices = questions[code]
            rows += attempt(problems, cell_answers, question, choices, cell) or []
        return rows


def attempt(problems: list, function, *args):
    """Return what the function returns, or None after noting its CellError among the problems."""
    try:
        return function(*args)
    except CellError as error:
        problems.append(str(error))
        return None


def current_questions(consultation: Consultation) -> dict[str, dict[str, tuple[Question, dict[str, int]]]]:
    """Return {audience: {code: (question, {choice value: choice id})}} for the current questions."""
    questions = Question.objects.filter(survey__questionnaire__consultation=consultation, is_current=True)
    by_audience: dict = {}
    audiences = dict(questions.values_list("pk", "survey__questionnaire__audience"))
    choices: dict[int, dict[str, int]] = {}
    for question_id, value, choice_id in Choice.objects.filter(question__in=questions).order_by("order").values_list(
        "question_id", "value", "pk"
    ):
        choices.setdefault(question_id, {})[value] = choice_id
    for question in questions:
        by_audience.setdefault(audiences[question.pk], {})[question.code] = (question, choices.get(question.pk, {}))
    return by_audience
