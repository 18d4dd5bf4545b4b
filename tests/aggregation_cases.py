"""A hand-built set of responses and the figures worked out by hand from it.

Three recommendations (1.1, 1.2, 1.3) in one area. Member states: France, Germany and Belgium
in Europe (Western Europe), Senegal and Ghana in Africa (Sub-Saharan Africa), Mexico alone
in the Americas, and Nigeria (Africa) with a draft that must never count. The custom
grouping "test-rcp" holds France, Senegal and Mexico. Civil society: organisations in
France, Senegal, Germany and Palestine (not a member state: world figures only), and a
draft from France. The consultation hides cells of fewer than 2 respondents.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from consult.models import Aggregate, Audience, Invitation, MemberState, Position, Publication, RegionalGrouping
from surveys.models import Answer, Question, Response
from surveys.services import response_submit

from .factories import make_grouping, make_member_state, make_open_consultation, make_organisation

MS, CSO = Audience.MEMBER_STATE, Audience.CIVIL_SOCIETY
S, SWR, DNS = "support", "support_with_reservations", "do_not_support"
CONFIDENTIAL_TEXT = "CONFIDENTIAL-never-shown"
DRAFT_TEXT = "DRAFT-never-shown"

# iso3, like (whose region and sub-region it shares), publication, submitted, answers
STATE_ANSWERS = [
    ("FRA", None, Publication.ATTRIBUTED, True, {
        "1.1-priority": "5", "1.1-support": S, "1.2-support": S, "1.3-support": S,
        "1.1-implementation": "implemented", "1-ranking": {"1.1": 1, "1.2": 2, "1.3": 3},
        "1.1-practices": "France trains labour inspectors on migrants' rights.",
    }),
    ("DEU", "FRA", Publication.CONFIDENTIAL, True, {
        "1.1-priority": "4", "1.1-support": SWR, "1.2-support": S, "1.3-support": S,
        "1.1-implementation": "in_progress", "1-ranking": {"1.2": 1, "1.1": 2, "1.3": 3},
        "1.1-practices": CONFIDENTIAL_TEXT,
    }),
    ("BEL", "FRA", Publication.ATTRIBUTED, True, {
        "1.1-priority": "2", "1.1-support": DNS, "1.2-support": S, "1.3-support": S,
        "1.1-implementation": "planned",
    }),
    ("SEN", None, Publication.ANONYMOUS, True, {
        "1.1-priority": "3", "1.1-support": S, "1.2-support": SWR, "1.3-support": DNS,
        "1.1-implementation": "not_started", "1-ranking": {"1.1": 1, "1.3": 2, "1.2": 3},
        "1.1-practices": "A one-stop centre advises returning migrants.",
    }),
    ("GHA", "SEN", Publication.ATTRIBUTED, True, {
        "1.1-priority": "1", "1.1-support": DNS, "1.2-support": DNS, "1.3-support": DNS,
        "1.1-implementation": "not_started",
    }),
    ("MEX", None, Publication.ATTRIBUTED, True, {
        "1.1-priority": "4", "1.1-support": DNS, "1.2-support": S, "1.3-support": S,
        "1.1-implementation": "implemented",
    }),
    ("NGA", "SEN", Publication.ATTRIBUTED, False, {
        "1.1-priority": "5", "1.1-support": S, "1.2-support": S, "1.3-support": S,
        "1.1-implementation": "implemented", "1-ranking": {"1.3": 1, "1.2": 2, "1.1": 3},
        "1.1-practices": DRAFT_TEXT,
    }),
]
# name, country, publication, submitted, answers
ORGANISATION_ANSWERS = [
    ("Voices of France", "FR", Publication.ATTRIBUTED, True,
     {"1.1-importance": "2", "1.1-own_work": "We run a legal clinic for migrant workers."}),
    ("Dakar Diaspora", "SN", Publication.ANONYMOUS, True,
     {"1.1-importance": "1", "1.1-own_work": "We map remittance costs each quarter."}),
    ("Berlin Helpdesk", "DE", Publication.CONFIDENTIAL, True,
     {"1.1-importance": "2", "1.1-own_work": CONFIDENTIAL_TEXT}),
    ("Ramallah Network", "PS", Publication.ATTRIBUTED, True, {"1.1-importance": "5"}),
    ("Lyon Draft Group", "FR", Publication.ATTRIBUTED, False, {"1.1-importance": "5", "1.1-own_work": DRAFT_TEXT}),
]
NAMES = {"DEU": ("Germany", "276"), "BEL": ("Belgium", "056"), "GHA": ("Ghana", "288"), "NGA": ("Nigeria", "566"),
         "CIV": ("Côte d'Ivoire", "384")}


@dataclass
class HandBuilt:
    consultation: object
    groupings: dict = field(default_factory=dict)
    to_submit: list = field(default_factory=list)  # responses left in draft, to be submitted by the test


def build_hand_set(*, submit_later: bool = False) -> HandBuilt:
    """Make the consultation and its responses; with submit_later, those to count stay drafts for the test to submit."""
    consultation = make_open_consultation(areas=1, recommendations=3, small_cell_threshold=2)
    built = HandBuilt(consultation)
    states = {}
    for iso3, like, publication, submitted, answers in STATE_ANSWERS:
        states[iso3] = make_state(iso3, states.get(like))
        response = respond(consultation, states[iso3], answers, publication, submitted and not submit_later)
        if submitted and submit_later:
            built.to_submit.append(response)
    for name, country, publication, submitted, answers in ORGANISATION_ANSWERS:
        organisation = make_organisation(name=name, country=country, accreditation="accredited")
        response = respond(consultation, organisation, answers, publication, submitted and not submit_later)
        if submitted and submit_later:
            built.to_submit.append(response)
    # Côte d'Ivoire is invited but has not answered.
    Invitation.objects.create(
        consultation=consultation, member_state=make_state("CIV", states["SEN"]), email="civ@example.org", name="Focal point",
        token_hash="civ-token", expires_at=timezone.now() + timedelta(days=7),
    )
    rcp = make_grouping("test-rcp", name="Test RCP", kind=RegionalGrouping.Kind.RCP)
    rcp.members.add(states["FRA"], states["SEN"], states["MEX"])
    built.groupings = {grouping.code: grouping for grouping in RegionalGrouping.objects.all()}
    return built


def make_state(iso3, like=None):
    if like is None:
        return make_member_state(iso3)
    name, m49 = NAMES[iso3]
    state = MemberState.objects.create(iso3=iso3, name=name, m49_code=m49, region=like.region, subregion=like.subregion)
    state.groupings.add(like.region, like.subregion)
    return state


def respond(consultation, respondent, answers, publication, submitted):
    """Give the respondent a position whose response holds the answers, submitted or draft."""
    audience = MS if isinstance(respondent, MemberState) else CSO
    survey = consultation.questionnaires.get(audience=audience).survey
    response = Response.objects.create(
        survey=survey, status="submitted" if submitted else "draft", submitted_at=timezone.now() if submitted else None
    )
    Position.objects.create(
        consultation=consultation, audience=audience, response=response, publication=publication,
        status="submitted" if submitted else "draft",
        **({"member_state": respondent} if audience == MS else {"organisation": respondent}),
    )
    for code, value in answers.items():
        question = survey.questions.get(code=code, is_current=True)
        Answer.objects.bulk_create(answer_rows(response, question, value))
    return response


def submit(response):
    """Submit a draft response as the workflow does: then its position, in the same transaction."""
    with transaction.atomic():
        response = response_submit(response=response)
        Position.objects.filter(response=response).update(status=Position.Status.SUBMITTED)
        return response


def answer_rows(response, question, value):
    if question.type == Question.Type.RANKING:
        return [Answer(response=response, question=question, choice=question.choices.get(value=item), rank=rank)
                for item, rank in value.items()]
    if question.type == Question.Type.LONG_TEXT:
        return [Answer(response=response, question=question, text=value)]
    return [Answer(response=response, question=question, choice=question.choices.get(value=value))]


# (grouping code or None for the world, audience, question) -> respondents, {choice: count}, mean, median.
# Shares are count / respondents; choices not listed were chosen by nobody.
EXPECTED = {
    # 5, 4, 2, 3, 1, 4 (Nigeria's draft 5 left out): mean 19/6; sorted 1 2 3 4 4 5, median (3 + 4) / 2.
    (None, MS, "1.1-priority"): (6, {"1": 1, "2": 1, "3": 1, "4": 2, "5": 1}, 19 / 6, 3.5),
    ("m49-150", MS, "1.1-priority"): (3, {"2": 1, "4": 1, "5": 1}, 11 / 3, 4.0),
    ("m49-155", MS, "1.1-priority"): (3, {"2": 1, "4": 1, "5": 1}, 11 / 3, 4.0),
    ("m49-002", MS, "1.1-priority"): (2, {"1": 1, "3": 1}, 2.0, 2.0),
    ("m49-019", MS, "1.1-priority"): (1, {"4": 1}, 4.0, 4.0),
    ("test-rcp", MS, "1.1-priority"): (3, {"3": 1, "4": 1, "5": 1}, 4.0, 4.0),
    (None, MS, "1.1-support"): (6, {S: 2, SWR: 1, DNS: 3}, None, None),
    ("m49-150", MS, "1.1-support"): (3, {S: 1, SWR: 1, DNS: 1}, None, None),
    ("m49-002", MS, "1.1-support"): (2, {S: 1, DNS: 1}, None, None),
    (None, MS, "1.2-support"): (6, {S: 4, SWR: 1, DNS: 1}, None, None),
    (None, MS, "1.1-implementation"): (
        6, {"implemented": 2, "in_progress": 1, "planned": 1, "not_started": 2}, None, None
    ),
    ("m49-002", MS, "1.1-implementation"): (2, {"not_started": 2}, None, None),
    (None, MS, "1.1-practices"): (3, {}, None, None),
    # 2, 1, 2, 5 (Palestine counts in the world only; the draft 5 never): mean 10/4, median (2 + 2) / 2.
    (None, CSO, "1.1-importance"): (4, {"1": 1, "2": 2, "5": 1}, 2.5, 2.0),
    ("m49-150", CSO, "1.1-importance"): (2, {"2": 2}, 2.0, 2.0),
    ("m49-002", CSO, "1.1-importance"): (1, {"1": 1}, 1.0, 1.0),
    ("test-rcp", CSO, "1.1-importance"): (2, {"1": 1, "2": 1}, 1.5, 1.5),
    (None, CSO, "1.1-own_work"): (3, {}, None, None),
}
# (grouping, audience) -> respondents, {item: (mean rank, first-place share)} of the ranking "1-ranking".
EXPECTED_RANKING = {
    # France 1.1 1.2 1.3, Germany 1.2 1.1 1.3, Senegal 1.1 1.3 1.2.
    (None, MS): (3, {"1.1": (4 / 3, 2 / 3), "1.2": (6 / 3, 1 / 3), "1.3": (8 / 3, 0.0)}),
    ("m49-150", MS): (2, {"1.1": (1.5, 0.5), "1.2": (1.5, 0.5), "1.3": (3.0, 0.0)}),
    ("m49-002", MS): (1, {"1.1": (1.0, 1.0), "1.2": (3.0, 0.0), "1.3": (2.0, 0.0)}),
}
# No figures where nobody of the audience answered.
EXPECTED_ABSENT = [("m49-019", CSO, "1.1-importance"), (None, MS, "1-overall"), ("m49-019", MS, "1.1-practices")]


def stored(consultation, grouping_code, audience, code, value=""):
    where = {"grouping__code": grouping_code} if grouping_code else {"grouping": None}
    rows = Aggregate.objects.filter(consultation=consultation, audience=audience, question_code=code, **where)
    return rows.filter(choice_value=value).first()


def assert_hand_figures(consultation):
    """Check every stored figure of the hand-built set against the values worked out above."""
    for (grouping, audience, code), (respondents, counts, mean, median) in EXPECTED.items():
        row = stored(consultation, grouping, audience, code)
        assert (row.respondents, row.mean, row.median) == (respondents, approx(mean), approx(median)), (grouping, code)
        question = Question.objects.get(survey__questionnaire__consultation=consultation, code=code, is_current=True)
        for choice in question.choices.all():
            count = counts.get(choice.value, 0)
            figure = stored(consultation, grouping, audience, code, choice.value)
            assert (figure.respondents, figure.count) == (respondents, count), (grouping, code, choice.value)
            assert figure.share == pytest.approx(count / respondents)
            assert (figure.mean_rank, figure.first_place_share) == (None, None)
    for (grouping, audience), (respondents, items) in EXPECTED_RANKING.items():
        assert stored(consultation, grouping, audience, "1-ranking").respondents == respondents
        for item, (mean_rank, first_place_share) in items.items():
            figure = stored(consultation, grouping, audience, "1-ranking", item)
            assert (figure.count, figure.share) == (respondents, 1.0)
            assert (figure.mean_rank, figure.first_place_share) == (approx(mean_rank), approx(first_place_share))
    for grouping, audience, code in EXPECTED_ABSENT:
        assert stored(consultation, grouping, audience, code) is None


def approx(value):
    return None if value is None else pytest.approx(value)
