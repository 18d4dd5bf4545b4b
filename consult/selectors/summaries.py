"""What a regional summary says, read from the stored aggregates (the contract reports render).

`regional_summary` reads the Aggregate rows the aggregation service wrote, plus the texts of
areas, recommendations and questions and the positions for coverage and excerpts, in a fixed
number of queries. The report formats only read the dataclasses below, so HTML, Word, PDF and
spreadsheets say the same thing.

Small cells: a question's figures for one audience in a grouping with fewer respondents than
the consultation's `small_cell_threshold` are `suppressed`. A shared summary (internal=False)
shows none of them (None), so that no single state's position can be read off a figure, and
leaves out the anonymous excerpts of an audience that small; the secretariat's internal
summary shows the figures, marked.

Divergence of a recommendation: |mean rating by member states - mean rating by civil
society|, each audience's rating being its first 1-5 scale question on the recommendation
(the priority a government gives it, the importance an organisation gives it). 0 is full
agreement; it is flagged from DIVERGENCE_FLAG (1.0: a whole step of the scale) up, and None
when either side has no answers or is hidden. Support shares are not compared because civil
society is not asked whether it supports each sub-recommendation; both audiences' support
distributions on the headlines are in each area's `area_questions`.

Consensus, support and divergence of each recommendation: see consensus.py. The consensus
ranking is computed on the grouping's own figures, so regions that answered differently are
ranked differently.

Choice labels are given in the active language (the report's): the secretariat's translation
of the question, else the question template of that language, else the question's own label.

Excerpts: the long-text answers (good practices, own work) of submitted responses whose
respondent chose publication, attributed (with the state's or organisation's name) or
anonymous (attribution ""); never a confidential one. At most Excerpt.PER_QUESTION per
question, earliest submitted first: picked when the figures are counted (the Excerpt model).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from surveys.models import Question, QuestionTranslation

from ..i18n import content_language
from ..models import (
    Audience,
    MemberState,
    PriorityArea,
    Publication,
    QuestionTemplate,
    Recommendation,
    RegionalGrouping,
    Theme,
)
from .aggregates import (
    Disclosure,
    StoredFigures,
    civil_society_by_country,
    current_questions,
    is_support_question,
    named_respondents,
    states_by_subregion,
    stored_excerpts,
    stored_figures,
    support_by_grouping,
)
from .consensus import Ranked, Standing, consensus_ranking, standing_of
from .themes import ReviewedTheme, reviewed_themes_for

DIVERGENCE_FLAG = 1.0
NAMED_ORGANISATIONS_SHOWN = 300  # beyond, the annex gives the number (the public page lists them all)
TEXT_TYPES = {Question.Type.SHORT_TEXT, Question.Type.LONG_TEXT}


@dataclass
class ChoiceFigure:
    value: str
    label: str
    count: int | None  # None: hidden (fewer respondents than the consultation's threshold)
    share: float | None
    mean_rank: float | None = None  # rankings: the item's mean rank and how often it came first
    first_place_share: float | None = None


@dataclass
class QuestionFigures:
    code: str
    text: str
    type: str
    audience: str
    respondents: int | None
    choices: list[ChoiceFigure] = field(default_factory=list)
    mean: float | None = None
    median: float | None = None
    mean_rank: float | None = None
    first_place_share: float | None = None
    suppressed: bool = False


@dataclass
class Excerpt:
    question_code: str
    text: str
    attribution: str  # the state or organisation, or "" when published anonymously


@dataclass
class RecommendationSummary:
    code: str
    text: str
    member_states: list[QuestionFigures] = field(default_factory=list)
    civil_society: list[QuestionFigures] = field(default_factory=list)
    divergence: float | None = None
    divergence_flag: bool = False
    excerpts: list[Excerpt] = field(default_factory=list)
    themes: list[ReviewedTheme] = field(default_factory=list)  # reviewed (accepted) themes only


@dataclass
class AreaSummary:
    number: int
    title: str
    headline: str
    recommendations: list[RecommendationSummary] = field(default_factory=list)
    area_questions: list[QuestionFigures] = field(default_factory=list)


@dataclass
class CoverageFigures:
    states_invited: int
    states_answered: int
    states_submitted: int
    by_subregion: list[tuple[str, int, int, int]]  # name, invited, answered, submitted
    civil_society_by_country: list[tuple[str, int]]


@dataclass
class NamedRespondents:
    """Those that count and chose to be named: every state, organisations up to a limit."""

    states: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    organisations_total: int = 0


@dataclass
class Summary:
    consultation_title: str
    consultation_language: str
    grouping_name: str  # "World" when for the whole world
    data_cutoff: datetime
    internal: bool  # the secretariat's view: small cells shown, marked
    coverage: CoverageFigures
    areas: list[AreaSummary] = field(default_factory=list)
    is_world: bool = False
    threshold: int = 3  # the small-cell rule: fewer respondents than this are not shown
    # Support by recommendation code elsewhere: the world's (a grouping's summary), or each UN
    # region's with enough respondents to be shown (the world's summary).
    world_support: dict[str, float] = field(default_factory=dict)
    regional_support: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    named: NamedRespondents = field(default_factory=NamedRespondents)

    @property
    def recommendations(self) -> list[RecommendationSummary]:
        return [recommendation for area in self.areas for recommendation in area.recommendations]

    @property
    def standings(self) -> list[Standing]:
        return [standing_of(recommendation) for recommendation in self.recommendations]

    @property
    def consensus(self) -> list[Ranked]:
        """Return the consensus ranking of this grouping's own figures (see consensus.py)."""
        return consensus_ranking(self.standings)


