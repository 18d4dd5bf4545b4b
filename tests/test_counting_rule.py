"""One rule for what counts: a position counts while it is submitted, and not while it is reopened.

The stored figures (and so the summaries and the dashboard) and the raw exports apply the same
rule; for every question the number of respondents in the figures is the number of answers in
the export.
"""

import csv
import io

import pytest

from consult.models import Aggregate, Position
from consult.selectors.summaries import regional_summary
from consult.services.aggregation import aggregates_rebuild
from consult.services.exports import responses_export_csv
from consult.services.workflow import position_reopen

from .aggregation_cases import CSO, MS, build_hand_set, stored


def exported(consultation, grouping=None) -> list[dict]:
    stream = io.StringIO()
    responses_export_csv(consultation=consultation, grouping=grouping, stream=stream)
    return list(csv.DictReader(io.StringIO(stream.getvalue().lstrip("\ufeff"))))


def answered_in_export(rows: list[dict], audience: str, code: str) -> int:
    return sum(1 for row in rows if row["audience"] == audience and row.get(code, "") != "")


def assert_figures_agree_with_export(consultation, grouping=None):
    """Check that each question's respondents in the stored figures are its answers in the export."""
    rows = exported(consultation, grouping)
    figures = Aggregate.objects.filter(consultation=consultation, grouping=grouping, choice_value="")
    assert figures.exists()
    for figure in figures:
        assert figure.respondents == answered_in_export(rows, figure.audience, figure.question_code), figure


@pytest.fixture
def counted(db):
    built = build_hand_set()
    aggregates_rebuild(consultation=built.consultation)
    return built


def test_a_reopened_position_counts_nowhere_until_it_is_submitted_again(counted, officer):
    consultation = counted.consultation
    france = Position.objects.get(consultation=consultation, member_state__iso3="FRA")

    position_reopen(position=france, actor=officer, reason="The mission corrects area 1")
    aggregates_rebuild(consultation=consultation)

    priority = stored(consultation, None, MS, "1.1-priority")
    assert (priority.respondents, priority.mean) == (5, pytest.approx(14 / 5))  # France's 5 left out
    assert "France" not in [row["respondent"] for row in exported(consultation)]
    summary = regional_summary(consultation)
    assert summary.coverage.states_submitted == 5
    assert "France trains labour inspectors" not in str(summary)

    Position.objects.filter(pk=france.pk).update(status=Position.Status.SUBMITTED)  # submitted again
    aggregates_rebuild(consultation=consultation)

    assert stored(consultation, None, MS, "1.1-priority").respondents == 6
    assert "France" in [row["respondent"] for row in exported(consultation)]


@pytest.mark.parametrize("grouping_code", [None, "m49-150", "m49-002", "test-rcp"])
def test_figures_and_the_export_count_the_same_respondents(counted, officer, grouping_code):
    consultation = counted.consultation
    # A reopened state and a draft (Nigeria, in the hand-built set) are in neither.
    position_reopen(
        position=Position.objects.get(consultation=consultation, member_state__iso3="BEL"), actor=officer,
        reason="Correction",
    )
    aggregates_rebuild(consultation=consultation)

    assert_figures_agree_with_export(consultation, counted.groupings.get(grouping_code))


def test_civil_society_figures_and_export_agree(counted):
    rows = exported(counted.consultation)

    assert answered_in_export(rows, CSO, "1.1-importance") == stored(
        counted.consultation, None, CSO, "1.1-importance"
    ).respondents == 4
