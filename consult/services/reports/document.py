"""The summary laid out for reading: key messages, consensus, one section per area, annex and method.

Build a `SummaryDocument` inside `translation.override(language)`: its labels, sentences and
numbers are worded in the active language, while recommendation texts and quotations stay in
the consultation's language. A figure with fewer respondents than the threshold is never shown
in a shared document, even if the summary carried it; the secretariat's internal view shows
it, marked †. The complete per-question tables are in the spreadsheet, not here.
"""

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consult.models import RIGHT_TO_LEFT, Audience
from consult.selectors.aggregates import SUPPORT_VALUES
from consult.selectors.consensus import ranks, share_of, standing_of, support_figure
from consult.selectors.summaries import QuestionFigures, RecommendationSummary, Summary
from consult.selectors.themes import shortened

from .charts import NEUTRAL, PALETTES, Chart, ChartRow, Legend, Panel, Segment, chart_alternative, scale_colours
from .messages import COVERAGE_ANCHOR, KeyMessage, area_anchor, key_messages, recommendation_anchor
from .method import MethodParagraph, method_note
from .wording import decimal, integer, percent

SMALL_CELL = "†"
QUOTATIONS_WITHOUT_THEMES = 2  # the first publishable answer of each text question (one per audience), when no theme is reviewed
# Answers that are no position on a scale: drawn grey, last.
NEUTRAL_VALUES = {"not_applicable", "dont_know", "no_opinion", "unknown"}
# What each generated question measures, as a chart row says it; other questions are named by their audience.
ROW_LABELS = {
    "priority": gettext_lazy("Governments: priority"),
    "importance": gettext_lazy("Civil society: importance"),
    "implementation": gettext_lazy("Governments: implementation"),
    "effectiveness": gettext_lazy("Civil society: effectiveness of measures"),
}
RATING_LEGEND = [
    gettext_lazy("1 very low"), gettext_lazy("2 low"), gettext_lazy("3 medium"), gettext_lazy("4 high"),
    gettext_lazy("5 very high"),
]


@dataclass
class KeyFigure:
    label: str
    states: str
    organisations: str


@dataclass
class ThemeBlock:
    label: str
    description: str
    counts: str
    quotation: str
    attribution: str


@dataclass
class Quotation:
    text: str
    attribution: str


@dataclass
class RecommendationBlock:
    code: str
    text: str
    anchor: str
    chart: Chart | None
    figures: list[KeyFigure]
    divergence: str  # a sentence, or ""
    divergence_flag: bool
    implementation: list[str]  # a sentence per audience
    themes: list[ThemeBlock]
    quotations: list[Quotation]  # shown when there are no reviewed themes
    small_cell_note: str


@dataclass
class AreaBlock:
    number: int
    title: str
    headline: str
    anchor: str
    sentences: list[str]
    recommendations: list[RecommendationBlock]


@dataclass
class ConsensusRow:
    rank: str  # "2", or "=2" when tied
    code: str
    text: str
    anchor: str
    support: str
    full_support: str
    priority: str


@dataclass
class SummaryDocument:
    summary: Summary
    title: str
    grouping: str
    cutoff: str
    status: str
    direction: str  # the report's language
    content_language: str
    content_direction: str
    key_messages: list[KeyMessage]
    consensus: list[ConsensusRow]
    areas: list[AreaBlock]
    coverage: list[tuple[str, str]]
    subregions: list[tuple[str, str, str, str, str]]
    countries: list[tuple[str, str]]
    named_states: list[str]
    named_organisations: list[str]
    named_more: str
    method: list[MethodParagraph] = field(default_factory=list)
    coverage_anchor: str = COVERAGE_ANCHOR


