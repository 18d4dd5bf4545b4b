"""Reviewed themes as summaries and the dashboard show them: counts by audience, one quotation.

Only themes the secretariat accepted appear. A theme's count is the number of respondents
whose answer is in it, by audience; a campaign (near-identical answers) is in a theme through
its representative answer only, so it counts once, and the theme says so (`campaign_sizes`).

Small cells: an audience's count in a grouping with fewer respondents than the consultation's
`small_cell_threshold` is None in a shared summary (internal=False) and marked `suppressed`;
an anonymous quotation is left out when its audience's count is that small, so that it cannot
be traced to a state. Quotations follow the respondent's publication choice: attributed (the
state's or organisation's name), anonymous (no name), never a confidential answer.
"""

from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Window
from django.db.models.functions import Length, RowNumber
from django.utils.translation import ngettext

from surveys.models import Question, Response

from ..models import Audience, Publication, Recommendation, Theme, ThemeMembership
from .aggregates import PUBLISHABLE

QUOTATION_LENGTH = 300
# The most typical answers a quotation is chosen from (the first that may be shown).
QUOTATION_CANDIDATES = 5
TEXT_TYPES = (Question.Type.LONG_TEXT, Question.Type.SHORT_TEXT)


@dataclass
class Quotation:
    text: str
    attribution: str  # the state or organisation, or "" when published anonymously
    audience: str


@dataclass
class ReviewedTheme:
    id: int
    question_code: str
    label: str
    description: str
    keywords: list[str]
    member_states: int | None  # None: hidden (a small cell in a shared summary)
    civil_society: int | None
    suppressed: bool = False  # some count is a small cell (hidden if shared, marked if internal)
    quotation: Quotation | None = None
    campaign_sizes: list[int] = field(default_factory=list)

    @property
    def campaign_note(self) -> str:
        """Say which campaigns the counts include once each, or ""."""
        if not self.campaign_sizes:
            return ""
        answers = sum(self.campaign_sizes)
        return ngettext(
            "Includes %(campaigns)s campaign of %(answers)s near-identical answers, counted once.",
            "Includes %(campaigns)s campaigns of %(answers)s near-identical answers in all, each counted once.",
            len(self.campaign_sizes),
        ) % {"campaigns": len(self.campaign_sizes), "answers": answers}


def reviewed_themes_for(consultation, subject, grouping=None, *, internal: bool = False) -> list[ReviewedTheme]:
    """Return the accepted themes of a question or recommendation, most respondents first.

    `subject` is a recommendation, a question, or the code of either ("3.2", "3.2-practices").
    `grouping` (None: the world) limits counts and quotations to its states, and to the
    organisations of their countries.
    """
    themes = list(
        Theme.objects.filter(
            consultation=consultation, question_code__in=question_codes(consultation, subject),
            status=Theme.Status.ACCEPTED,
        ).order_by("question_code", "pk")
    )
    if not themes:
        return []
    members = theme_members(themes, grouping)
    counts = audience_counts(members)
    threshold = consultation.small_cell_threshold
    quotations = theme_quotations(members, counts, threshold, internal)
    campaigns = campaign_sizes(members)
    reviewed = [
        reviewed_theme(theme, counts.get(theme.pk, {}), threshold, internal, quotations, campaigns)
        for theme in themes
    ]
    return sorted(reviewed, key=lambda theme: -((theme.member_states or 0) + (theme.civil_society or 0)))


def question_codes(consultation, subject) -> list[str]:
    """Return the codes of the text questions the subject names (a question, or those on a recommendation)."""
    if isinstance(subject, Question):
        return [subject.code]
    reference = subject.code if isinstance(subject, Recommendation) else str(subject)
    questions = Question.objects.filter(survey__questionnaire__consultation=consultation, type__in=TEXT_TYPES)
    codes = set(questions.filter(Q(code=reference) | Q(reference=reference)).values_list("code", flat=True))
    return sorted(codes)


def theme_members(themes, grouping):
    """Return the member rows of the themes: answers of submitted responses, in the grouping if any."""
    members = ThemeMembership.objects.filter(
        theme__in=themes, is_member=True, answer__response__status=Response.Status.SUBMITTED
    )
    if grouping is not None:
        members = members.filter(answer__state__in=grouping.members.all())
    return members


def audience_counts(members) -> dict[int, dict[str, int]]:
    """Return {theme id: {audience: respondents}}, counted by the database."""
    counts: dict[int, dict[str, int]] = {}
    rows = members.order_by().values_list("theme_id", "answer__audience").annotate(total=Count("answer_id"))
    for theme_id, audience, total in rows:
        counts.setdefault(theme_id, {})[audience] = total
    return counts


def campaign_sizes(members) -> dict[int, list[int]]:
    rows = members.filter(answer__campaign__isnull=False).values_list("theme_id", "answer__campaign__size")
    sizes: dict[int, list[int]] = {}
    for theme_id, size in rows.order_by("theme_id", "-answer__campaign__size"):
        sizes.setdefault(theme_id, []).append(size)
    return sizes


def theme_quotations(members, counts, threshold: int, internal: bool) -> dict[int, Quotation]:
    """Return one publishable quotation per theme: its most typical answer, short ones first.

    One query: the members whose respondents allowed publication, numbered within each theme.
    """
    publishable = members.filter(
        answer__response__position__publication__in=PUBLISHABLE, answer__answer__isnull=False
    ).exclude(answer__answer__text="")
    too_long = ExpressionWrapper(Q(answer_length__gt=QUOTATION_LENGTH * 2), output_field=BooleanField())
    place = Window(RowNumber(), partition_by=[F("theme_id")], order_by=[too_long.asc(), F("weight").desc(), F("pk")])
    rows = publishable.annotate(answer_length=Length("answer__answer__text"), place=place).filter(
        place__lte=QUOTATION_CANDIDATES
    ).values(
        "theme_id", "place", text=F("answer__answer__text"), audience=F("answer__audience"),
        respondent=F("answer__respondent_name"), publication=F("answer__response__position__publication"),
    )
    quotations = {}
    for row in sorted(rows, key=lambda row: (row["theme_id"], row["place"])):
        anonymous = row["publication"] == Publication.ANONYMOUS
        if anonymous and not internal and counts.get(row["theme_id"], {}).get(row["audience"], 0) < threshold:
            continue
        attribution = "" if anonymous else row["respondent"]
        quotations.setdefault(row["theme_id"], Quotation(shortened(row["text"]), attribution, row["audience"]))
    return quotations


def reviewed_theme(theme, counts, threshold, internal, quotations, campaigns) -> ReviewedTheme:
    shown = {audience: counts.get(audience, 0) for audience in Audience.values}
    small = any(0 < count < threshold for count in shown.values())
    if not internal:
        shown = {audience: None if 0 < count < threshold else count for audience, count in shown.items()}
    return ReviewedTheme(
        id=theme.pk, question_code=theme.question_code, label=theme.label, description=theme.description,
        keywords=theme.keywords, member_states=shown[Audience.MEMBER_STATE],
        civil_society=shown[Audience.CIVIL_SOCIETY], suppressed=small,
        quotation=quotations.get(theme.pk), campaign_sizes=campaigns.get(theme.pk, []),
    )


def shortened(text: str, limit: int = QUOTATION_LENGTH) -> str:
    """Return the text, cut at a word before `limit` characters with an ellipsis if longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:") + "…"

