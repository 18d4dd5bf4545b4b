"""The dashboard of a consultation: coverage, latest figures, consensus, reports; the world's for the
secretariat, a region's for its coordinators.

Everything is read from stored data (coverage selectors, stored aggregates through the
internal world summary, the reports' rows) in a fixed number of queries.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from ..models import MemberState
from ..permissions import consultations_visible_to, dashboard_groupings, reports_visible_to, summary_view_for
from ..selectors.coverage import (
    CoverageStatus,
    civil_society_coverage,
    coverage_counts_by_region,
    coverage_totals,
    state_coverage,
)
from ..selectors.summaries import DIVERGENCE_FLAG, regional_summary
from ..services.reports.dashboard import coverage_chart, support_divergence_chart
from ..services.reports.document import coverage_rows
from ..services.reports.html import chart_links

LATEST_REPORTS = 10
CONSENSUS_TOP = 10


@login_required
def dashboard(request, slug):
    """Show the world's dashboard to the secretariat, and a coordinator the dashboard of their region."""
    groupings = dashboard_groupings(request.user)
    consultation = get_object_or_404(consultations_visible_to(request.user), slug=slug)
    grouping = None if groupings is None else chosen(groupings, request.GET.get("region"))
    states = MemberState.objects.all() if grouping is None else grouping.members.all()
    rows = state_coverage(consultation, states=states)
    region_counts = coverage_counts_by_region(rows)
    internal = summary_view_for(request.user, consultation, grouping) == "internal"
    summary = regional_summary(consultation, grouping, internal=internal)
    standings = summary.standings
    coverage, scatter = coverage_chart(region_counts), support_divergence_chart(standings, DIVERGENCE_FLAG)
    chart_links([chart for chart in (coverage, scatter) if chart], viewer=request.user.pk)
    context = {
        "consultation": consultation,
        "grouping": grouping,
        "groupings": groupings or [],
        "secretariat": groupings is None,
        "statuses": CoverageStatus.choices,
        "region_counts": region_counts,
        "totals": coverage_totals(region_counts),
        "invited": coverage_rows(summary),
        "tiles": state_tiles(rows),
        "civil_society": civil_society_coverage(consultation, countries=None if grouping is None else states.alpha2_codes()),
        "summary": summary,
        "rows": standings,
        "divergence_flag": DIVERGENCE_FLAG,
        "consensus": summary.consensus[:CONSENSUS_TOP],
        "coverage_chart": coverage,
        "scatter": scatter,
        "reports": list(dashboard_reports(request.user, consultation, grouping)[:LATEST_REPORTS]),
    }
    return render(request, "consult/dashboard.html", context)


def chosen(groupings, code):
    """Return the coordinated region the page asks for (`?region=m49-002`), or the first."""
    return next((grouping for grouping in groupings if grouping.code == code), groupings[0])


def dashboard_reports(user, consultation, grouping):
    """Return the summaries the page lists: all for the world's dashboard, the region's for a coordinator."""
    reports = reports_visible_to(user, consultation).summaries()
    return reports if grouping is None else reports.filter(grouping=grouping)


def state_tiles(states) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Return the states by region, in name order, as (ISO code, name, status, status label) for the tile grid."""
    labels = dict(CoverageStatus.choices)
    regions: dict[str, list] = {}
    for state in states:
        tile = (state.iso3, str(state), state.coverage_status, labels[state.coverage_status])
        regions.setdefault(str(state.region), []).append(tile)
    return list(regions.items())
