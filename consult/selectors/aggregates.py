"""The reads behind a regional summary: stored figures and excerpts, consensus, coverage.

Nothing here counts answers one by one: the aggregation service has stored the figures, and
each read is one query however many responses there are.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q
from django_countries import countries as all_countries

from surveys.models import Question

from ..models import (
    Aggregate,
    Audience,
    CivilSocietyOrganisation,
    Excerpt,
    Position,
    Publication,
    RegionalGrouping,
)
from ..i18n import name_sort_key
from .coverage import invited, response_tallies
from ..models.languages import local_name, name_order

PUBLISHABLE = (Publication.ATTRIBUTED, Publication.ANONYMOUS)
SUPPORT_VALUES = ("support", "support_with_reservations")


@dataclass(frozen=True)
class Disclosure:
    """What a summary may show: cells under the threshold are hidden, unless internal (then marked)."""

    threshold: int
    internal: bool

    def is_small(self, respondents: int) -> bool:
        return respondents < self.threshold

    def hides(self, respondents: int) -> bool:
        return self.is_small(respondents) and not self.internal


STORED_FIELDS = (
    "audience", "question_code", "choice_value", "respondents", "count", "share", "mean", "median", "mean_rank",
    "first_place_share", "computed_at",
)


@dataclass
class StoredFigures:
    """The aggregate rows of one grouping (or the world), by audience, question code and choice value."""

    rows: dict[tuple[str, str, str], tuple]  # named tuples of STORED_FIELDS
    computed_at: datetime | None
    busiest: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def get(self, audience: str, code: str, value: str = "") -> tuple | None:
        return self.rows.get((audience, code, value))

    def respondents(self, audience: str, code: str) -> int:
        row = self.get(audience, code)
        return row.respondents if row else 0

    def audience_respondents(self, audience: str) -> int:
        """Return how many of the audience answered anything in the grouping (its busiest question)."""
        if audience not in self.busiest:  # Asked once per row of a summary: worked out once.
            self.busiest[audience] = max((row.respondents for key, row in self.rows.items() if key[0] == audience),
                                         default=0)
        return self.busiest[audience]


def stored_figures(consultation, grouping=None) -> StoredFigures:
    """Return the consultation's stored figures for the grouping (None: the world), in one query."""
    # Named tuples, not models: a summary reads a few thousand rows on every page view.
    rows = Aggregate.objects.filter(consultation=consultation, grouping=grouping).values_list(*STORED_FIELDS, named=True)
    by_key = {(row.audience, row.question_code, row.choice_value): row for row in rows}
    computed_at = max((row.computed_at for row in by_key.values()), default=None)
    return StoredFigures(by_key, computed_at)


def current_questions(consultation) -> list[Question]:
    """Return the current questions of both audiences, in survey order, each with `audience` and its choices."""
    questions = Question.objects.filter(survey__questionnaire__consultation=consultation, is_current=True)
    questions = questions.annotate(audience=F("survey__questionnaire__audience")).prefetch_related("choices")
    return list(questions.order_by("survey__questionnaire__audience", "order", "code"))


def is_support_question(question: Question) -> bool:
    """Tell whether the question asks a member state whether it supports something."""
    values = {choice.value for choice in question.choices.all()}
    return question.audience == Audience.MEMBER_STATE and question.type != Question.Type.RANKING and "support" in values


def support_by_grouping(consultation, codes: list[str]) -> dict[tuple[int | None, str], tuple[int, float]]:
    """Return (respondents, support share) of member states by (grouping, question code): world and M49 regions.

    Support is with or without reservations; one query over the stored figures.
    """
    rows = Aggregate.objects.filter(
        Q(grouping__isnull=True) | Q(grouping__kind=RegionalGrouping.Kind.M49_REGION),
        consultation=consultation,
        audience=Audience.MEMBER_STATE,
        question_code__in=codes,
        choice_value__in=SUPPORT_VALUES,
    ).values_list("grouping_id", "question_code", "respondents", "count")
    supporters: dict[tuple[int | None, str], tuple[int, int]] = {}
    for grouping_id, code, respondents, count in rows:
        previous = supporters.get((grouping_id, code), (respondents, 0))[1]
        supporters[(grouping_id, code)] = (respondents, previous + count)
    return {key: (respondents, count / respondents) for key, (respondents, count) in supporters.items() if respondents}


def named_respondents(consultation, states, countries, limit: int) -> tuple[list[str], list[str], int]:
    """Return the states and (at most `limit`) organisations that count and agreed to be named, and how many
    organisations did in all; in the states and countries given (countries None: anywhere)."""
    positions = Position.objects.counted().filter(consultation=consultation, publication=Publication.ATTRIBUTED)
    state_names = positions.filter(member_state__in=states).values_list(local_name("member_state__"), flat=True)
    # Organisations by name (an index) that have such a position: the first `limit` are found
    # without reading every position.
    organisations = CivilSocietyOrganisation.objects.filter(Exists(positions.filter(organisation=OuterRef("pk"))))
    if countries is not None:
        organisations = organisations.filter(country__in=countries)
    names = organisations.order_by("name").values_list("name", flat=True)
    tallies = response_tallies(consultation, countries=countries)
    total = sum(tallies[key] for key in tallies if key[1:] == (Position.Status.SUBMITTED, Publication.ATTRIBUTED))
    return sorted(state_names, key=name_sort_key), list(names[:limit]), total


def stored_excerpts(consultation, grouping=None) -> list[dict]:
    """Return the excerpts picked for the grouping (None: the world) when the figures were counted, in place order.

    Rows hold the question code, audience, place, text, publication and the respondent's name
    (the state's in the active language, or the organisation's).
    """
    rows = Excerpt.objects.filter(consultation=consultation, grouping=grouping).order_by("audience", "question_code",
                                                                                         "place")
    return list(rows.values(
        "audience", "question_code", "place", "text", "publication",
        state=local_name("member_state__"), organisation=F("organisation_name"),
    ))


def states_by_subregion(consultation, states) -> list[tuple[str, int, int, int]]:
    """Return (sub-region, states invited, answered, submitted) for the states given, by sub-region name.

    Invited: a focal point, an invitation not revoked, or a position. Answered: a position.
    Submitted: a position submitted (not reopened).
    """
    position = Position.objects.filter(consultation=consultation, member_state=OuterRef("pk"))
    rows = states.order_by(name_order("subregion__")).values_list(local_name("subregion__")).annotate(
        invited=Count("pk", filter=invited(consultation)),
        answered=Count("pk", filter=Q(Exists(position))),
        submitted=Count("pk", filter=Q(Exists(position.filter(status=Position.Status.SUBMITTED)))),
    )
    return [tuple(row) for row in rows]


def civil_society_by_country(consultation, countries) -> list[tuple[str, int]]:
    """Return (country name, submitted civil society responses), by name; in the countries given, if any."""
    totals = Counter()
    for (country, status, _publication), responses in response_tallies(consultation, countries=countries).items():
        if status == Position.Status.SUBMITTED:
            totals[country] += responses
    named = ((str(all_countries.name(code)) or code, total) for code, total in totals.items() if total)
    return sorted(named, key=lambda row: name_sort_key(row[0]))
