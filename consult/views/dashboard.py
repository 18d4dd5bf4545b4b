"""The secretariat's dashboard of a consultation: coverage, latest figures, consensus, reports.

Everything is read from stored data (coverage selectors, stored aggregates through the
internal world summary, the reports' rows) in a fixed number of queries.
"""

from django.shortcuts import get_object_or_404, render

from ..models import Consultation
from ..selectors.coverage import (
    CoverageStatus,
    civil_society_coverage,
    coverage_counts_by_region,
    coverage_totals,
    state_coverage,
)
from ..selectors.reports import summary_reports
from ..selectors.summaries import DIVERGENCE_FLAG, regional_summary
from ..services.reports.dashboard import coverage_chart, support_divergence_chart
from ..services.reports.html import svg_data_uri
from .access import secretariat_required

LATEST_REPORTS = 10
CONSENSUS_TOP = 10


@secretariat_required
def dashboard(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    states = list(state_coverage(consultation))
    region_counts = coverage_counts_by_region(state_coverage(consultation))
    summary = regional_summary(consultation, None, internal=True)
    standings = summary.standings
    context = {
        "consultation": consultation,
        "statuses": CoverageStatus.choices,
        "region_counts": region_counts,
        "totals": coverage_totals(region_counts),
        "tiles": state_tiles(states),
        "civil_society": civil_society_coverage(consultation),
        "summary": summary,
        "rows": standings,
        "divergence_flag": DIVERGENCE_FLAG,
        "consensus": summary.consensus[:CONSENSUS_TOP],
        "coverage_chart": drawn(coverage_chart(region_counts)),
        "scatter": drawn(support_divergence_chart(standings, DIVERGENCE_FLAG)),
        "reports": list(summary_reports(consultation)[:LATEST_REPORTS]),
    }
    return render(request, "consult/dashboard.html", context)


def drawn(chart):
    """Return the chart with its SVG as an image source (no inline styles, for the CSP), or None."""
    if chart is not None:
        chart.src = svg_data_uri(chart)
    return chart


def state_tiles(states) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Return the states by region, in name order, as (ISO code, name, status, status label) for the tile grid."""
    labels = dict(CoverageStatus.choices)
    regions: dict[str, list] = {}
    for state in states:
        tile = (state.iso3, str(state), state.coverage_status, labels[state.coverage_status])
        regions.setdefault(str(state.region), []).append(tile)
    return list(regions.items())