def regional_summary(consultation, grouping=None, *, internal: bool = False) -> Summary:
    """Return the summary of the consultation for a grouping (None: the whole world)."""
    disclosure = Disclosure(consultation.small_cell_threshold, internal)
    stored = stored_figures(consultation, grouping)
    states = MemberState.objects.all() if grouping is None else grouping.members.all()
    countries = None if grouping is None else states.alpha2_codes()
    current = current_questions(consultation)
    questions = QuestionIndex(current)
    excerpts = excerpts_by_reference(consultation, grouping, current, stored, disclosure)
    areas = [
        area_summary(area, questions, stored, disclosure, excerpts) for area in summary_areas(consultation)
    ]
    add_themes(consultation, grouping, areas, internal)
    ChoiceLabels(consultation, questions).relabel(areas)
    summary = Summary(
        consultation_title=consultation.title,
        consultation_language=consultation.language,
        grouping_name=str(grouping) if grouping else _("World"),
        data_cutoff=stored.computed_at or timezone.now(),
        internal=internal,
        coverage=summary_coverage(consultation, states, countries),
        areas=areas,
        is_world=grouping is None,
        threshold=disclosure.threshold,
        named=NamedRespondents(*named_respondents(consultation, states, countries, NAMED_ORGANISATIONS_SHOWN)),
    )
    add_comparisons(summary, consultation, grouping, questions.support_codes(areas), disclosure)
    return summary


def add_themes(consultation, grouping, areas: list[AreaSummary], internal: bool) -> None:
    """Give each recommendation its reviewed themes, if the consultation has any (one query when none)."""
    if not Theme.objects.filter(consultation=consultation, status=Theme.Status.ACCEPTED).exists():
        return
    for recommendation in (recommendation for area in areas for recommendation in area.recommendations):
        recommendation.themes = reviewed_themes_for(consultation, recommendation.code, grouping, internal=internal)


def add_comparisons(summary: Summary, consultation, grouping, support_codes: dict[str, str], disclosure) -> None:
    """Add the support of each recommendation worldwide (to a grouping's summary) or in each UN region (the world's)."""
    rows = support_by_grouping(consultation, list(support_codes.values()))
    if grouping is not None:
        summary.world_support = {
            recommendation: rows[None, code][1] for recommendation, code in support_codes.items() if (None, code) in rows
        }
        return
    names = {region.pk: str(region) for region in regional_groupings(rows)}
    for recommendation, code in support_codes.items():
        regional = [
            (names[grouping_id], share) for (grouping_id, row_code), (respondents, share) in rows.items()
            if row_code == code and grouping_id is not None and not disclosure.hides(respondents)
        ]
        summary.regional_support[recommendation] = sorted(regional)


