"""Who has answered a consultation: member states by region, civil society by status and country.

Every figure is computed by the database in a fixed number of queries, however many states,
positions, events or invitations there are.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from ..models import (
    Audience,
    DeadlineExtension,
    FocalPoint,
    Invitation,
    MemberState,
    Position,
    PositionEvent,
    ResponseTally,
)
from ..i18n import name_sort_key
from ..models.languages import local_name, name_order

NEVER = datetime(1, 1, 1, tzinfo=UTC)


class CoverageStatus(models.TextChoices):
    """How far a member state has come in answering, from no invitation to a submitted position."""

    NOT_INVITED = "not_invited", _("Not invited")
    # Invited, but nobody acts for the state yet: an invitation waits, expired or was accepted by
    # someone who no longer acts for it. Invited states in all are every status but the first.
    INVITED = "invited", _("Invited, no focal point yet")
    FOCAL_POINT_ACTIVE = "focal_point_active", _("Focal point active")
    # Once a position exists, the state's status is the position's.
    DRAFT = Position.Status.DRAFT.value, Position.Status.DRAFT.label
    READY_FOR_REVIEW = Position.Status.READY_FOR_REVIEW.value, Position.Status.READY_FOR_REVIEW.label
    SUBMITTED = Position.Status.SUBMITTED.value, Position.Status.SUBMITTED.label
    REOPENED = Position.Status.REOPENED.value, Position.Status.REOPENED.label


@dataclass(frozen=True)
class RegionCounts:
    """The number of states of one region in each coverage status, in `CoverageStatus` order."""

    region: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


def state_coverage(consultation, *, states=None):
    """Return the states (all, or those given) with their region, `position_id` (None before there is
    one), `coverage_status` and `last_activity`."""
    states = MemberState.objects.all() if states is None else states
    position = Position.objects.filter(consultation=consultation, member_state=OuterRef("pk")).order_by()
    return (
        states.select_related("region", "subregion")
        .annotate(
            position_id=Subquery(position.values("pk")[:1]),
            coverage_status=Coalesce(Subquery(position.values("status")[:1]), _status_before_position(consultation)),
            last_activity=_latest(
                Subquery(position.values(touched=Greatest("updated_at", "response__updated_at"))[:1]),
                _last_event_at(consultation),
                _last_invitation_at(consultation),
            ),
            extended_until=_extended_until(consultation),
        )
        .order_by(name_order("region__"), name_order())
    )


def coverage_counts_by_region(rows) -> list[RegionCounts]:
    """Return, for each region of the coverage rows, how many states are in each status."""
    tallies = {}
    grouped = rows.order_by().values("coverage_status", region_name=local_name("region__"))
    for group in grouped.annotate(states=Count("pk", distinct=True)):
        tally = tallies.setdefault(group["region_name"], dict.fromkeys(CoverageStatus.values, 0))
        # The database may group more finely than asked (by state); adding keeps the totals right.
        tally[group["coverage_status"]] += group["states"]
    ordered = sorted(tallies.items(), key=lambda item: name_sort_key(item[0]))
    return [RegionCounts(region, list(tally.values())) for region, tally in ordered]


def coverage_totals(region_counts: list[RegionCounts]) -> RegionCounts:
    """Return the counts of all regions added together."""
    columns = zip(*(region.counts for region in region_counts))
    return RegionCounts(str(_("All regions")), [sum(column) for column in columns] or [0] * len(CoverageStatus))


def civil_society_responses(consultation, *, countries=None):
    """Return the consultation's civil society responses, newest activity first, in the countries given."""
    responses = Position.objects.filter(consultation=consultation, audience=Audience.CIVIL_SOCIETY)
    if countries is not None:
        responses = responses.filter(organisation__country__in=countries)
    return responses.select_related("organisation").order_by("-updated_at", "pk")


