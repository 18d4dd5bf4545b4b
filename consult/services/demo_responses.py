"""Synthetic responses for the demo and the benchmarks: realistic, reproducible, loaded in bulk.

Every answer row is made in memory and written with bulk_create in batches, so that the same
generator fills a demo with a few dozen positions or a benchmark with a hundred thousand.

Answers are drawn around leanings that differ by audience and by region (see `Leanings`), so
that the summaries show regional differences and divergence between governments and civil
society, as real consultations do. The same seed gives the same responses.
"""

import itertools
import math
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_countries import countries

from surveys.models import Answer, Question, Response

from ..models import Audience, CivilSocietyOrganisation, Consultation, MemberState, Position, Publication

BATCH = 5000
# Ratings lean positive, as they do in real consultations on a paper's recommendations.
SCALE_CENTRE = 3.7
# How far an audience, and a region within it, may lean from that centre on a recommendation:
# civil society more than governments, so that the two audiences diverge on some.
AUDIENCE_SPREAD = {Audience.MEMBER_STATE: 0.4, Audience.CIVIL_SOCIETY: 1.1}
REGION_SPREAD = 0.6
# A few organisations work from countries that are not UN member states.
NON_MEMBER_COUNTRIES = ["PS", "HK", "PR"]
NON_MEMBER_SHARE = 0.05
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
    "es": [
        "Se está elaborando un plan nacional de integración de los migrantes con la sociedad civil.",
        "La falta de datos desglosados por situación migratoria sigue siendo el principal obstáculo.",
        "Se firmó un acuerdo bilateral de seguridad social con dos países de destino.",
    ],
}
ORGANISATION_TYPES = [choice for choice, _ in CivilSocietyOrganisation.Type.choices]


class Leanings:
    """How each audience, and each region within it, leans on each recommendation, for one seed.

    A leaning is drawn once per key from its own seeded generator, so it does not depend on the
    order in which respondents are made.
    """

    def __init__(self, seed: int):
        self.seed = seed
        self.values: dict[tuple, float] = {}
        self.weights: dict[tuple, list[float]] = {}

    def lean(self, audience: str, region: str, reference: str) -> float:
        key = (audience, region, reference)
        if key not in self.values:
            self.values[key] = self.uniform("audience", audience, reference, spread=AUDIENCE_SPREAD[audience])
            self.values[key] += self.uniform("region", audience, region, reference, spread=REGION_SPREAD)
        return self.values[key]

    def uniform(self, *key, spread: float) -> float:
        return random.Random(f"{self.seed}:{key}").uniform(-spread, spread)

    def choice_weights(self, question, choices, audience: str, region: str) -> list[float]:
        """Return the weights of the question's choices for a respondent of the audience in the region."""
        key = (question.code, audience, region)
        if key not in self.weights:
            centre = SCALE_CENTRE + self.lean(audience, region, question.reference)
            self.weights[key] = weights_for(question, choices, centre, random.Random(f"{self.seed}:{key}"))
        return self.weights[key]


def weights_for(question, choices, centre: float, rng) -> list[float]:
    """Return choice weights around `centre` on a 1-5 rating: a scale's values, or support first to last."""
    if question.type == Question.Type.SCALE:
        return [math.exp(-((index + 1 - centre) ** 2) / 2.5) for index in range(len(choices))]
    if any(choice.value == "support" for choice in choices):
        target = min(max((5 - centre) / 1.5, 0), len(choices) - 1)
        return [math.exp(-((index - target) ** 2) / 0.8) for index in range(len(choices))]
    # Other choices (implementation, effectiveness...): a pattern of their own per region.
    return [rng.uniform(0.2, 1.0) for _choice in choices]


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
    leanings = Leanings(seed)
    result = DemoResponses()
    with transaction.atomic():
        respondents = respondents_without_position(consultation, states, organisations, rng, exclude_iso3)
        for audience, respondents in respondents:
            positions, answers = positions_build(consultation, audience, respondents, rng, leanings)
            result.positions += positions
            result.answers += answers
    return result


