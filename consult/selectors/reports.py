"""The regional summaries and built reports, and what the public page lists."""

from django.db.models import Case, Value, When

from ..models import Position, Publication, RegionalGrouping, Report
from ..models.languages import name_order

PUBLISHED = (Publication.ATTRIBUTED, Publication.ANONYMOUS)
Kind = RegionalGrouping.Kind
KIND_ORDER = [Kind.M49_REGION, Kind.M49_SUBREGION, Kind.M49_INTERMEDIATE, Kind.REGIONAL_COMMISSION, Kind.RCP]


def summary_reports(consultation):
    """Return the consultation's regional summaries (not the raw exports), newest first."""
    reports = Report.objects.summaries().filter(consultation=consultation)
    return reports.select_related("consultation", "grouping", "requested_by").order_by("-created_at", "format")


def published_reports(consultation):
    return summary_reports(consultation).published()


def published_groupings(consultation) -> list:
    """Return the groupings (None: the world) with a published summary, the world first."""
    reports = published_reports(consultation).order_by()
    groupings = RegionalGrouping.objects.filter(pk__in=reports.filter(grouping__isnull=False).values("grouping"))
    world = [None] if reports.filter(grouping__isnull=True).exists() else []
    return world + list(groupings.in_name_order())


def published_positions(consultation):
    """Return the submitted responses whose respondents allowed publication, attributed or anonymous."""
    positions = Position.objects.filter(
        consultation=consultation, status=Position.Status.SUBMITTED, publication__in=PUBLISHED
    )
    positions = positions.select_related("member_state", "organisation", "consultation")
    return positions.order_by("audience", "submitted_at", "pk")


def report_groupings():
    """Return the groupings a summary can be built for (those with member states): M49 regions first."""
    places = [When(kind=kind, then=Value(place)) for place, kind in enumerate(KIND_ORDER)]
    order = Case(*places, default=Value(len(KIND_ORDER)))
    groupings = RegionalGrouping.objects.filter(members__isnull=False).distinct()
    return groupings.annotate(kind_order=order).order_by("kind_order", name_order())