def response_tallies(consultation, *, countries=None) -> Counter:
    """Return the civil society responses by (country, status, publication), in the countries given
    (None: all), from the tallies kept as positions change (services/tallies.py): one query on a few
    hundred rows, however many responses there are."""
    rows = ResponseTally.objects.filter(consultation_id=consultation.pk)
    if countries is not None:
        rows = rows.filter(country__in=countries)
    tallies = Counter()
    for country, status, publication, responses in rows.values_list("country", "status", "publication", "responses"):
        tallies[country, status, publication] += responses
    return tallies


def civil_society_coverage(consultation, *, countries=None) -> dict:
    """Return the counts of civil society responses by status and by country (in the countries given)."""
    by_country: dict[str, Counter] = {}
    for (country, status, _publication), responses in response_tallies(consultation, countries=countries).items():
        by_country.setdefault(country, Counter())[status] += responses
    rows = [_country_row(country, counts) for country, counts in by_country.items() if counts.total()]
    by_status = {status: sum(row["counts"][index] for row in rows) for index, status in enumerate(Position.Status.values)}
    return {
        "by_status": [(Position.Status(status).label, total) for status, total in by_status.items()],
        "by_country": sorted(rows, key=lambda row: name_sort_key(row["name"])),
        "total": sum(by_status.values()),
    }


def invitations_standing(consultation):
    """Return the state's invitations (OuterRef "pk") to the consultation that make it invited: those not revoked."""
    return Invitation.objects.filter(consultation=consultation, member_state=OuterRef("pk"), revoked_at__isnull=True)


def invited(consultation) -> Q:
    """Return what a member state (OuterRef "pk") meets once invited: a position, a focal point or an invitation.

    The one definition of "invited": the coverage statuses (every status but "Not invited"),
    the dashboard and every summary's "Member states invited" count by it.
    """
    position = Position.objects.filter(consultation=consultation, member_state=OuterRef("pk"))
    focal_point = FocalPoint.objects.filter(member_state=OuterRef("pk"))
    return Q(Exists(position)) | Q(Exists(invitations_standing(consultation))) | Q(Exists(focal_point))


def _status_before_position(consultation):
    """Return the status of a state that has no position yet: focal point, invitation, or nothing."""
    focal_points = FocalPoint.objects.filter(member_state=OuterRef("pk"))
    return Case(
        When(Exists(focal_points), then=Value(CoverageStatus.FOCAL_POINT_ACTIVE)),
        When(Exists(invitations_standing(consultation)), then=Value(CoverageStatus.INVITED)),
        default=Value(CoverageStatus.NOT_INVITED),
    )


def _last_event_at(consultation):
    events = PositionEvent.objects.filter(position__consultation=consultation, position__member_state=OuterRef("pk"))
    return Subquery(events.order_by("-created_at").values("created_at")[:1])


def _last_invitation_at(consultation):
    invitations = Invitation.objects.filter(consultation=consultation, member_state=OuterRef("pk"))
    invitations = invitations.order_by("-created_at")
    return Subquery(invitations.values("created_at")[:1])


def _extended_until(consultation):
    extensions = DeadlineExtension.objects.filter(consultation=consultation, member_state=OuterRef("pk"))
    return Subquery(extensions.order_by("-closes_at").values("closes_at")[:1])


def _latest(*moments):
    """Return the latest of the moments that are set, or None when none is."""
    # Greatest skips nulls on PostgreSQL but is null on SQLite when any argument is: a
    # stand-in for "never" makes both agree, and each subquery still runs once per state.
    never = Value(NEVER, output_field=models.DateTimeField())
    latest = Greatest(*(Coalesce(moment, never) for moment in moments))
    return NullIf(latest, never, output_field=models.DateTimeField())


def _country_row(code: str, counts: Counter) -> dict:
    """Return a country's name and its counts in `Position.Status` order, as the tables show them."""
    return {
        "code": code, "name": str(all_countries.name(code)) or code,
        "counts": [counts[status] for status in Position.Status.values], "total": counts.total(),
    }