def respondents_without_position(consultation, states, organisations, rng, exclude_iso3):
    if Position.objects.filter(consultation=consultation, member_state__isnull=False).exists():
        states = 0  # Already generated (or answered for real): add no state twice.
    member_states = list(MemberState.objects.exclude(iso3__in=exclude_iso3).select_related("region").order_by("iso3"))
    yield Audience.MEMBER_STATE, rng.sample(member_states, min(states, len(member_states)))
    yield Audience.CIVIL_SOCIETY, demo_organisations(consultation, organisations, rng)


def demo_organisations(consultation, count, rng):
    iso3_codes = list(MemberState.objects.values_list("iso3", flat=True))
    existing = CivilSocietyOrganisation.objects.filter(name__startswith="Demo organisation ").count()
    new = [
        CivilSocietyOrganisation(
            name=f"Demo organisation {number}",
            country=organisation_country(iso3_codes, rng),
            type=rng.choice(ORGANISATION_TYPES),
            accreditation=CivilSocietyOrganisation.Accreditation.ACCREDITED,
        )
        for number in range(existing + 1, count + 1)
    ]
    CivilSocietyOrganisation.objects.bulk_create(new, batch_size=BATCH)
    # NOT IN over a list holding NULL matches nothing: leave the states' positions out.
    taken = Position.objects.filter(consultation=consultation, organisation__isnull=False).values("organisation")
    return list(CivilSocietyOrganisation.objects.filter(name__startswith="Demo organisation ").exclude(pk__in=taken))


def organisation_country(iso3_codes, rng):
    if rng.random() < NON_MEMBER_SHARE:
        return rng.choice(NON_MEMBER_COUNTRIES)
    return countries.alpha2(rng.choice(iso3_codes))


def region_of(respondent, regions_by_country) -> str:
    """Return the code of the M49 region of a member state or an organisation's country ("" outside the UN)."""
    if isinstance(respondent, MemberState):
        return respondent.region.code
    return regions_by_country.get(respondent.country.code, "")


def positions_build(consultation, audience, respondents, rng, leanings):
    survey = consultation.questionnaires.get(audience=audience).survey
    questions = list(Question.objects.filter(survey=survey, is_current=True).prefetch_related("choices"))
    regions_by_country = {
        countries.alpha2(iso3): region for iso3, region in MemberState.objects.values_list("iso3", "region__code")
    }
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
    answering = (Respondent(audience, region_of(who, regions_by_country), leanings) for who in respondents)
    answers = (
        answer
        for response, respondent in zip(responses, answering)
        for answer in answers_build(response, questions, survey, rng, respondent)
    )
    written = 0
    # Written batch by batch as they are drawn: memory stays flat for a hundred thousand responses.
    for batch in itertools.batched(answers, BATCH):
        Answer.objects.bulk_create(batch)
        written += len(batch)
    return len(positions), written


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


@dataclass(frozen=True)
class Respondent:
    """Who is answering, as far as their answers lean: their audience and region."""

    audience: str
    region: str
    leanings: Leanings

    def weights(self, question, choices) -> list[float]:
        return self.leanings.choice_weights(question, choices, self.audience, self.region)

    def lean(self, reference: str) -> float:
        return self.leanings.lean(self.audience, self.region, reference)


def answers_build(response, questions, survey, rng, respondent):
    for question in questions:
        if not question.required and rng.random() < 0.7:
            continue
        yield from answer_rows(response, question, survey.language, rng, respondent)


def answer_rows(response, question, language, rng, respondent):
    choices = list(question.choices.all())
    if question.type == Question.Type.RANKING:
        # The items the respondent leans towards most come first, give or take.
        ordered = sorted(choices, key=lambda choice: respondent.lean(choice.value) + rng.gauss(0, 0.7), reverse=True)
        for rank, choice in enumerate(ordered, start=1):
            yield Answer(response=response, question=question, choice=choice, rank=rank)
    elif question.type == Question.Type.MULTIPLE_CHOICE:
        chosen = [choice for choice in choices if rng.random() < 0.4]
        yield from (Answer(response=response, question=question, choice=choice) for choice in chosen)
    elif choices:
        choice = rng.choices(choices, respondent.weights(question, choices))[0]
        yield Answer(response=response, question=question, choice=choice)
    elif question.type in (Question.Type.LONG_TEXT, Question.Type.SHORT_TEXT):
        yield Answer(response=response, question=question, text=rng.choice(PRACTICES.get(language, PRACTICES["en"])))
