"""Small make_* helpers: each makes one object with sensible defaults, overridable by kwargs."""

from itertools import count

from django.contrib.auth import get_user_model

from consult.models import (
    CivilSocietyOrganisation,
    Consultation,
    Invitation,
    MemberState,
    PriorityArea,
    Recommendation,
    RegionalGrouping,
)
from surveys.models import Choice, Question, Section, Survey

sequence = count(1)

# A few real states with their UN M49 codes, region and sub-region.
STATES = {
    "FRA": ("France", "250", ("150", "Europe"), ("155", "Western Europe")),
    "SEN": ("Senegal", "686", ("002", "Africa"), ("202", "Sub-Saharan Africa")),
    "MEX": ("Mexico", "484", ("019", "Americas"), ("419", "Latin America and the Caribbean")),
    "PHL": ("Philippines", "608", ("142", "Asia"), ("035", "South-eastern Asia")),
    "JOR": ("Jordan", "400", ("142", "Asia"), ("145", "Western Asia")),
}


def make_user(username=None, password="correct horse battery staple", **kwargs):
    username = username or f"user{next(sequence)}"
    kwargs.setdefault("email", f"{username}@example.org")
    return get_user_model().objects.create_user(username=username, password=password, **kwargs)


def make_grouping(code=None, **kwargs):
    code = code or f"grouping-{next(sequence)}"
    kwargs.setdefault("name", code.replace("-", " ").title())
    kwargs.setdefault("kind", RegionalGrouping.Kind.OTHER)
    grouping, _ = RegionalGrouping.objects.get_or_create(code=code, defaults=kwargs)
    return grouping


def make_member_state(iso3="FRA", **kwargs):
    name, m49, (region_code, region_name), (sub_code, sub_name) = STATES[iso3]
    region = make_grouping(f"m49-{region_code}", name=region_name, kind=RegionalGrouping.Kind.M49_REGION)
    subregion = make_grouping(f"m49-{sub_code}", name=sub_name, kind=RegionalGrouping.Kind.M49_SUBREGION)
    defaults = {"name": name, "m49_code": m49, "region": region, "subregion": subregion, **kwargs}
    state, _ = MemberState.objects.get_or_create(iso3=iso3, defaults=defaults)
    state.groupings.add(region, subregion)
    return state


def make_invitation(consultation, member_state, **kwargs):
    """Return an invitation of the state to the consultation, unused and valid for a week unless kwargs say otherwise."""
    from datetime import timedelta

    from django.utils import timezone

    number = next(sequence)
    kwargs.setdefault("email", f"invited{number}@example.org")
    kwargs.setdefault("name", f"Invited Person {number}")
    kwargs.setdefault("token_hash", f"{number:064x}")
    kwargs.setdefault("expires_at", timezone.now() + timedelta(days=7))
    return Invitation.objects.create(consultation=consultation, member_state=member_state, **kwargs)


def make_organisation(**kwargs):
    kwargs.setdefault("name", f"Migrant Rights Network {next(sequence)}")
    kwargs.setdefault("country", "SN")
    kwargs.setdefault("type", CivilSocietyOrganisation.Type.NGO)
    return CivilSocietyOrganisation.objects.create(**kwargs)


def make_consultation(**kwargs):
    number = next(sequence)
    kwargs.setdefault("title", f"Consultation {number}")
    kwargs.setdefault("slug", f"consultation-{number}")
    kwargs.setdefault("language", "en")
    return Consultation.objects.create(**kwargs)


def make_area(consultation=None, number=1, **kwargs):
    kwargs.setdefault("title", f"Priority area {number}")
    kwargs.setdefault("headline", f"Headline recommendation of area {number}.")
    return PriorityArea.objects.create(consultation=consultation or make_consultation(), number=number, **kwargs)


def make_recommendation(area=None, position=1, **kwargs):
    kwargs.setdefault("text", f"Sub-recommendation {position}.")
    return Recommendation.objects.create(area=area or make_area(), position=position, **kwargs)


def make_paper_consultation(areas=2, recommendations=3, **kwargs):
    """Return a consultation with `areas` areas of `recommendations` recommendations each."""
    consultation = make_consultation(**kwargs)
    for number in range(1, areas + 1):
        area = make_area(consultation, number)
        for position in range(1, recommendations + 1):
            make_recommendation(area, position, text=f"Recommendation {number}.{position}.")
    return consultation


def make_survey(**kwargs):
    kwargs.setdefault("title", f"Survey {next(sequence)}")
    kwargs.setdefault("language", "en")
    return Survey.objects.create(**kwargs)


def make_question(survey=None, code=None, type=Question.Type.SINGLE_CHOICE, choices=("yes", "no"), **kwargs):
    survey = survey or make_survey()
    kwargs.setdefault("section", Section.objects.get_or_create(survey=survey, code="1", defaults={"title": "One"})[0])
    kwargs.setdefault("text", "What do you think?")
    question = Question.objects.create(survey=survey, code=code or f"q{next(sequence)}", type=type, **kwargs)
    for order, value in enumerate(choices):
        Choice.objects.create(question=question, value=value, label=value.title(), order=order)
    return question


def make_open_consultation(areas=2, recommendations=2, **kwargs):
    """Return an open consultation with its questions generated for both audiences."""
    from consult.services.questions import questions_generate

    kwargs.setdefault("status", Consultation.Status.OPEN)
    consultation = make_paper_consultation(areas=areas, recommendations=recommendations, **kwargs)
    questions_generate(consultation=consultation)
    return consultation


def make_text_answer(consultation, respondent, code, text, *, publication="attributed", submitted=True):
    """Give the respondent (a state or an organisation) a position answering the text question `code`."""
    from django.utils import timezone

    from consult.models import Position
    from surveys.models import Answer, Response

    audience = "member_state" if isinstance(respondent, MemberState) else "civil_society"
    survey = consultation.questionnaires.get(audience=audience).survey
    position = Position.objects.filter(consultation=consultation, **{respondent_field(respondent): respondent}).first()
    if position is None:
        response = Response.objects.create(
            survey=survey, status="submitted" if submitted else "draft",
            submitted_at=timezone.now() if submitted else None,
        )
        position = Position.objects.create(
            consultation=consultation, audience=audience, response=response, publication=publication,
            status="submitted" if submitted else "draft", **{respondent_field(respondent): respondent},
        )
    question = survey.questions.get(code=code, is_current=True)
    return Answer.objects.create(response=position.response, question=question, text=text)


def respondent_field(respondent) -> str:
    return "member_state" if isinstance(respondent, MemberState) else "organisation"
