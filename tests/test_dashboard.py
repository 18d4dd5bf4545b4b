"""The secretariat's dashboard: coverage, the stored figures per recommendation, consensus, reports."""

import re

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from django.utils import timezone

from consult.models import Aggregate, Audience, Recommendation, RegionalCoordinator, Report
from consult.selectors.aggregates import SUPPORT_VALUES
from consult.selectors.summaries import regional_summary
from consult.services.aggregation import aggregates_rebuild
from consult.services.demo_responses import demo_responses_generate
from consult.services.positions import position_for
from consult.services.stakeholders import member_states_load
from surveys.models import Question

from .factories import make_grouping, make_invitation, make_member_state

pytestmark = pytest.mark.django_db


def dashboard_url(consultation):
    return reverse("consult:dashboard", args=[consultation.slug])


def with_responses(consultation, states=5, organisations=5, seed=2013):
    demo_responses_generate(consultation=consultation, states=states, organisations=organisations, seed=seed)
    aggregates_rebuild(consultation=consultation)


def recommendation_row(content: str, code: str) -> str:
    match = re.search(rf'<tr data-recommendation="{re.escape(code)}">(.*?)</tr>', content, re.S)
    assert match, f"no row for {code}"
    return match.group(1)


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def world_row(consultation, audience, code, value=""):
    return Aggregate.objects.filter(
        consultation=consultation, grouping=None, audience=audience, question_code=code, choice_value=value
    ).first()


def first_question(consultation, reference, audience, **filters):
    questions = Question.objects.filter(
        survey__questionnaire__consultation=consultation, survey__questionnaire__audience=audience,
        is_current=True, reference=reference, **filters,
    )
    return questions.order_by("order", "code").first()


def expected_figures(consultation, code):
    """Work out from the stored aggregate rows what the dashboard should show for a recommendation."""
    priority_question = first_question(consultation, code, Audience.MEMBER_STATE, type=Question.Type.SCALE)
    importance_question = first_question(consultation, code, Audience.CIVIL_SOCIETY, type=Question.Type.SCALE)
    support_question = first_question(
        consultation, code, Audience.MEMBER_STATE, choices__value="support"
    )
    priority = world_row(consultation, Audience.MEMBER_STATE, priority_question.code)
    importance = world_row(consultation, Audience.CIVIL_SOCIETY, importance_question.code)
    support = world_row(consultation, Audience.MEMBER_STATE, support_question.code)
    supporters = sum(
        row.count
        for value in SUPPORT_VALUES
        if (row := world_row(consultation, Audience.MEMBER_STATE, support_question.code, value))
    )
    gap = round(abs(priority.mean - importance.mean), 6)
    return {
        "priority": floatformat(priority.mean, 2),
        "support": f"{round(supporters / support.respondents * 100)} %",
        "states": str(support.respondents),
        "importance": floatformat(importance.mean, 2),
        "organisations": str(importance.respondents),
        "divergence": floatformat(gap, 2),
        "flagged": gap >= 1.0,
    }


def test_dashboard_shows_the_stored_figures(client, officer, consultation):
    member_states_load()
    with_responses(consultation)
    client.force_login(officer)

    response = client.get(dashboard_url(consultation))

    assert response.status_code == 200
    content = response.content.decode()
    codes = list(
        Recommendation.objects.filter(area__consultation=consultation, status=Recommendation.Status.ACTIVE)
        .order_by("area__number", "position").values_list("code", flat=True)
    )
    assert codes
    for code in codes:
        expected = expected_figures(consultation, code)
        shown = cells(recommendation_row(content, code))
        assert shown[:5] == [expected[name] for name in ("priority", "support", "states", "importance", "organisations")]
        assert shown[5].startswith(expected["divergence"])
        # The flag is a word, not a colour only.
        assert ("Divergent" in shown[5]) == expected["flagged"]
    # Coverage: five member states submitted, all in the table's totals.
    statuses = [value for value, _label in response.context["statuses"]]
    assert response.context["totals"].counts[statuses.index("submitted")] == 5
    assert "Member states by region and status" in content
    assert "Consensus ranking" in content
    assert len(response.context["consensus"]) == min(10, len(codes))
    for link in (
        reverse("consult:report-list", args=[consultation.slug]),
        reverse("consult:coverage", args=[consultation.slug]),
        reverse("consult:summary", args=[consultation.slug]),
        reverse("consult:responses-export", args=[consultation.slug, "csv"]),
        reverse("consult:responses-export", args=[consultation.slug, "xlsx"]),
    ):
        assert f'href="{link}"' in content


