"""The secretariat's dashboard of a consultation: coverage, latest figures, consensus, reports.

Everything is read from stored data (coverage selectors, stored aggregates through the
internal world summary, the reports' rows) in a fixed number of queries.
"""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404, render

from surveys.models import Question

from ..models import Consultation
from ..selectors.aggregates import SUPPORT_VALUES
from ..selectors.coverage import (
    CoverageStatus,
    civil_society_coverage,
    coverage_counts_by_region,
    coverage_totals,
    state_coverage,
)
from ..selectors.reports import summary_reports
from ..selectors.summaries import DIVERGENCE_FLAG, QuestionFigures, RecommendationSummary, regional_summary
from .access import secretariat_required

LATEST_REPORTS = 10
CONSENSUS_TOP = 10


@dataclass
class RecommendationRow:
    """One recommendation's latest figures, as the dashboard's table shows them."""

    area: int
    code: str
    text: str
    priority: float | None  # member states' mean priority (their first scale question)
    support_share: float | None  # share of member states supporting it, with or without reservations
    member_states: int | None  # respondents to the support question (or the priority one)
    importance: float | None  # civil society's mean importance (its first scale question)
    civil_society: int | None
    divergence: float | None
    divergence_flag: bool
    small_cell: bool


@secretariat_required
def dashboard(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    region_counts = coverage_counts_by_region(state_coverage(consultation))
    summary = regional_summary(consultation, None, internal=True)
    rows = [
        recommendation_row(area.number, recommendation)
        for area in summary.areas
        for recommendation in area.recommendations
    ]
    texts = {row.code: row.text for row in rows}
    context = {
        "consultation": consultation,
        "statuses": CoverageStatus.choices,
        "region_counts": region_counts,
        "totals": coverage_totals(region_counts),
        "civil_society": civil_society_coverage(consultation),
        "summary": summary,
        "rows": rows,
        "divergence_flag": DIVERGENCE_FLAG,
        "consensus": [(code, texts.get(code, ""), breadth) for code, breadth in summary.consensus[:CONSENSUS_TOP]],
        "reports": list(summary_reports(consultation)[:LATEST_REPORTS]),
    }
    return render(request, "consult/dashboard.html", context)


def recommendation_row(area: int, recommendation: RecommendationSummary) -> RecommendationRow:
    priority = first_scale(recommendation.member_states)
    importance = first_scale(recommendation.civil_society)
    support = next((figure for figure in recommendation.member_states if is_support(figure)), None)
    shown = [figure for figure in (priority, importance, support) if figure is not None]
    return RecommendationRow(
        area=area,
        code=recommendation.code,
        text=recommendation.text,
        priority=priority.mean if priority else None,
        support_share=support_share(support),
        member_states=(support or priority).respondents if (support or priority) else None,
        importance=importance.mean if importance else None,
        civil_society=importance.respondents if importance else None,
        divergence=recommendation.divergence,
        divergence_flag=recommendation.divergence_flag,
        small_cell=any(figure.suppressed for figure in shown),
    )


def first_scale(figures: list[QuestionFigures]) -> QuestionFigures | None:
    return next((figure for figure in figures if figure.type == Question.Type.SCALE), None)


def is_support(figure: QuestionFigures) -> bool:
    return figure.type != Question.Type.RANKING and any(choice.value == "support" for choice in figure.choices)


def support_share(figure: QuestionFigures | None) -> float | None:
    """Return the share supporting (with or without reservations), None when nobody answered."""
    if figure is None or not figure.respondents:
        return None
    shares = [choice.share for choice in figure.choices if choice.value in SUPPORT_VALUES]
    if any(share is None for share in shares):
        return None
    return sum(shares)
