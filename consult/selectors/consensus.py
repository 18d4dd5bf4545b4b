"""Where a grouping's governments and civil society stand on each recommendation, and the consensus ranking.

The definitions every summary's method note states:

- *Support*: the share of the grouping's member states answering a recommendation's support
  question that support it, with or without reservations; *full support*, without.
- *Divergence*: |mean rating by member states - mean rating by civil society| on their 1-5
  scale questions (see summaries.divergence), flagged from 1.0.
- *Consensus ranking*: the recommendations of the grouping ordered by support, ties broken by
  full support, then by the member states' mean priority. Measures are compared as the
  reports print them (shares to 0.1 %, means to 0.1): recommendations equal on all three share
  a rank, and are said to be tied. A recommendation whose support is hidden (too few
  respondents) or unasked is not ranked.

Everything here reads a `Summary`'s figures: nothing is counted again.
"""

from dataclasses import dataclass

from surveys.models import Question

from ..models import Audience
from .aggregates import SUPPORT_VALUES

FULL_SUPPORT = "support"


@dataclass
class Standing:
    """A recommendation's headline figures in one grouping; None where hidden or not asked."""

    code: str
    text: str
    states: int | None  # member states answering its support question (or its priority one)
    organisations: int | None  # organisations answering its importance question
    support: float | None
    full_support: float | None
    priority: float | None  # member states' mean rating, 1-5
    importance: float | None  # civil society's mean rating, 1-5
    divergence: float | None
    divergence_flag: bool
    small_cell: bool  # some figure comes from fewer respondents than the threshold (internal view)


@dataclass
class Ranked:
    rank: int
    tied: bool
    standing: Standing


def standing_of(recommendation) -> Standing:
    """Return the recommendation's standing from its figures (a summaries.RecommendationSummary)."""
    priority = first_scale(recommendation.member_states)
    importance = first_scale(recommendation.civil_society)
    support = support_figure(recommendation.member_states)
    shown = [figure for figure in (priority, importance, support) if figure is not None]
    return Standing(
        code=recommendation.code,
        text=recommendation.text,
        states=(support or priority).respondents if (support or priority) else None,
        organisations=importance.respondents if importance else None,
        support=share_of(support, SUPPORT_VALUES),
        full_support=share_of(support, (FULL_SUPPORT,)),
        priority=priority.mean if priority else None,
        importance=importance.mean if importance else None,
        divergence=recommendation.divergence,
        divergence_flag=recommendation.divergence_flag,
        small_cell=any(figure.suppressed for figure in shown),
    )


def first_scale(figures):
    return next((figure for figure in figures if figure.type == Question.Type.SCALE), None)


def support_figure(figures):
    """Return the member states' support question among the figures, if asked."""
    return next((figure for figure in figures if is_support(figure)), None)


def is_support(figure) -> bool:
    return (
        figure.audience == Audience.MEMBER_STATE
        and figure.type != Question.Type.RANKING
        and any(choice.value == FULL_SUPPORT for choice in figure.choices)
    )


def share_of(figure, values) -> float | None:
    """Return the share answering one of the values; None when nobody answered or the cell is hidden."""
    if figure is None or not figure.respondents:
        return None
    shares = [choice.share for choice in figure.choices if choice.value in values]
    if any(share is None for share in shares):
        return None
    return sum(shares)


def consensus_ranking(standings: list[Standing]) -> list[Ranked]:
    """Return the standings with support, ranked by the rule above; equals share a rank."""
    ranked = [standing for standing in standings if standing.support is not None]
    return [Ranked(rank, tied, standing) for rank, tied, standing in ranks(ranked, consensus_key)]


def consensus_key(standing: Standing) -> tuple:
    return (printed_share(standing.support), printed_share(standing.full_support), printed_mean(standing.priority))


def ranks(items: list, key) -> list[tuple[int, bool, object]]:
    """Return (rank, tied, item), highest key first; items of equal key share the rank ("1, 2, 2, 4")."""
    ordered = sorted(items, key=key, reverse=True)
    keys = [key(item) for item in ordered]
    result = []
    for index, item in enumerate(ordered):
        rank = keys.index(keys[index]) + 1
        result.append((rank, keys.count(keys[index]) > 1, item))
    return result


def printed_share(share: float | None) -> int:
    """Return the share as the reports print it, in tenths of a percent (-1 when missing)."""
    return -1 if share is None else round(share * 1000)


def printed_mean(mean: float | None) -> int:
    """Return a 1-5 mean as the reports print it, in tenths (-1 when missing)."""
    return -1 if mean is None else round(mean * 10)