def summary_document(summary: Summary) -> SummaryDocument:
    """Return the summary laid out in the active language."""
    return SummaryDocument(
        summary=summary,
        title=summary_title(summary),
        grouping=summary.grouping_name,
        cutoff=formats.date_format(summary.data_cutoff, "DATETIME_FORMAT") + " UTC",
        status=_("Draft for discussion"),
        direction="rtl" if get_language_bidi() else "ltr",
        content_language=summary.consultation_language,
        content_direction="rtl" if summary.consultation_language in RIGHT_TO_LEFT else "ltr",
        key_messages=key_messages(summary),
        consensus=consensus_rows(summary),
        areas=[area_block(area, summary.internal) for area in summary.areas],
        coverage=coverage_rows(summary),
        subregions=[subregion_row(*row) for row in summary.coverage.by_subregion],
        countries=[(country, integer(total)) for country, total in summary.coverage.civil_society_by_country],
        named_states=summary.named.states,
        named_organisations=summary.named.organisations,
        named_more=named_more(summary),
        method=method_note(summary),
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


def subregion_row(name, invited, answered, submitted) -> tuple[str, str, str, str, str]:
    rate = percent(submitted / invited) if invited else "–"
    return name, integer(invited), integer(answered), integer(submitted), rate


def named_more(summary: Summary) -> str:
    more = summary.named.organisations_total - len(summary.named.organisations)
    if more <= 0:
        return ""
    return _("and %(count)s more organisations, listed on the consultation's public page.") % {"count": integer(more)}


def consensus_rows(summary: Summary) -> list[ConsensusRow]:
    return [
        ConsensusRow(
            rank=("=" if entry.tied else "") + integer(entry.rank),
            code=entry.standing.code,
            text=entry.standing.text,
            anchor=recommendation_anchor(entry.standing.code),
            support=percent(entry.standing.support),
            full_support=percent(entry.standing.full_support),
            priority=decimal(entry.standing.priority),
        )
        for entry in summary.consensus
    ]


def area_block(area, internal: bool) -> AreaBlock:
    return AreaBlock(
        number=area.number,
        title=area.title,
        headline=area.headline,
        anchor=area_anchor(area.number),
        sentences=area_sentences(area, internal),
        recommendations=[recommendation_block(item, internal) for item in area.recommendations],
    )


def area_sentences(area, internal: bool) -> list[str]:
    """Say how both audiences support the headline, and which recommendation each ranks first most often."""
    sentences = []
    supports = [shown_share(support_of(area.area_questions, audience), internal) for audience in Audience.values]
    if any(supports):
        sentences.append(_("Support for the headline recommendation: governments %(states)s; civil society "
                           "%(organisations)s.") % {"states": supports[0] or "–", "organisations": supports[1] or "–"})
    firsts = [first_ranked(area, audience, internal) for audience in Audience.values]
    if any(firsts):
        sentences.append(_("Ranked first most often: by governments, %(states)s; by civil society, "
                           "%(organisations)s.") % {"states": firsts[0] or "–", "organisations": firsts[1] or "–"})
    return sentences


def support_of(questions: list[QuestionFigures], audience: str) -> QuestionFigures | None:
    return next(
        (q for q in questions if q.audience == audience and any(c.value == "support" for c in q.choices)), None
    )


def shown_share(question: QuestionFigures | None, internal: bool) -> str:
    if question is None or is_hidden(question, internal):
        return ""
    return percent(share_of(question, SUPPORT_VALUES))


def first_ranked(area, audience: str, internal: bool) -> str:
    """Return the recommendation(s) the audience ranked first most often in the area, with the share."""
    placed = [
        (recommendation.code, figure.first_place_share)
        for recommendation in area.recommendations
        for figure in getattr(recommendation, audience_field(audience))
        if figure.type == "ranking" and figure.first_place_share is not None and not is_hidden(figure, internal)
    ]
    if not placed:
        return ""
    top = [entry for rank, _tied, entry in ranks(placed, lambda entry: round(entry[1] * 1000)) if rank == 1]
    codes = " = ".join(f"\u2066{code}\u2069" for code, _share in top)
    return f"{codes} ({percent(top[0][1])})"


def audience_field(audience: str) -> str:
    return "member_states" if audience == Audience.MEMBER_STATE else "civil_society"


def is_hidden(question: QuestionFigures, internal: bool) -> bool:
    """Tell whether no figure of the question may be shown: too few respondents outside the internal view."""
    return question.respondents is None or (question.suppressed and not internal)


def recommendation_block(recommendation: RecommendationSummary, internal: bool) -> RecommendationBlock:
    states, society = recommendation.member_states, recommendation.civil_society
    shown = [q for q in states + society if not is_hidden(q, internal)]
    return RecommendationBlock(
        code=recommendation.code,
        text=recommendation.text,
        anchor=recommendation_anchor(recommendation.code),
        chart=recommendation_chart(shown),
        figures=key_figures(recommendation, internal),
        divergence=divergence_sentence(recommendation),
        divergence_flag=recommendation.divergence_flag,
        implementation=implementation_sentences(shown),
        themes=[theme_block(theme) for theme in recommendation.themes],
        quotations=[] if recommendation.themes else quotations(recommendation),
        small_cell_note=small_cell_note(states + society, internal),
    )


def key_figures(recommendation: RecommendationSummary, internal: bool) -> list[KeyFigure]:
    """Return the recommendation's figures side by side; "–" where not asked, "not shown" where too few answered."""
    standing = standing_of(recommendation)
    states, society = recommendation.member_states, recommendation.civil_society
    support = support_figure(states)
    rows = [
        KeyFigure(_("Respondents"), respondents(states, internal), respondents(society, internal)),
        KeyFigure(_("Support (of which without reservations)"), figure(support, internal, supported(standing)), "–"),
        KeyFigure(_("Mean rating (1 to 5)"),
                  scale_mean(states, internal), scale_mean(society, internal)),
        KeyFigure(_("Ranked first in its area"), first_place(states, internal), first_place(society, internal)),
    ]
    return [row for row in rows if (row.states, row.organisations) != ("–", "–")]


def supported(standing) -> str:
    if standing.support is None:
        return ""
    return f"{percent(standing.support)} ({percent(standing.full_support)})"


def respondents(questions: list[QuestionFigures], internal: bool) -> str:
    counted = [q for q in questions if q.type != "ranking"]
    if not counted:
        return "–"
    if all(is_hidden(q, internal) for q in counted):
        return _("not shown")
    return integer(max(q.respondents for q in counted if not is_hidden(q, internal))) + marker(counted, internal)


def figure(question: QuestionFigures | None, internal: bool, value: str) -> str:
    if question is None:
        return "–"
    if is_hidden(question, internal):
        return _("not shown")
    return (value or "–") + marker([question], internal)


def scale_mean(questions: list[QuestionFigures], internal: bool) -> str:
    scale = next((q for q in questions if q.type == "scale"), None)
    return figure(scale, internal, decimal(scale.mean) if scale else "")


def first_place(questions: list[QuestionFigures], internal: bool) -> str:
    ranking = next((q for q in questions if q.type == "ranking"), None)
    return figure(ranking, internal, percent(ranking.first_place_share) if ranking else "")


def marker(questions: list[QuestionFigures], internal: bool) -> str:
    return f" {SMALL_CELL}" if internal and any(q.suppressed for q in questions) else ""


def divergence_sentence(recommendation: RecommendationSummary) -> str:
    if recommendation.divergence is None:
        return ""
    value = _("Divergence: %(value)s") % {"value": decimal(recommendation.divergence, 2)}
    if recommendation.divergence_flag:
        return _("Governments and civil society diverge") + " · " + value
    return value


def recommendation_chart(shown: list[QuestionFigures]) -> Chart | None:
    """Return one chart comparing the audiences: their ratings, then implementation and effectiveness."""
    rated = [q for q in shown if q.type == "scale" and q.choices]
    statuses = [q for q in shown if q.type in ("single_choice", "yes_no") and q.choices and not is_support(q)]
    panels = [panel for panel in (rating_panel(rated), status_panel(statuses)) if panel]
    return Chart(panels=panels, alt=chart_alternative(panels)) if panels else None


def is_support(question: QuestionFigures) -> bool:
    return any(choice.value == "support" for choice in question.choices)


def rating_panel(questions: list[QuestionFigures]) -> Panel | None:
    if not questions:
        return None
    size = max(len(q.choices) for q in questions)
    colours = scale_colours(size)
    words = [str(word) for word in RATING_LEGEND] if size == len(RATING_LEGEND) else None
    rows = [chart_row(q, colours, words) for q in questions]
    legend = Legend("", list(zip(words or [choice.value for choice in questions[0].choices], colours)))
    return Panel(_("Rating on the scale of 1 to 5"), rows, [legend])


def status_panel(questions: list[QuestionFigures]) -> Panel | None:
    if not questions:
        return None
    rows, legends = [], []
    for palette, question in zip(PALETTES[1:] * 2, questions):
        ordered = sorted(question.choices, key=lambda choice: choice.value in NEUTRAL_VALUES)
        colours = scale_colours(sum(1 for c in ordered if c.value not in NEUTRAL_VALUES), palette) + [NEUTRAL] * len(
            [c for c in ordered if c.value in NEUTRAL_VALUES])
        rows.append(chart_row(question, colours, None, ordered))
        # Untitled: each row has its own colours, so a legend's hue names its row.
        legends.append(Legend("", [(c.label, colour) for c, colour in zip(ordered, colours)]))
    return Panel(_("Implementation and effectiveness"), rows, legends)


def chart_row(question: QuestionFigures, colours: list[str], words, choices=None) -> ChartRow:
    choices = choices or question.choices
    segments = [
        Segment(words[index] if words else choice.label, choice.share or 0.0, percent(choice.share or 0.0), colour)
        for index, (choice, colour) in enumerate(zip(choices, colours))
    ]
    return ChartRow(row_label(question), segments)


def row_label(question: QuestionFigures) -> str:
    key = question.code.partition("-")[2]
    label = str(ROW_LABELS.get(key, Audience(question.audience).label))
    return label + (f" {SMALL_CELL}" if question.suppressed else "")


def implementation_sentences(shown: list[QuestionFigures]) -> list[str]:
    """Say, per status question, the share of its two highest answers on the scale, and of the neutral ones."""
    sentences = []
    for question in shown:
        if question.type != "single_choice" or is_support(question) or question.respondents is None:
            continue
        scale = [choice for choice in question.choices if choice.value not in NEUTRAL_VALUES]
        neutral = [choice for choice in question.choices if choice.value in NEUTRAL_VALUES]
        parts = [answers_share(scale[-2:])] + [answers_share([choice]) for choice in neutral]
        sentences.append(f"{row_label(question)}: " + "; ".join(parts) + ".")
    return sentences


def answers_share(choices) -> str:
    labels = [choice.label for choice in choices]
    either = labels[0] if len(labels) == 1 else _("%(first)s or %(last)s") % {"first": labels[0], "last": labels[1]}
    return f"{either} {percent(sum(choice.share or 0.0 for choice in choices))}"


def theme_block(theme) -> ThemeBlock:
    counts = _("governments: %(states)s; civil society: %(organisations)s") % {
        "states": "–" if theme.member_states is None else integer(theme.member_states),
        "organisations": "–" if theme.civil_society is None else integer(theme.civil_society),
    }
    quotation = theme.quotation
    return ThemeBlock(
        label=theme.label, description=theme.description, counts=counts,
        quotation=quotation.text if quotation else "",
        attribution=(quotation.attribution or _("Anonymous")) if quotation else "",
    )


def quotations(recommendation: RecommendationSummary) -> list[Quotation]:
    """Return the first publishable answer of each text question on the recommendation."""
    first = {}
    for excerpt in recommendation.excerpts:
        quotation = Quotation(shortened(excerpt.text), excerpt.attribution or _("Anonymous"))
        first.setdefault(excerpt.question_code, quotation)
    return list(first.values())[:QUOTATIONS_WITHOUT_THEMES]


def small_cell_note(questions: list[QuestionFigures], internal: bool) -> str:
    if internal and any(q.suppressed for q in questions):
        return f"{SMALL_CELL} " + _("fewer respondents than the threshold")
    if any(is_hidden(q, internal) for q in questions):
        return _("Some figures are not shown: too few respondents.")
    return ""


def question_sentence(text: str) -> str:
    """Return the question itself: generated questions quote their recommendation on a first line."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