def regional_groupings(rows):
    return RegionalGrouping.objects.filter(pk__in={grouping_id for grouping_id, _code in rows if grouping_id})


class QuestionIndex:
    """The consultation's current questions by the code of what they were made from."""

    def __init__(self, questions: list[Question]):
        self.by_reference = defaultdict(list)
        for question in questions:
            self.by_reference[question.reference].append(question)

    def all(self):
        return [question for questions in self.by_reference.values() for question in questions]

    def about(self, reference: str, audience: str | None = None, *, text: bool = False) -> list[Question]:
        """Return the questions on a recommendation or area (of one audience), text ones only if asked."""
        return [
            question
            for question in self.by_reference[reference]
            if (audience is None or question.audience == audience) and (question.type in TEXT_TYPES) == text
        ]

    def support_codes(self, areas: list[AreaSummary]) -> dict[str, str]:
        """Return the code of each recommendation's member-state support question, by recommendation."""
        codes = {}
        for recommendation in (recommendation for area in areas for recommendation in area.recommendations):
            support = [question for question in self.about(recommendation.code) if is_support_question(question)]
            if support:
                codes[recommendation.code] = support[0].code
        return codes


class ChoiceLabels:
    """Choice labels in the active language: the question's translation, the template's, or its own."""

    def __init__(self, consultation, questions: "QuestionIndex"):
        self.language = content_language(get_language())
        self.same = self.language == consultation.language
        self.ids = {(question.audience, question.code): question.pk for question in questions.all()}
        if self.same:
            return
        translations = QuestionTranslation.objects.filter(question__in=self.ids.values(), language=self.language)
        self.translated = {translation.question_id: translation.choice_labels for translation in translations}
        templates = QuestionTemplate.objects.filter(language=self.language).values_list("audience", "key", "choices")
        self.templates = {(audience, key): {c["value"]: c["label"] for c in choices} for audience, key, choices in templates}

    def relabel(self, areas: list[AreaSummary]) -> None:
        if self.same:
            return
        for question in all_figures(areas):
            for choice in question.choices:
                choice.label = self.label(question, choice)

    def label(self, question: QuestionFigures, choice: ChoiceFigure) -> str:
        translated = self.translated.get(self.ids.get((question.audience, question.code)), {})
        key = question.code.partition("-")[2]
        template = self.templates.get((question.audience, key), {})
        return translated.get(choice.value) or template.get(choice.value) or choice.label


def all_figures(areas: list[AreaSummary]):
    for area in areas:
        yield from area.area_questions
        for recommendation in area.recommendations:
            yield from recommendation.member_states + recommendation.civil_society


def summary_areas(consultation):
    """Return the consultation's active areas in order, each with its active recommendations."""
    recommendations = Recommendation.objects.filter(status=Recommendation.Status.ACTIVE).order_by("position")
    areas = consultation.areas.filter(status=PriorityArea.Status.ACTIVE).order_by("number")
    return areas.prefetch_related(Prefetch("recommendations", queryset=recommendations, to_attr="active"))


def area_summary(area, questions: QuestionIndex, stored, disclosure, excerpts) -> AreaSummary:
    rankings = [question for question in questions.about(area.code) if question.type == Question.Type.RANKING]
    return AreaSummary(
        number=area.number,
        title=area.title,
        headline=area.headline,
        recommendations=[
            recommendation_summary(recommendation, questions, rankings, stored, disclosure, excerpts)
            for recommendation in area.active
        ],
        area_questions=[question_figures(question, stored, disclosure) for question in questions.about(area.code)],
    )


def recommendation_summary(recommendation, questions, rankings, stored, disclosure, excerpts):
    code = recommendation.code
    by_audience = {
        audience: [question_figures(question, stored, disclosure) for question in questions.about(code, audience)]
        + [
            ranking_item_figures(ranking, code, stored, disclosure)
            for ranking in rankings
            if ranking.audience == audience and any(choice.value == code for choice in ranking.choices.all())
        ]
        for audience in Audience.values
    }
    gap = divergence(by_audience[Audience.MEMBER_STATE], by_audience[Audience.CIVIL_SOCIETY])
    return RecommendationSummary(
        code=code,
        text=recommendation.text,
        member_states=by_audience[Audience.MEMBER_STATE],
        civil_society=by_audience[Audience.CIVIL_SOCIETY],
        divergence=gap,
        divergence_flag=gap is not None and gap >= DIVERGENCE_FLAG,
        excerpts=excerpts.get(code, []),
    )


