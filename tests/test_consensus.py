"""The consensus ranking: each grouping's own respondents, a documented tie-break, ties said as ties."""

import pytest

from consult.selectors.consensus import Standing, consensus_ranking
from consult.selectors.summaries import regional_summary
from consult.services.aggregation import aggregates_rebuild

from .aggregation_cases import build_hand_set


def standing(code, support, full_support=None, priority=None) -> Standing:
    return Standing(code=code, text="", states=10, organisations=None, support=support, full_support=full_support,
                    priority=priority, importance=None, divergence=None, divergence_flag=False, small_cell=False)


def ranked(standings) -> list[tuple[str, int, bool]]:
    return [(entry.standing.code, entry.rank, entry.tied) for entry in consensus_ranking(standings)]


def test_support_ranks_first_then_support_without_reservations_then_priority():
    standings = [
        standing("1.1", 0.8, 0.2, 4.0),
        standing("1.2", 0.9, 0.1, 2.0),
        standing("1.3", 0.8, 0.5, 3.0),
        standing("1.4", 0.8, 0.5, 3.6),
    ]

    assert ranked(standings) == [("1.2", 1, False), ("1.4", 2, False), ("1.3", 3, False), ("1.1", 4, False)]


def test_equal_on_every_measure_is_a_tie_sharing_its_rank():
    standings = [standing("2.1", 0.75, 0.5, 3.0), standing("2.2", 0.9), standing("2.3", 0.75, 0.5, 3.0),
                 standing("2.4", 0.5)]

    assert ranked(standings) == [("2.2", 1, False), ("2.1", 2, True), ("2.3", 2, True), ("2.4", 4, False)]


def test_measures_are_compared_as_printed():
    # 80.04 % and 79.96 % both print 80.0 %: a reader sees a tie, so it is one.
    assert ranked([standing("3.1", 0.8004), standing("3.2", 0.7996)]) == [("3.1", 1, True), ("3.2", 1, True)]
    assert ranked([standing("3.1", 0.801), standing("3.2", 0.8)]) == [("3.1", 1, False), ("3.2", 2, False)]


def test_hidden_or_unasked_support_is_not_ranked():
    assert ranked([standing("4.1", None), standing("4.2", 0.6)]) == [("4.2", 1, False)]


@pytest.fixture
def counted(db):
    built = build_hand_set()
    aggregates_rebuild(consultation=built.consultation)
    return built


def regional_ranking(built, code=None):
    grouping = built.groupings[code] if code else None
    return [(entry.standing.code, entry.rank, entry.tied)
            for entry in regional_summary(built.consultation, grouping).consensus]


def test_each_grouping_is_ranked_on_its_own_respondents(counted):
    # Support (with or without reservations), then without, then priority; worked out from aggregation_cases.
    assert regional_ranking(counted) == [("1.2", 1, False), ("1.3", 2, False), ("1.1", 3, False)]
    # Europe: 1.2 and 1.3 supported by all three states without reservations, and neither has a priority: tied.
    assert regional_ranking(counted, "m49-150") == [("1.2", 1, True), ("1.3", 1, True), ("1.1", 3, False)]
    # Africa: Senegal and Ghana support 1.1 by half, 1.2 by half with reservations, 1.3 not at all.
    assert regional_ranking(counted, "m49-002") == [("1.1", 1, False), ("1.2", 2, False), ("1.3", 3, False)]
    # France, Senegal and Mexico: 1.1 and 1.3 both 2 of 3, both fully; 1.1 has a mean priority of 4.
    assert regional_ranking(counted, "test-rcp") == [("1.2", 1, False), ("1.1", 2, False), ("1.3", 3, False)]
