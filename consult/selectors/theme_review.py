"""The reads behind the theme review pages, each one query however many answers a question has.

`states` limits everything to the answers of those member states (and of organisations in
their countries): a regional coordinator's view. None is everyone, for the secretariat.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber, Substr

from surveys.models import Question

from ..models import AnalysedAnswer, AnalysisRun, Campaign, QuestionReview, RegionalGrouping, Theme, ThemeMembership

EXCERPT_LENGTH = 400
REPRESENTATIVES = 3
CAMPAIGN_NAMES = 50
SHOWN = (Theme.Status.PROPOSED, Theme.Status.ACCEPTED)


@dataclass
class Progress:
    reviewed: int
    total: int
    new: int

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.total) if self.total else 0


@dataclass
class ThemeRow:
    theme: Theme
    by_audience: dict[str, int] = field(default_factory=dict)
    by_region: dict[int, int] = field(default_factory=dict)
    representatives: list[dict] = field(default_factory=list)
    regional: list[tuple[RegionalGrouping, int]] = field(default_factory=list)  # every M49 region, with 0s

    @property
    def total(self) -> int:
        return sum(self.by_audience.values())


@dataclass
class QuestionState:
    code: str
    text: str
    audience: str
    progress: Progress
    accepted: int = 0
    proposed: int = 0
    review: QuestionReview | None = None

    @property
    def subject(self) -> str:
        """Return what the question is about, as a reader names it: the recommendation's or area's code."""
        return self.code.rsplit("-", 1)[0]

    @property
    def prompt(self) -> str:
        """Return the question proper, the last line of its text."""
        return self.text.strip().splitlines()[-1] if self.text.strip() else ""


def in_states(answers, states, prefix=""):
    return answers if states is None else answers.filter(**{f"{prefix}state__in": states})


def analysed_answers(consultation, code, states=None):
    return in_states(AnalysedAnswer.objects.filter(consultation=consultation, question_code=code), states)


def review_progress(consultation, code, states=None) -> Progress:
    figures = analysed_answers(consultation, code, states).aggregate(
        total=Count("pk"), reviewed=Count("pk", filter=Q(reviewed_at__isnull=False)),
        new=Count("pk", filter=Q(is_new=True)),
    )
    return Progress(figures["reviewed"], figures["total"], figures["new"])


def text_question(consultation, code) -> Question | None:
    """Return the current long-text question with the code, with its audience, or None."""
    questions = Question.objects.filter(survey__questionnaire__consultation=consultation, code=code,
                                        type=Question.Type.LONG_TEXT, is_current=True)
    return questions.annotate(audience=F("survey__questionnaire__audience")).first()


def question_states(consultation, states=None) -> list[QuestionState]:
    """Return each long-text question with its review progress and theme counts, in questionnaire order."""
    questions = Question.objects.filter(
        survey__questionnaire__consultation=consultation, type=Question.Type.LONG_TEXT, is_current=True
    ).annotate(audience=F("survey__questionnaire__audience")).order_by("survey__questionnaire__audience", "order")
    answers = in_states(AnalysedAnswer.objects.filter(consultation=consultation), states)
    progress = {
        row["question_code"]: Progress(row["reviewed"], row["total"], row["new"])
        for row in answers.order_by().values("question_code").annotate(
            total=Count("pk"), reviewed=Count("pk", filter=Q(reviewed_at__isnull=False)),
            new=Count("pk", filter=Q(is_new=True)),
        )
    }
    themes = Theme.objects.filter(consultation=consultation, status__in=SHOWN).order_by()
    counts = {(code, status): total for code, status, total in
              themes.values_list("question_code", "status").annotate(total=Count("pk"))}
    reviews = {review.question_code: review for review in QuestionReview.objects.filter(consultation=consultation)}
    return [
        QuestionState(
            question.code, question.text, question.audience, progress.get(question.code, Progress(0, 0, 0)),
            counts.get((question.code, Theme.Status.ACCEPTED), 0), counts.get((question.code, Theme.Status.PROPOSED), 0),
            reviews.get(question.code),
        )
        for question in questions
    ]


def question_themes(consultation, code, states=None) -> list[ThemeRow]:
    """Return the question's accepted and proposed themes with their counts and most typical answers.

    Accepted themes first, then the largest.
    """
    themes = list(Theme.objects.filter(consultation=consultation, question_code=code, status__in=SHOWN))
    rows = {theme.pk: ThemeRow(theme) for theme in themes}
    members = in_states(ThemeMembership.objects.filter(theme__in=themes, is_member=True), states, "answer__")
    counted = members.order_by().values_list("theme_id", "answer__audience", "answer__region_id")
    for theme_id, audience, region_id, total in counted.annotate(total=Count("pk")):
        row = rows[theme_id]
        row.by_audience[audience] = row.by_audience.get(audience, 0) + total
        row.by_region[region_id] = row.by_region.get(region_id, 0) + total
    for answer in representative_answers(members):
        rows[answer["theme_id"]].representatives.append(answer)
    regions = m49_regions()
    for row in rows.values():
        row.regional = [(region, row.by_region.get(region.pk, 0)) for region in regions]
    accepted_first = lambda row: (row.theme.status != Theme.Status.ACCEPTED, -row.total, row.theme.pk)  # noqa: E731
    return sorted(rows.values(), key=accepted_first)


def representative_answers(members) -> list[dict]:
    """Return the most typical answers of each theme (highest weight), cut to an excerpt, in one query."""
    place = Window(RowNumber(), partition_by=[F("theme_id")], order_by=[F("weight").desc(), F("pk")])
    rows = members.annotate(place=place).filter(place__lte=REPRESENTATIVES).values(
        "theme_id", "place", respondent=F("answer__respondent_name"), audience=F("answer__audience"),
        excerpt=Substr("answer__answer__text", 1, EXCERPT_LENGTH),
    )
    return sorted(rows, key=lambda row: (row["theme_id"], row["place"]))


def other_themes(consultation, code):
    """Return every theme of the question that is not discarded or merged away (for merging and moving)."""
    return Theme.objects.filter(consultation=consultation, question_code=code, status__in=SHOWN).order_by("label")


def m49_regions() -> list[RegionalGrouping]:
    return list(RegionalGrouping.objects.filter(kind=RegionalGrouping.Kind.M49_REGION).in_name_order())


def question_campaigns(consultation, code, states=None):
    """Return the question's campaigns, largest first, each with its representative text and first members.

    A queryset: the page shows the largest few and counts the others.
    """
    campaigns = Campaign.objects.filter(consultation=consultation, question_code=code)
    if states is not None:
        campaigns = campaigns.filter(members__state__in=states).distinct()
    members = AnalysedAnswer.objects.only("campaign_id", "respondent_name").order_by("respondent_name")
    campaigns = campaigns.select_related("representative__answer").prefetch_related(
        Prefetch("members", queryset=in_states(members, states)[:CAMPAIGN_NAMES], to_attr="listed")
    )
    return campaigns.order_by("-size", "pk")


ANSWER_FILTERS = {
    "all": Q(),
    "unreviewed": Q(reviewed_at__isnull=True),
    "new": Q(is_new=True),
    "notable": Q(notable_practice=True),
    "evidence": Q(evidence_rich=True),
}


def answers_for_review(consultation, code, *, show="all", theme=None, states=None):
    """Return the question's answers to review (a filter, a theme's), each with its themes and text."""
    answers = analysed_answers(consultation, code, states).filter(ANSWER_FILTERS.get(show, Q()))
    if theme is not None:
        answers = answers.filter(memberships__theme=theme, memberships__is_member=True)
    memberships = ThemeMembership.objects.filter(is_member=True, theme__status__in=SHOWN).select_related("theme")
    answers = answers.select_related("region", "campaign").annotate(text=F("answer__text"))
    return answers.prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="themes_in")).order_by("pk")


def latest_run(consultation) -> AnalysisRun | None:
    return AnalysisRun.objects.filter(consultation=consultation).order_by("-created_at").first()
