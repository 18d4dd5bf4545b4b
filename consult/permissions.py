"""Who may see or change what. Every view asks here; scope always comes from the object."""

from .models import (
    CivilSocietyOrganisation,
    FocalPoint,
    MemberState,
    Position,
)
from .selectors.coverage import countries_of
from .services.accounts import is_secretariat
from .services.deadlines import is_accepting


def states_of(user):
    """Return the member states the person is a focal point of."""
    if not user.is_authenticated:
        return MemberState.objects.none()
    return MemberState.objects.filter(focal_points__user=user)


def organisations_of(user):
    """Return the organisations the person represents."""
    if not user.is_authenticated:
        return CivilSocietyOrganisation.objects.none()
    return CivilSocietyOrganisation.objects.filter(representatives__user=user)


def coordinated_states(user):
    """Return the member states in the regions or groupings the person coordinates."""
    if not user.is_authenticated:
        return MemberState.objects.none()
    return MemberState.objects.filter(groupings__coordinators__user=user).distinct()


def coordinated_countries(user):
    """Return the ISO alpha-2 codes of the countries of the person's regions."""
    return countries_of(coordinated_states(user))


def focal_point_role(user, member_state):
    """Return the person's role for the state (drafter, reviewer, submitter), or None."""
    if not user.is_authenticated:
        return None
    focal_point = FocalPoint.objects.filter(user=user, member_state=member_state).first()
    return focal_point.role if focal_point else None


def acts_for(user, position) -> bool:
    """Tell whether the person drafts or answers for the position's state or organisation."""
    if position.member_state_id:
        return states_of(user).filter(pk=position.member_state_id).exists()
    return organisations_of(user).filter(pk=position.organisation_id).exists()


def coordinates(user, position) -> bool:
    if position.member_state_id:
        return coordinated_states(user).filter(pk=position.member_state_id).exists()
    return position.organisation.country.code in coordinated_countries(user)


def can_view_position(user, position) -> bool:
    if not user.is_authenticated:
        return False
    return is_secretariat(user) or acts_for(user, position) or coordinates(user, position)


def can_edit_position(user, position) -> bool:
    """Tell whether the person may change the answers now (role, status and deadline)."""
    if not acts_for(user, position):
        return False
    if not is_accepting(position.consultation, position.member_state):
        return False
    if position.audience == "member_state":
        return position.status in (Position.Status.DRAFT, Position.Status.REOPENED)
    if position.organisation.accreditation != CivilSocietyOrganisation.Accreditation.ACCREDITED:
        return False
    if position.status == Position.Status.SUBMITTED:
        return position.consultation.civil_society_can_amend
    return True


def positions_visible_to(user):
    """Return the positions the person may see."""
    positions = Position.objects.select_related("consultation", "member_state", "organisation")
    if is_secretariat(user):
        return positions
    if not user.is_authenticated:
        return positions.none()
    mine = positions.filter(member_state__in=states_of(user)) | positions.filter(
        organisation__in=organisations_of(user)
    )
    region = positions.filter(member_state__in=coordinated_states(user)) | positions.filter(
        organisation__country__in=coordinated_countries(user)
    )
    return (mine | region).distinct()