def test_dashboard_lists_the_latest_reports_with_downloads_when_ready(client, officer, consultation):
    africa = make_grouping("m49-002", name="Africa")
    done = Report.objects.create(
        consultation=consultation, grouping=africa, format=Report.Format.PDF, language="fr",
        status=Report.Status.DONE,
    )
    pending = Report.objects.create(consultation=consultation, format=Report.Format.HTML, status=Report.Status.PENDING)
    client.force_login(officer)

    content = client.get(dashboard_url(consultation)).content.decode()

    assert reverse("consult:report-download", args=[done.pk]) in content
    assert reverse("consult:report-download", args=[pending.pk]) not in content
    assert "Africa" in content and "Ready" in content and "Waiting" in content
    assert "lang=\"fr\">français<" in content.lower()


def query_count(client, consultation) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(dashboard_url(consultation)).status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_positions(client, officer, consultation):
    member_states_load()
    africa = make_grouping("m49-002")
    for status in Report.Status.values:
        Report.objects.create(consultation=consultation, grouping=africa, format=Report.Format.HTML, status=status)
    client.force_login(officer)
    with_responses(consultation, states=2, organisations=2, seed=1)
    few = query_count(client, consultation)

    with_responses(consultation, states=0, organisations=12, seed=2)
    Report.objects.create(consultation=consultation, format=Report.Format.PDF, status=Report.Status.DONE)
    many = query_count(client, consultation)

    assert many == few


@pytest.mark.parametrize("person", ["focal_point_france", "civil_society_rep", "outsider"])
def test_only_the_secretariat_and_coordinators_see_the_dashboard(client, consultation, person, request):
    client.force_login(request.getfixturevalue(person))

    assert client.get(dashboard_url(consultation)).status_code == 403
    detail = client.get(consultation.get_absolute_url()).content.decode()
    assert dashboard_url(consultation) not in detail


def test_a_coordinator_sees_the_dashboard_of_their_region_only(client, consultation, france, senegal, coordinator_africa):
    client.force_login(coordinator_africa)

    response = client.get(dashboard_url(consultation))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Dashboard: Africa</h1>" in page
    assert "Senegal: Not invited" in page and "France" not in page
    assert reverse("consult:summary", args=[consultation.slug, "m49-002"]) in page
    assert reverse("consult:responses-export", args=[consultation.slug, "csv"]) not in page
    assert f'href="{dashboard_url(consultation)}"' in client.get(consultation.get_absolute_url()).content.decode()


def test_a_coordinator_of_two_regions_switches_between_them(client, consultation, france, senegal, coordinator_africa):
    RegionalCoordinator.objects.create(user=coordinator_africa, grouping=make_grouping("m49-150"))
    client.force_login(coordinator_africa)

    europe = client.get(dashboard_url(consultation), {"region": "m49-150"}).content.decode()
    elsewhere = client.get(dashboard_url(consultation), {"region": "m49-019"}).content.decode()

    assert "<h1>Dashboard: Europe</h1>" in europe and "France: " in europe and "Senegal" not in europe
    assert "<h1>Dashboard: Africa</h1>" in elsewhere  # A region they do not coordinate shows their first.


def key_figure(page: str, label: str) -> int:
    return int(re.search(rf'<th scope="row" class="text-start">{label}</th><td>([\d,]+)</td>', page).group(1))


def test_the_dashboard_counts_invited_states_as_the_world_summary_does(
    client, officer, consultation, france, focal_point_senegal
):
    position_for(consultation=consultation, member_state=france, actor=officer)  # A position: invited.
    make_invitation(consultation, make_member_state("MEX"))  # Waiting for an answer.
    make_invitation(consultation, make_member_state("PHL"), accepted_at=timezone.now())  # Accepted; nobody acts for it now.
    make_invitation(consultation, make_member_state("JOR"), revoked_at=timezone.now())  # Revoked: not invited.
    client.force_login(officer)

    page = client.get(dashboard_url(consultation)).content.decode()

    assert regional_summary(consultation, None, internal=True).coverage.states_invited == 4
    assert key_figure(page, "Member states invited") == 4
    totals = cells(re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1))
    assert (int(totals[0]), int(totals[-1])) == (1, 5)  # Not invited, and all states: 5 - 1 invited.
    assert "Invited, no focal point yet" in page
