"""The dashboard's charts: coverage by region as stacked bars, support against divergence as a scatter.

Each is drawn from figures the dashboard also shows as a table (for screen readers and for
exact numbers); see templates/consult/dashboard.html.
"""

from django.utils.translation import gettext as _

from consult.selectors.consensus import Standing
from consult.selectors.coverage import CoverageStatus, RegionCounts

from .charts import Chart, ChartRow, Legend, Panel, Scatter, ScatterPoint, Segment, chart_alternative
from .wording import decimal, integer, percent

# Coverage statuses from nothing to submitted: greys, then blues, then green; reopened in orange.
STATUS_COLOURS = {
    CoverageStatus.NOT_INVITED: "#e0e0e0",
    CoverageStatus.INVITED: "#bdbdbd",
    CoverageStatus.FOCAL_POINT_ACTIVE: "#c6dbef",
    CoverageStatus.DRAFT: "#6baed6",
    CoverageStatus.READY_FOR_REVIEW: "#2171b5",
    CoverageStatus.SUBMITTED: "#1d7a3c",
    CoverageStatus.REOPENED: "#e6550d",
}


def coverage_chart(region_counts: list[RegionCounts]) -> Chart | None:
    """Return the number of member states in each status, one bar per region."""
    if not region_counts:
        return None
    statuses = list(CoverageStatus)
    rows = [
        ChartRow(region.region, [
            Segment(str(status.label), count, integer(count), STATUS_COLOURS[status])
            for status, count in zip(statuses, region.counts) if count
        ])
        for region in region_counts
    ]
    legend = Legend("", [(str(status.label), STATUS_COLOURS[status]) for status in statuses])
    maximum = max(region.total for region in region_counts) or 1
    panel = Panel(_("Member states by region and status"), rows, [legend], maximum=maximum, percent=False)
    return Chart([panel], chart_alternative([panel]))


def support_divergence_chart(standings: list[Standing], flag: float) -> Scatter | None:
    """Return each recommendation as a point: the governments' support across, the divergence up."""
    points = [
        ScatterPoint(standing.code, standing.support, standing.divergence, standing.divergence_flag)
        for standing in standings
        if standing.support is not None and standing.divergence is not None
    ]
    if not points:
        return None
    described = "; ".join(
        _("%(code)s: support %(support)s, divergence %(divergence)s") % {
            "code": point.label, "support": percent(point.x), "divergence": decimal(point.y, 2),
        }
        for point in points
    )
    return Scatter(
        points=points, x_label=_("Support of the member states that answered"),
        y_label=_("Divergence (1 to 5 scale)"), threshold=flag,
        alt=_("Scatter chart of support against divergence per recommendation.") + " " + described + ".",
    )
