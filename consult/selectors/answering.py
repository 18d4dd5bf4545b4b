"""Reads for respondents: whom they answer for, their consultations, the areas of a page and
the questions of an area grouped by the recommendation they ask about."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from surveys.models import Question, Section
from surveys.selectors import survey_sections

from ..models import (
    Audience,
    CivilSocietyOrganisation,
    Consultation,
    MemberState,
    Position,
    PriorityArea,
    Recommendation,
)
from ..permissions import coordinated_groupings, organisations_of, states_of


@dataclass(frozen=True)
class Respondent:
    """A state or an organisation a person answers for."""

    member_state: MemberState | None = None
    organisation: CivilSocietyOrganisation | None = None

    @property
    def audience(self) -> str:
        return Audience.MEMBER_STATE if self.member_state else Audience.CIVIL_SOCIETY

    @property
    def key(self) -> str:
        """Return how a form names the respondent: "member_state:12" or "organisation:3"."""
        if self.member_state:
            return f"member_state:{self.member_state.pk}"
        return f"organisation:{self.organisation.pk}"

    @property
    def name(self) -> str:
        return str(self.member_state or self.organisation)

    def lookup(self) -> dict:
        """Return the keyword arguments that find or make the respondent's position."""
        if self.member_state:
            return {"member_state": self.member_state}
        return {"organisation": self.organisation}


@dataclass(frozen=True)
class RespondentConsultation:
    """One line of "my consultations": a consultation, whom it is answered for, and how far."""

    consultation: Consultation
    respondent: Respondent
    position: Position | None
    deadline: datetime | None
    is_accepting: bool


def respondents_of(user) -> list[Respondent]:
    """Return the states and accredited organisations the person may answer for."""
    states = [Respondent(member_state=state) for state in states_of(user)]
    accredited = organisations_of(user).filter(accreditation=CivilSocietyOrganisation.Accreditation.ACCREDITED)
    return states + [Respondent(organisation=organisation) for organisation in accredited]


def unaccredited_organisations_of(user):
    """Return the organisations the person represents that may not answer (yet)."""
    return organisations_of(user).exclude(accreditation=CivilSocietyOrganisation.Accreditation.ACCREDITED)


def respondent_consultations(user) -> list[RespondentConsultation]:
    """Return the open consultations (and the closed ones already answered) for each respondent."""
    respondents = respondents_of(user)
    positions = respondent_positions(respondents)
    consultations = Consultation.objects.filter(
        status__in=[Consultation.Status.OPEN, Consultation.Status.CLOSED],
        questionnaires__audience__in={respondent.audience for respondent in respondents},
    ).prefetch_related("questionnaires")
    rows = []
    for consultation in consultations.distinct().order_by("closes_at", "title"):
        audiences = {questionnaire.audience for questionnaire in consultation.questionnaires.all()}
        for respondent in respondents:
            position = positions.get((consultation.pk, respondent.key))
            if respondent.audience in audiences and (position or consultation.status == Consultation.Status.OPEN):
                rows.append(respondent_consultation(consultation, respondent, position))
    return rows


@dataclass(frozen=True)
class CoordinatedConsultation:
    """One line of "my consultations" for a regional coordinator: a consultation and the regions they follow in it."""

    consultation: Consultation
    groupings: list
    deadline: datetime | None
    is_accepting: bool


def coordinated_consultations(user) -> list[CoordinatedConsultation]:
    """Return the consultations a regional coordinator follows (open or closed), with their regions."""
    groupings = list(coordinated_groupings(user).in_name_order())
    if not groupings:
        return []
    consultations = Consultation.objects.filter(status__in=[Consultation.Status.OPEN, Consultation.Status.CLOSED])
    return [
        CoordinatedConsultation(consultation, groupings, consultation.deadline_for(), consultation.is_accepting())
        for consultation in consultations.order_by("-status", "closes_at", "title")  # Open before closed.
    ]


