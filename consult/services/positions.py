"""Getting the one position of a state or organisation in a consultation."""

from django.db import IntegrityError, transaction

from surveys.models import Response

from ..models import Audience, CivilSocietyOrganisation, Consultation, MemberState, Position, PositionEvent, Publication


def position_for(
    *,
    consultation: Consultation,
    member_state: MemberState | None = None,
    organisation: CivilSocietyOrganisation | None = None,
    actor=None,
) -> Position:
    """Return the state's (or organisation's) position, creating it on first use.

    The database allows one per state or organisation; when two focal points open the
    questionnaire at the same moment, the second one gets the position the first created.
    """
    respondent = {"member_state": member_state} if member_state else {"organisation": organisation}
    existing = Position.objects.filter(consultation=consultation, **respondent).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return position_create(consultation=consultation, actor=actor, **respondent)
    except IntegrityError:
        return Position.objects.get(consultation=consultation, **respondent)


def position_create(*, consultation, actor=None, member_state=None, organisation=None) -> Position:
    audience = Audience.MEMBER_STATE if member_state else Audience.CIVIL_SOCIETY
    questionnaire = consultation.questionnaires.get(audience=audience)
    response = Response.objects.create(survey=questionnaire.survey)
    publication = consultation.member_state_publication if member_state else Publication.CONFIDENTIAL
    position = Position.objects.create(
        consultation=consultation,
        audience=audience,
        member_state=member_state,
        organisation=organisation,
        response=response,
        publication=publication,
    )
    PositionEvent.objects.create(position=position, actor=actor, action=PositionEvent.Action.CREATED)
    return position
