"""Synthetic responses for the demo and the benchmarks: realistic, reproducible, loaded in bulk.

Every answer row is made in memory and written with bulk_create in batches, so that the same
generator fills a demo with a few dozen positions or a benchmark with a hundred thousand.
"""

import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from surveys.models import Answer, Question, Response

from ..models import Audience, CivilSocietyOrganisation, Consultation, MemberState, Position, Publication

BATCH = 5000
# Scale answers lean positive, as they do in real consultations on a paper's recommendations.
SCALE_WEIGHTS = [0.06, 0.12, 0.25, 0.32, 0.25]
PRACTICES = {
    "fr": [
        "Un plan national d'intégration des migrants est en cours d'élaboration avec la société civile.",
        "Le manque de données ventilées par statut migratoire reste le principal obstacle.",
        "Un accord bilatéral de sécurité sociale a été signé avec deux pays de destination.",
    ],
    "en": [
        "A national migrant integration plan is being drafted with civil society.",
        "The lack of data disaggregated by migration status remains the main obstacle.",
        "A bilateral social security agreement was signed with two countries of destination.",
    ],
}
ORGANISATION_TYPES = [choice for choice, _ in CivilSocietyOrganisation.Type.choices]


@dataclass
class DemoResponses:
    positions: int = 0
    answers: int = 0

    def summary(self) -> str:
        return f"Demo responses: {self.positions} positions, {self.answers} answers."


def demo_responses_generate(*, consultation: Consultation, states: int = 40, organisations: int = 60,
                            seed: int = 2013, exclude_iso3=()) -> DemoResponses:
    """Give `states` member states and `organisations` organisations a position with answers.

    States and organisations that already have a position are left as they are, so running it
    again adds nothing.
    """
    rng = random.Random(seed)
    result = DemoResponses()
    with transaction.atomic():
        respondents = respondents_without_position(consultation, states, organisations, rng, exclude_iso3)
        for audience, respondents in respondents:
            positions, answers = positions_build(consultation, audience, respondents, rng)
            result.positions += positions
            result.answers += answers
    return result


def respondents_without_position(consultation, states, organisations, rng, exclude_iso3):
    if Position.objects.filter(consultation=consultation, member_state__isnull=False).exists():
        states = 0  # Already generated (or answered for real): add no state twice.
    member_states = list(MemberState.objects.exclude(iso3__in=exclude_iso3).order_by("iso3"))
    yield Audience.MEMBER_STATE, rng.sample(member_states, min(states, len(member_states)))
    yield Audience.CIVIL_SOCIETY, demo_organisations(consultation, organisations, rng)


def demo_organisations(consultation, count, rng):
    iso3_codes = list(MemberState.objects.values_list("iso3", flat=True))
    existing = CivilSocietyOrganisation.objects.filter(name__startswith="Demo organisation ").count()
    new = [
        CivilSocietyOrganisation(
            name=f"Demo organisation {number}",
            country=country_code(rng.choice(iso3_codes)),
            type=rng.choice(ORGANISATION_TYPES),
            accreditation=CivilSocietyOrganisation.Accreditation.ACCREDITED,
        )
        for number in range(existing + 1, count + 1)
    ]
    CivilSocietyOrganisation.objects.bulk_create(new, batch_size=BATCH)
    # NOT IN over a list holding NULL matches nothing: leave the states' positions out.
    taken = Position.objects.filter(consultation=consultation, organisation__isnull=False).values("organisation")
    return list(CivilSocietyOrganisation.objects.filter(name__startswith="Demo organisation ").exclude(pk__in=taken))


def country_code(iso3):
    from django_countries import countries

    return countries.alpha2(iso3)


def positions_build(consultation, audience, respondents, rng):
    survey = consultation.questionnaires.get(audience=audience).survey
    questions = list(Question.objects.filter(survey=survey, is_current=True).prefetch_related("choices"))
    now = timezone.now()
    responses, positions = [], []
    for respondent in respondents:
        status = rng.choices(["draft", "ready_for_review", "submitted"], [0.25, 0.15, 0.6])[0]
        if audience == Audience.CIVIL_SOCIETY and status == "ready_for_review":
            status = "submitted"
        response = Response(survey=survey, status="submitted" if status == "submitted" else "draft",
                            submitted_at=now if status == "submitted" else None, language=survey.language)
        responses.append(response)
        positions.append(position_build(consultation, audience, respondent, response, status, now, rng))
    Response.objects.bulk_create(responses, batch_size=BATCH)
    Position.objects.bulk_create(positions, batch_size=BATCH)
    answers = [answer for response in responses for answer in answers_build(response, questions, survey, rng)]
    Answer.objects.bulk_create(answers, batch_size=BATCH)
    return len(positions), len(answers)


def position_build(consultation, audience, respondent, response, status, now, rng):
    is_state = audience == Audience.MEMBER_STATE
    position = Position(
        consultation=consultation, audience=audience, response=response, status=status,
        member_state=respondent if is_state else None, organisation=None if is_state else respondent,
        publication=rng.choice(Publication.values) if not is_state else consultation.member_state_publication,
        submitted_at=now if status == "submitted" else None,
    )
    if status == "submitted":
        from .workflow import receipt_number_new

        position.receipt_number = receipt_number_new(position)
    return position


def answers_build(response, questions, survey, rng):
    for question in questions:
        if not question.required and rng.random() < 0.7:
            continue
        yield from answer_rows(response, question, survey.language, rng)


def answer_rows(response, question, language, rng):
    choices = list(question.choices.all())
    if question.type == Question.Type.SCALE:
        yield Answer(response=response, question=question, choice=rng.choices(choices, SCALE_WEIGHTS[: len(choices)])[0])
    elif question.type == Question.Type.RANKING:
        for rank, choice in enumerate(rng.sample(choices, len(choices)), start=1):
            yield Answer(response=response, question=question, choice=choice, rank=rank)
    elif choices:
        yield Answer(response=response, question=question, choice=rng.choice(choices))
    elif question.type in (Question.Type.LONG_TEXT, Question.Type.SHORT_TEXT):
        yield Answer(response=response, question=question, text=rng.choice(PRACTICES.get(language, PRACTICES["en"])))
