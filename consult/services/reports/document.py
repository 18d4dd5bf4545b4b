"""The summary laid out for reading: the blocks, rows and labels that every report format renders.

Build a `SummaryDocument` inside `translation.override(language)`: its labels and numbers are
worded in the active language, while recommendation texts and excerpts stay in the
consultation's language. A figure with fewer respondents than the threshold is never shown in
a shared document, even if the summary carried it; the secretariat's internal view shows it,
marked.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from consult.models import RIGHT_TO_LEFT, Audience
from consult.selectors.summaries import QuestionFigures, RecommendationSummary, Summary

from .charts import Chart, figures_chart, percent_text

NOT_CHARTED = {"ranking", "multiple_choice", "long_text", "short_text", "number"}


@dataclass
class QuestionBlock:
    code: str
    text: str
    respondents: str
    hidden: bool  # too few respondents: no figure is shown
    small_cell: bool  # the internal view shows it, marked
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # answer, then two figures
    statistics: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class AudienceColumn:
    audience: str
    questions: list[QuestionBlock]


@dataclass
class RecommendationBlock:
    code: str
    text: str
    columns: list[AudienceColumn]
    chart: Chart | None
    divergence: str
    divergence_flag: bool
    excerpts: list[tuple[str, str]]  # text, attribution ("Anonymous" when not attributed)


@dataclass
class AreaBlock:
    number: int
    title: str
    headline: str
    columns: list[AudienceColumn]
    chart: Chart | None
    recommendations: list[RecommendationBlock]


@dataclass
class SummaryDocument:
    summary: Summary
    title: str
    cutoff: str
    direction: str  # the report's language
    content_language: str
    content_direction: str
    coverage: list[tuple[str, str]]
    subregions: list[tuple[str, str, str, str]]
    countries: list[tuple[str, str]]
    areas: list[AreaBlock]
    consensus: list[tuple[str, str, str, str]]  # rank, code, recommendation text, breadth


def summary_document(summary: Summary) -> SummaryDocument:
    """Return the summary laid out in the active language."""
    return SummaryDocument(
        summary=summary,
        title=summary_title(summary),
        cutoff=formats.date_format(summary.data_cutoff, "DATETIME_FORMAT") + " UTC",
        direction="rtl" if get_language_bidi() else "ltr",
        content_language=summary.consultation_language,
        content_direction="rtl" if summary.consultation_language in RIGHT_TO_LEFT else "ltr",
        coverage=coverage_rows(summary),
        subregions=[(name, *map(integer, counts)) for name, *counts in summary.coverage.by_subregion],
        countries=[(country, integer(total)) for country, total in summary.coverage.civil_society_by_country],
        areas=[area_block(area, summary.internal) for area in summary.areas],
        consensus=consensus_rows(summary),
    )


def summary_title(summary: Summary) -> str:
    return _("Regional summary: %(grouping)s") % {"grouping": summary.grouping_name}


def internal_note() -> str:
    return _(
        "Internal view: figures from fewer respondents than the threshold are shown and marked †. Do not share them."
    )


def coverage_rows(summary: Summary) -> list[tuple[str, str]]:
    coverage = summary.coverage
    return [
        (_("Member states invited"), integer(coverage.states_invited)),
        (_("Member states that answered"), integer(coverage.states_answered)),
        (_("Member states that submitted"), integer(coverage.states_submitted)),
    ]


def area_block(area, internal: bool) -> AreaBlock:
    by_audience = [[q for q in area.area_questions if q.audience == audience] for audience in Audience.values]
    return AreaBlock(
        number=area.number,
        title=area.title,
        headline=area.headline,
        columns=audience_columns(*by_audience, internal=internal),
        chart=chart_of(*by_audience, internal=internal),
        recommendations=[recommendation_block(item, internal) for item in area.recommendations],
    )


def recommendation_block(recommendation: RecommendationSummary, internal: bool) -> RecommendationBlock:
    states, society = recommendation.member_states, recommendation.civil_society
    return RecommendationBlock(
        code=recommendation.code,
        text=recommendation.text,
        columns=audience_columns(states, society, internal=internal),
        chart=chart_of(states, society, internal=internal),
        divergence="" if recommendation.divergence is None else decimal(recommendation.divergence, 2),
        divergence_flag=recommendation.divergence_flag,
        excerpts=[(excerpt.text, excerpt.attribution or _("Anonymous")) for excerpt in recommendation.excerpts],
    )


def audience_columns(states, society, *, internal: bool) -> list[AudienceColumn]:
    """Return the questions of member states and of civil society, side by side."""
    return [
        AudienceColumn(str(Audience.MEMBER_STATE.label), [question_block(q, internal) for q in states]),
        AudienceColumn(str(Audience.CIVIL_SOCIETY.label), [question_block(q, internal) for q in society]),
    ]


def is_hidden(question: QuestionFigures, internal: bool) -> bool:
    """Tell whether no figure of the question may be shown: too few respondents outside the internal view."""
    return question.respondents is None or (question.suppressed and not internal)


def question_block(question: QuestionFigures, internal: bool) -> QuestionBlock:
    hidden = is_hidden(question, internal)
    return QuestionBlock(
        code=question.code,
        text=question_sentence(question.text),
        respondents="" if hidden else integer(question.respondents),
        hidden=hidden,
        small_cell=question.suppressed and not hidden,
        headers=figure_headers(question),
        rows=[] if hidden else [figure_row(question, choice) for choice in question.choices],
        statistics=[] if hidden else statistics(question),
    )


def figure_headers(question: QuestionFigures) -> list[str]:
    if question.type == "ranking":
        return [_("Recommendation"), _("Mean rank"), _("First-place share")]
    return [_("Answer"), _("Number"), _("Share")]


def figure_row(question: QuestionFigures, choice) -> tuple[str, str, str]:
    """Return an answer with its count and share; a ranked item with its mean rank and first-place share."""
    if question.type == "ranking":
        return choice.label, decimal(choice.mean_rank, 2), percent(choice.first_place_share)
    return choice.label, integer(choice.count), percent(choice.share)


def statistics(question: QuestionFigures) -> list[tuple[str, str]]:
    """Return the question's mean, median and ranking figures that it has."""
    figures = [
        (_("Mean"), question.mean, decimal),
        (_("Median"), question.median, decimal),
        (_("Mean rank"), question.mean_rank, lambda value: decimal(value, 2)),
        (_("First-place share"), question.first_place_share, percent),
    ]
    return [(label, shown(value)) for label, value, shown in figures if value is not None]


