"""Who may see or do what. Views, the API, selectors and services all ask here; scope comes from the object.

This module sits just above the models: it reads them and nothing else of the project, so
that every layer above may ask it.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Q

from .models import (
    Audience,
    CivilSocietyOrganisation,
    CivilSocietyRepresentative,
    Consultation,
    FocalPoint,
    MemberState,
    Position,
    RegionalCoordinator,
    RegionalGrouping,
    Report,
)
from .request_memo import memoised

SECRETARIAT = "Secretariat"
Status = Position.Status


@dataclass(frozen=True)
class Roles:
    """What a person is, read in one query and kept for the request: most checks need no other."""

    secretariat: bool = False
    state_roles: dict[int, str] = field(default_factory=dict)  # member state id -> focal point role
    organisation_ids: frozenset[int] = frozenset()
    grouping_ids: frozenset[int] = frozenset()  # the groupings the person coordinates


def roles_of(user) -> Roles:
    if not user.is_authenticated:
        return Roles()
    return memoised(("roles", user.pk), lambda: roles_read(user))


# Written out rather than built by the ORM: it runs on nearly every request, and compiling a
# four-part UNION costs more than running it.
ROLES_SQL = """
SELECT 'state', member_state_id, role FROM {focal_point} WHERE user_id = %(user)s
UNION ALL SELECT 'organisation', organisation_id, '' FROM {representative} WHERE user_id = %(user)s
UNION ALL SELECT 'grouping', grouping_id, '' FROM {coordinator} WHERE user_id = %(user)s
UNION ALL SELECT 'secretariat', g.id, '' FROM {group} g JOIN {user_group} ug ON ug.group_id = g.id
          WHERE ug.user_id = %(user)s AND g.name = %(secretariat)s
"""


def roles_read(user) -> Roles:
    tables = {
        "focal_point": FocalPoint, "representative": CivilSocietyRepresentative, "coordinator": RegionalCoordinator,
        "group": Group, "user_group": user.groups.through,
    }
    sql = ROLES_SQL.format(**{name: model._meta.db_table for name, model in tables.items()})
    by_kind: dict[str, dict[int, str]] = {"state": {}, "organisation": {}, "grouping": {}, "secretariat": {}}
    with connection.cursor() as cursor:
        cursor.execute(sql, {"user": user.pk, "secretariat": SECRETARIAT})
        for kind, pk, role in cursor.fetchall():
            by_kind[kind][pk] = role
    return Roles(
        secretariat=bool(by_kind["secretariat"]), state_roles=by_kind["state"],
        organisation_ids=frozenset(by_kind["organisation"]), grouping_ids=frozenset(by_kind["grouping"]),
    )


def is_secretariat(user) -> bool:
    return user.is_active and (user.is_superuser or roles_of(user).secretariat)


# Whom a person acts for or coordinates.


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


def coordinated_groupings(user):
    """Return the regions or groupings the person coordinates."""
    if not user.is_authenticated:
        return RegionalGrouping.objects.none()
    return RegionalGrouping.objects.filter(coordinators__user=user)


def coordinated_states(user):
    """Return the member states in the regions or groupings the person coordinates."""
    if not user.is_authenticated:
        return MemberState.objects.none()
    return MemberState.objects.filter(groupings__coordinators__user=user).distinct()


def coordinated_countries(user):
    """Return the ISO alpha-2 codes of the countries of the person's regions."""
    return coordinated_states(user).alpha2_codes()


def followed_states(user):
    """Return the states whose coverage and responses the person follows (None: all, for the secretariat).

    A regional coordinator follows the states of their regions (and the organisations of those
    countries); anyone else is refused.
    """
    if is_secretariat(user):
        return None
    states = coordinated_states(user)
    if not states.exists():
        raise PermissionDenied
    return states


def dashboard_groupings(user) -> list | None:
    """Return the regions whose dashboard the person follows (None: the world's, for the secretariat).

    A regional coordinator sees the dashboard of each region they coordinate, and only those;
    anyone else is refused.
    """
    if is_secretariat(user):
        return None
    groupings = list(coordinated_groupings(user).in_name_order())
    if not groupings:
        raise PermissionDenied
    return groupings


def focal_point_role(user, member_state) -> str | None:
    """Return the person's role for the state (drafter, reviewer, submitter), or None."""
    return roles_of(user).state_roles.get(getattr(member_state, "pk", member_state))


def coordinates_grouping(user, grouping) -> bool:
    return grouping is not None and grouping.pk in roles_of(user).grouping_ids


# Consultations.


def consultations_visible_to(user):
    """Return the consultations a person may see: drafts only for the secretariat."""
    consultations = Consultation.objects.all()
    if not is_secretariat(user):
        consultations = consultations.exclude(status=Consultation.Status.DRAFT)
    return consultations