def question_figures(question: Question, stored: StoredFigures, disclosure: Disclosure) -> QuestionFigures:
    """Return the figures of one question; all None when its cell is small and the summary shared."""
    respondents = stored.respondents(question.audience, question.code)
    hidden = disclosure.hides(respondents)
    row = stored.get(question.audience, question.code)
    return QuestionFigures(
        code=question.code,
        text=question.text,
        type=question.type,
        audience=question.audience,
        respondents=None if hidden else respondents,
        choices=[choice_figure(question, choice, stored, hidden) for choice in question.choices.all()],
        mean=shown(row, "mean", hidden),
        median=shown(row, "median", hidden),
        suppressed=disclosure.is_small(respondents),
    )


def choice_figure(question: Question, choice, stored: StoredFigures, hidden: bool) -> ChoiceFigure:
    row = stored.get(question.audience, question.code, choice.value)
    return ChoiceFigure(
        value=choice.value,
        label=choice.label,
        count=None if hidden else (row.count if row else 0),
        share=shown(row, "share", hidden),
        mean_rank=shown(row, "mean_rank", hidden),
        first_place_share=shown(row, "first_place_share", hidden),
    )


def ranking_item_figures(question: Question, item: str, stored, disclosure) -> QuestionFigures:
    """Return where one recommendation stands in its area's ranking: mean rank and first-place share."""
    respondents = stored.respondents(question.audience, question.code)
    hidden = disclosure.hides(respondents)
    row = stored.get(question.audience, question.code, item)
    return QuestionFigures(
        code=question.code,
        text=question.text,
        type=question.type,
        audience=question.audience,
        respondents=None if hidden else respondents,
        mean_rank=shown(row, "mean_rank", hidden),
        first_place_share=shown(row, "first_place_share", hidden),
        suppressed=disclosure.is_small(respondents),
    )


def shown(row, name: str, hidden: bool) -> float | None:
    return None if hidden or row is None else getattr(row, name)


def divergence(member_states: list[QuestionFigures], civil_society: list[QuestionFigures]) -> float | None:
    """Return how far apart the audiences' mean ratings of a recommendation are (see the module docstring)."""
    ms_mean, cso_mean = first_scale_mean(member_states), first_scale_mean(civil_society)
    if ms_mean is None or cso_mean is None:
        return None
    # Rounded so that ratings a whole point apart are 1.0, not 0.9999999999999998.
    return round(abs(ms_mean - cso_mean), 6)


def first_scale_mean(figures: list[QuestionFigures]) -> float | None:
    return next((figure.mean for figure in figures if figure.type == Question.Type.SCALE), None)


def excerpts_by_reference(consultation, grouping, questions, stored, disclosure) -> dict[str, list[Excerpt]]:
    """Return the excerpts picked for the grouping, by recommendation code, in question order."""
    current = {(question.audience, question.code): question for question in questions}
    rows = [row for row in stored_excerpts(consultation, grouping) if (row["audience"], row["question_code"]) in current]
    rows.sort(key=lambda row: (row["audience"], current[row["audience"], row["question_code"]].order, row["place"]))
    excerpts = defaultdict(list)
    for row in rows:
        anonymous = row["publication"] == Publication.ANONYMOUS
        if anonymous and disclosure.hides(stored.audience_respondents(row["audience"])):
            continue
        attribution = "" if anonymous else row["state"] or row["organisation"]
        reference = current[row["audience"], row["question_code"]].reference
        excerpts[reference].append(Excerpt(row["question_code"], row["text"], attribution))
    return excerpts


def summary_coverage(consultation, states, countries) -> CoverageFigures:
    by_subregion = states_by_subregion(consultation, states)
    return CoverageFigures(
        states_invited=sum(row[1] for row in by_subregion),
        states_answered=sum(row[2] for row in by_subregion),
        states_submitted=sum(row[3] for row in by_subregion),
        by_subregion=by_subregion,
        civil_society_by_country=civil_society_by_country(consultation, countries),
    )