def chart_of(states, society, *, internal: bool) -> Chart | None:
    """Return the chart of both audiences' choice shares, or None when no question has any to show."""
    rows = [(Audience.MEMBER_STATE.label, q) for q in states] + [(Audience.CIVIL_SOCIETY.label, q) for q in society]
    charted = [(str(audience), q) for audience, q in rows if is_charted(q, internal)]
    return figures_chart(charted, percent) if charted else None


def is_charted(question: QuestionFigures, internal: bool) -> bool:
    shown = bool(question.choices) and bool(question.respondents) and not is_hidden(question, internal)
    return shown and question.type not in NOT_CHARTED


def consensus_rows(summary: Summary) -> list[tuple[str, str, str, str]]:
    texts = {item.code: item.text for area in summary.areas for item in area.recommendations}
    return [
        (integer(rank), code, texts.get(code, ""), percent(breadth))
        for rank, (code, breadth) in enumerate(summary.consensus, start=1)
    ]


def question_sentence(text: str) -> str:
    """Return the question itself: generated questions quote their recommendation on a first line."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def integer(value) -> str:
    return "" if value is None else formats.number_format(value)


def decimal(value, places: int = 1) -> str:
    return "" if value is None else formats.number_format(rounded(value, places), decimal_pos=places)


def percent(share) -> str:
    """Return a share (0 to 1) as a percentage with one decimal."""
    return "" if share is None else percent_text(decimal(share * 100, 1))


def rounded(value, places: int) -> Decimal:
    # number_format cuts floats short (2/3 would read 66.6%): round half up first, as people do.
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
