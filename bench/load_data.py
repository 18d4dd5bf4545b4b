"""Respondents for the load test: civil society representatives with draft responses ready to submit.

Each virtual respondent is one user who represents many accredited organisations, so that one
login serves many submissions (a login costs a deliberately slow password hash). Every
organisation has a draft response to the civil society questionnaire with all its areas answered
but one: the load client answers that area through its page, then submits.

The drafts are written in bulk: one template response is saved through the real services, then
its answers and saved pages are copied in SQL to every draft, leaving out the open area.
"""

import random
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_countries import countries

from consult.models import (
    Audience,
    CivilSocietyOrganisation,
    CivilSocietyRepresentative,
    Consultation,
    MemberState,
    Position,
    PositionEvent,
)
from surveys.forms import form_data, section_form
from surveys.models import Answer, Question, Response, ResponseSection
from surveys.selectors import section_questions, survey_sections
from surveys.services import response_section_save

CONSULTATION_SLUG = "hld-2013"
NAME_PREFIX = "Bench load"
PRACTICE = (
    "Notre organisation accompagne les travailleurs migrants de retour ; un guichet unique avec les "
    "autorités locales a réduit de moitié les délais d'accès aux services."
)
BATCH = 5000


@dataclass
class Respondent:
    username: str
    password: str
    positions: list[tuple[str, str]] = field(default_factory=list)  # (position id, open area code)


@dataclass
class LoadPlan:
    """What the load client needs: who logs in, which drafts they submit, what each area page posts."""

    tag: str
    respondents: list[Respondent]
    forms: dict[str, list[tuple[str, str]]]

    def as_json(self) -> dict:
        return {
            "respondents": [
                {"username": r.username, "password": r.password, "positions": r.positions} for r in self.respondents
            ],
            "forms": self.forms,
        }


def consultation_for_load() -> Consultation:
    return Consultation.objects.get(slug=CONSULTATION_SLUG)


def load_plan_create(*, kind: str, respondents: int, positions_each: int, seed: int = 2013) -> LoadPlan:
    """Create `respondents` users, each representing `positions_each` organisations with a draft to submit."""
    consultation = consultation_for_load()
    survey = consultation.questionnaires.get(audience=Audience.CIVIL_SOCIETY).survey
    rng = random.Random(seed)
    sections = survey_sections(survey)
    pages = {section.code: page_values(section, rng) for section in sections}
    tag = f"{timezone.now():%Y%m%d%H%M%S}-{kind}-{secrets.token_hex(2)}"
    password = secrets.token_urlsafe(18)
    with transaction.atomic():
        users = users_create(tag, respondents, password)
        drafts = drafts_create(consultation, survey, tag, users, positions_each, sections)
        template = template_response(survey, sections, pages, users[0])
        drafts_fill(template, drafts)
        template.delete()
    tables_analyse()
    plan = LoadPlan(tag=tag, respondents=[], forms={code: page.post for code, page in pages.items()})
    for user in users:
        mine = [(str(position_id), code) for position_id, user_id, code in drafts if user_id == user.pk]
        plan.respondents.append(Respondent(username=user.username, password=password, positions=mine))
    return plan


@dataclass
class PageValues:
    """One area page as a browser posts it (`post`) and as the form cleans it (`cleaned`)."""

    post: list[tuple[str, str]]
    cleaned: dict


def page_values(section, rng) -> PageValues:
    questions = section_questions(section)
    values = {question.code: answer_value(question, rng) for question in questions}
    data = form_data(questions, values)
    form = section_form(questions, data=data)
    if not form.is_valid():
        raise RuntimeError(f"The load client's answers to area {section.code} are invalid: {form.errors}")
    post = [(name, value) for name, values in data.lists() for value in values]
    return PageValues(post=post, cleaned=form.cleaned_data)


def answer_value(question: Question, rng):
    """Return an answer as the form builder expects it: a choice value, a list, a ranking or a text."""
    choices = [choice.value for choice in question.choices.all()]
    if question.type == Question.Type.MULTIPLE_CHOICE:
        return rng.sample(choices, k=rng.randint(1, len(choices)))
    if question.type == Question.Type.RANKING:
        order = rng.sample(choices, k=len(choices))
        return {value: rank for rank, value in enumerate(order, start=1)}
    if choices:
        return rng.choice(choices)
    if question.type == Question.Type.NUMBER:
        return rng.randint(0, 1000)
    if question.type == Question.Type.SHORT_TEXT:
        return PRACTICE[: question.max_length or 120]
    return PRACTICE


def users_create(tag: str, count: int, password: str) -> list:
    User = get_user_model()
    # One hash for all: hashing is slow on purpose, and the users share the password.
    hashed = make_password(password)
    User.objects.bulk_create(
        User(username=f"bench-{tag}-{number:03d}", email=f"bench-{tag}-{number:03d}@example.org", password=hashed)
        for number in range(1, count + 1)
    )
    return list(User.objects.filter(username__startswith=f"bench-{tag}-").order_by("username"))