def respondent_positions(respondents: list[Respondent]) -> dict[tuple[int, str], Position]:
    """Return the respondents' positions by (consultation id, respondent key), in one query."""
    states = [respondent.member_state for respondent in respondents if respondent.member_state]
    organisations = [respondent.organisation for respondent in respondents if respondent.organisation]
    positions = Position.objects.filter(Q(member_state__in=states) | Q(organisation__in=organisations))
    return {
        (position.consultation_id, Respondent(position.member_state, position.organisation).key): position
        for position in positions.select_related("member_state", "organisation")
    }


def respondent_consultation(consultation, respondent, position) -> RespondentConsultation:
    return RespondentConsultation(
        consultation=consultation,
        respondent=respondent,
        position=position,
        deadline=consultation.deadline_for(respondent.member_state),
        is_accepting=consultation.is_accepting(respondent.member_state),
    )


def position_sections(position: Position) -> list[Section]:
    return survey_sections(position.response.survey)


def section_area(position: Position, section: Section) -> PriorityArea | None:
    """Return the priority area a page asks about, with its active recommendations."""
    if not section.code.isdecimal():
        return None
    active = Recommendation.objects.filter(status=Recommendation.Status.ACTIVE).order_by("position")
    areas = PriorityArea.objects.filter(consultation_id=position.consultation_id, number=int(section.code))
    recommendations = Prefetch("recommendations", queryset=active, to_attr="active_recommendations")
    return areas.prefetch_related(recommendations).first()


def areas_by_section(position: Position) -> dict[str, PriorityArea]:
    """Return the consultation's areas by section code ("1"), with their active recommendations."""
    active = Recommendation.objects.filter(status=Recommendation.Status.ACTIVE).order_by("position")
    areas = PriorityArea.objects.filter(consultation_id=position.consultation_id)
    recommendations = Prefetch("recommendations", queryset=active, to_attr="active_recommendations")
    return {area.code: area for area in areas.prefetch_related(recommendations)}


@dataclass
class QuestionGroup:
    """The questions of a page that ask about one thing (a recommendation), shown under it once.

    `anchor` is the element id of the group on its page, for links that lead to it.
    """

    heading: str
    subject: str
    anchor: str
    code: str = ""
    questions: list[Question] = field(default_factory=list)
    fields: list = field(default_factory=list)


def question_groups(questions: list[Question], area: PriorityArea | None) -> list[QuestionGroup]:
    """Return the questions grouped by what they ask about, in page order."""
    recommendations = {rec.code: rec for rec in area.active_recommendations} if area else {}
    groups: list[QuestionGroup] = []
    for question in questions:
        group = group_of(question, area, recommendations)
        if not groups or groups[-1].anchor != group.anchor:
            groups.append(group)
        groups[-1].questions.append(question)
    return groups


def group_of(question: Question, area: PriorityArea | None, recommendations: dict) -> QuestionGroup:
    """Return the (empty) group of what the question asks about; without a heading when unknown."""
    if question.reference in recommendations:
        recommendation = recommendations[question.reference]
        heading = _("Recommendation %(code)s") % {"code": recommendation.code}
        return QuestionGroup(heading, recommendation.text, f"recommendation-{recommendation.code}", recommendation.code)
    if area is None or question.reference != area.code:
        return QuestionGroup(heading="", subject="", anchor="questions")
    if question.type == Question.Type.RANKING:
        return QuestionGroup(heading=_("Ranking of the recommendations"), subject="", anchor="ranking")
    return QuestionGroup(heading=_("Headline recommendation"), subject=area.headline, anchor="headline")


def quotes_page(question: Question, area: PriorityArea | None) -> bool:
    """Tell whether the question's subject quotes a text its area page shows (so its prompt suffices)."""
    if area is None or not question.subject:
        return False
    texts = [area.title, area.headline, *(recommendation.text for recommendation in area.active_recommendations)]
    return any(text.strip() and text.strip() in question.subject for text in texts)