# Positions and their workflow.


def acts_for(user, position) -> bool:
    """Tell whether the person drafts or answers for the position's state or organisation."""
    roles = roles_of(user)
    if position.member_state_id:
        return position.member_state_id in roles.state_roles
    return position.organisation_id in roles.organisation_ids


def coordinates(user, position) -> bool:
    if not roles_of(user).grouping_ids:
        return False
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
    if not position.consultation.is_accepting(position.member_state):
        return False
    if position.audience == Audience.MEMBER_STATE:
        return position.status in (Status.DRAFT, Status.REOPENED)
    if position.organisation.accreditation != CivilSocietyOrganisation.Accreditation.ACCREDITED:
        return False
    if position.status == Status.SUBMITTED:
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


def can_see_history(user, position) -> bool:
    """The secretariat and the people acting for the state or organisation follow its history."""
    return is_secretariat(user) or acts_for(user, position)


def may_send_for_review(user, position) -> bool:
    """Tell whether the person's role lets them send the position for review."""
    return position.audience == Audience.MEMBER_STATE and acts_for(user, position)


def may_send_back(user, position) -> bool:
    if position.audience != Audience.MEMBER_STATE:
        return False
    return focal_point_role(user, position.member_state) in (FocalPoint.Role.REVIEWER, FocalPoint.Role.SUBMITTER)


def may_submit(user, position) -> bool:
    if position.audience == Audience.MEMBER_STATE:
        return focal_point_role(user, position.member_state) == FocalPoint.Role.SUBMITTER
    return acts_for(user, position)


def may_reopen(user, position) -> bool:
    return is_secretariat(user)


def workflow_actions(user, position) -> list[str]:
    """Return the steps the person may take on the position now: their role and its status allow them."""
    actions = []
    if may_send_for_review(user, position) and position.status in (Status.DRAFT, Status.REOPENED):
        actions.append("send_for_review")
    if may_send_back(user, position) and position.status == Status.READY_FOR_REVIEW:
        actions.append("send_back")
    if may_submit(user, position) and position.accepts_submission():
        actions.append("submit")
    if may_reopen(user, position) and position.status == Status.SUBMITTED:
        actions.append("reopen")
    return actions


# Reports and regional summaries.


def reports_visible_to(user, consultation):
    """Return the summaries and exports the person follows: all for the secretariat, a coordinator's region's."""
    reports = Report.objects.filter(consultation=consultation)
    reports = reports.select_related("consultation", "grouping", "requested_by").order_by("-created_at", "format")
    if is_secretariat(user):
        return reports
    return reports.filter(grouping__in=coordinated_groupings(user))


def reports_readable_by(user, consultation):
    """Return the consultation's reports the person may list: those they follow, and the published summaries."""
    followed = reports_visible_to(user, consultation).values("pk")
    published = Report.objects.published().filter(consultation=consultation).values("pk")
    reports = Report.objects.filter(Q(pk__in=followed) | Q(pk__in=published))
    return reports.select_related("consultation", "grouping").order_by("-created_at", "format")


def reports_reachable_by(user):
    """Return the reports whose consultation the person may see: a report is no more public than its consultation."""
    reports = Report.objects.select_related("consultation", "grouping")
    return reports.filter(consultation__in=consultations_visible_to(user))


def can_follow_reports(user) -> bool:
    return is_secretariat(user) or coordinated_groupings(user).exists()


def can_download_report(user, report: Report) -> bool:
    """Anyone may download a published summary; the secretariat and the region's coordinators any built report.

    A raw export is never public, even if marked published: it names respondents and holds every
    answer. Nobody but the secretariat reads a report of a consultation back in draft.
    """
    if report.status != Report.Status.DONE:
        return False
    if is_secretariat(user):
        return True
    if report.consultation.status == Consultation.Status.DRAFT:
        return False
    published = report.is_published and report.format not in Report.EXPORT_FORMATS
    return published or coordinates_grouping(user, report.grouping)


def can_see_report(user, report: Report) -> bool:
    """Tell whether the person follows the report's building (its status and error)."""
    if is_secretariat(user):
        return True
    if report.consultation.status == Consultation.Status.DRAFT:
        return False
    return coordinates_grouping(user, report.grouping) or can_download_report(user, report)


def summary_view_for(user, consultation, grouping) -> str | None:
    """Return "internal" (small cells shown, marked), "shared", or None when the person may not see it."""
    if is_secretariat(user):
        return "internal"
    if consultation.status == Consultation.Status.DRAFT:
        return None
    published = Report.objects.published().filter(consultation=consultation, grouping=grouping).exists()
    if coordinates_grouping(user, grouping) or published:
        return "shared"
    return None