def drafts_create(consultation, survey, tag, users, positions_each, sections) -> list[tuple]:
    """Create the organisations and their draft responses; return (position id, user id, open area)."""
    alpha2 = organisation_countries()
    organisations = [
        CivilSocietyOrganisation(
            name=f"{NAME_PREFIX} {tag} {user_index:03d}-{number:05d}",
            country=alpha2[(user_index * positions_each + number) % len(alpha2)],
            type=CivilSocietyOrganisation.Type.NGO,
            accreditation=CivilSocietyOrganisation.Accreditation.ACCREDITED,
        )
        for user_index, _user in enumerate(users)
        for number in range(positions_each)
    ]
    CivilSocietyOrganisation.objects.bulk_create(organisations, batch_size=BATCH)
    organisations = CivilSocietyOrganisation.objects.filter(name__startswith=f"{NAME_PREFIX} {tag} ")
    organisations = list(organisations.order_by("name"))
    CivilSocietyRepresentative.objects.bulk_create(
        (
            CivilSocietyRepresentative(user=users[index // positions_each], organisation=organisation)
            for index, organisation in enumerate(organisations)
        ),
        batch_size=BATCH,
    )
    responses = [Response(survey=survey) for _organisation in organisations]
    Response.objects.bulk_create(responses, batch_size=BATCH)
    positions = [
        Position(
            consultation=consultation, audience=Audience.CIVIL_SOCIETY, organisation=organisation, response=response
        )
        for organisation, response in zip(organisations, responses)
    ]
    Position.objects.bulk_create(positions, batch_size=BATCH)
    PositionEvent.objects.bulk_create(
        (
            PositionEvent(position=position, actor=users[index // positions_each], action=PositionEvent.Action.CREATED)
            for index, position in enumerate(positions)
        ),
        batch_size=BATCH,
    )
    return [
        (position.pk, users[index // positions_each].pk, sections[index % len(sections)], position.response_id)
        for index, position in enumerate(positions)
    ]


def organisation_countries() -> list[str]:
    """Return the member states' alpha-2 codes, region by region, so the load touches every region."""
    states = MemberState.objects.select_related("region").order_by("region__code", "iso3")
    return [code for code in (countries.alpha2(state.iso3) for state in states) if code]


def template_response(survey, sections, pages, user) -> Response:
    """Save one response with every area answered, through the real service."""
    response = Response.objects.create(survey=survey)
    for section in sections:
        response_section_save(
            response=response, section=section, cleaned_data=pages[section.code].cleaned, expected_version=0, user=user
        )
    return response


COPY_ANSWERS = """
INSERT INTO surveys_answer (response_id, question_id, choice_id, rank, number, text)
SELECT d.response_id, a.question_id, a.choice_id, a.rank, a.number, a.text
FROM unnest(%s::uuid[], %s::bigint[]) AS d(response_id, open_section_id)
JOIN surveys_answer a ON a.response_id = %s
JOIN surveys_question q ON q.id = a.question_id
WHERE q.section_id <> d.open_section_id
"""

COPY_PAGES = """
INSERT INTO surveys_responsesection (response_id, section_id, version, saved_at, saved_by_id, is_complete)
SELECT d.response_id, p.section_id, 1, p.saved_at, d.user_id, p.is_complete
FROM unnest(%s::uuid[], %s::bigint[], %s::bigint[]) AS d(response_id, open_section_id, user_id)
JOIN surveys_responsesection p ON p.response_id = %s
WHERE p.section_id <> d.open_section_id
"""


def tables_analyse() -> None:
    """Refresh the planner's statistics of the tables just filled in bulk, as after any bulk load.

    Without it the planner takes thousands of new rows for a handful and picks nested loops that
    make a recount of the consultation take minutes instead of seconds.
    """
    models = (
        CivilSocietyOrganisation, CivilSocietyRepresentative, Response, Position, PositionEvent, Answer, ResponseSection,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models))


def drafts_fill(template: Response, drafts: list[tuple]) -> None:
    """Copy the template's answers and saved pages to every draft, except its open area."""
    for start in range(0, len(drafts), BATCH):
        batch = drafts[start : start + BATCH]
        response_ids = [str(response_id) for _position, _user, _section, response_id in batch]
        open_sections = [section.pk for _position, _user, section, _response in batch]
        user_ids = [user_id for _position, user_id, _section, _response in batch]
        with connection.cursor() as cursor:
            cursor.execute(COPY_ANSWERS, [response_ids, open_sections, str(template.pk)])
            cursor.execute(COPY_PAGES, [response_ids, open_sections, user_ids, str(template.pk)])
    drafts[:] = [(position_id, user_id, section.code) for position_id, user_id, section, _response in drafts]
