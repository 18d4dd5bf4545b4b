"""Who may see which regional summaries and built reports, and what the public page lists."""

from django.db.models import Case, Value, When

from ..models import Position, Publication, RegionalGrouping, Report
from ..models.languages import name_order
from ..services.accounts import is_secretariat
from ..services.reports.build import EXPORT_FORMATS, SUMMARY_FORMATS

PUBLISHED = (Publication.ATTRIBUTED, Publication.ANONYMOUS)
Kind = RegionalGrouping.Kind
KIND_ORDER = [Kind.M49_REGION, Kind.M49_SUBREGION, Kind.M49_INTERMEDIATE, Kind.REGIONAL_COMMISSION, Kind.RCP]


def coordinated_groupings(user):
    """Return the regions or groupings the person coordinates."""
    if not user.is_authenticated:
        return RegionalGrouping.objects.none()
    return RegionalGrouping.objects.filter(coordinators__user=user)


def summary_reports(consultation):
    """Return the consultation's regional summaries (not the raw exports), newest first."""
    reports = Report.objects.filter(consultation=consultation, format__in=SUMMARY_FORMATS)
    return reports.select_related("consultation", "grouping", "requested_by").order_by("-created_at", "format")


def reports_visible_to(user, consultation):
    """Return the summaries and exports the person follows: all for the secretariat, a coordinator's region's."""
    reports = Report.objects.filter(consultation=consultation)
    reports = reports.select_related("consultation", "grouping", "requested_by").order_by("-created_at", "format")
    if is_secretariat(user):
        return reports
    return reports.filter(grouping__in=coordinated_groupings(user))


def can_follow_reports(user) -> bool:
    return is_secretariat(user) or coordinated_groupings(user).exists()


def can_download_report(user, report: Report) -> bool:
    """Anyone may download a published summary; the secretariat and the region's coordinators any built report.

    A raw export is never public, even if marked published: it names respondents and holds every answer.
    """
    if report.status != Report.Status.DONE:
        return False
    published = report.is_published and report.format not in EXPORT_FORMATS
    return published or is_secretariat(user) or coordinates_grouping(user, report.grouping)


def can_see_report(user, report: Report) -> bool:
    """Tell whether the person follows the report's building (its status and error)."""
    return is_secretariat(user) or coordinates_grouping(user, report.grouping) or can_download_report(user, report)


def coordinates_grouping(user, grouping) -> bool:
    return grouping is not None and coordinated_groupings(user).filter(pk=grouping.pk).exists()


def summary_is_published(consultation, grouping) -> bool:
    return published_reports(consultation).filter(grouping=grouping).exists()


def summary_view_for(user, consultation, grouping) -> str | None:
    """Return "internal" (small cells shown, marked), "shared", or None when the person may not see it."""
    if is_secretariat(user):
        return "internal"
    if coordinates_grouping(user, grouping) or summary_is_published(consultation, grouping):
        return "shared"
    return None


def published_reports(consultation):
    return summary_reports(consultation).filter(is_published=True, status=Report.Status.DONE)


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
