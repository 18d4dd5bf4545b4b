"""Synthetic responses for the demo and the benchmarks: realistic, reproducible, loaded in bulk.

Respondents are handled a batch at a time and their answer rows streamed to the database as
they are drawn: with COPY on PostgreSQL, with bulk_create on SQLite (the demo's). So the same
generator fills a demo with a hundred positions in seconds, or a benchmark with a hundred
thousand responses of about a hundred answers each in minutes, in flat memory.

Answers are drawn around leanings that differ by audience and by region (see `Leanings`), so
that the summaries show regional differences and divergence between governments and civil
society, as real consultations do. The same seed gives the same responses.
"""

import io
import itertools
import math
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django_countries import countries

from surveys.models import Answer, Question, Response

from ..models import Audience, CivilSocietyOrganisation, Consultation, MemberState, Position, Publication
from .bulk_loads import loaded_tables_analyse
from .demo_texts import campaign_answer, region_language, themed_answer

BATCH = 5000
# Answer rows per COPY: big enough that a statement's overhead vanishes, small enough to hold.
COPY_BATCH = 50_000
ANSWER_COLUMNS = ("response_id", "question_id", "choice_id", "rank", "number", "text")
# How much of the optional questions a respondent answers, from the hurried to the thorough:
# about a hundred answers for an organisation, a hundred and thirty for a state.
DILIGENCE = (0.2, 0.95)
# Some respondents write at length (a page or two) where most write a few sentences.
LONG_TEXT_SHARE = 0.1
LONG_TEXT_PARTS = (6, 15)
# Ratings lean positive, as they do in real consultations on a paper's recommendations.
SCALE_CENTRE = 3.7
# How far an audience, and a region within it, may lean from that centre on a recommendation:
# civil society more than governments, so that the two audiences diverge on some.
AUDIENCE_SPREAD = {Audience.MEMBER_STATE: 0.4, Audience.CIVIL_SOCIETY: 1.1}
REGION_SPREAD = 0.6
# A few organisations work from countries that are not UN member states.
NON_MEMBER_COUNTRIES = ["PS", "HK", "PR"]
NON_MEMBER_SHARE = 0.05
# A quarter of the organisations send a coalition's template letter on these recommendations (a campaign).
CAMPAIGNER_SHARE = 0.25
CAMPAIGN_REFERENCES = {"3.1", "3.2", "4.1"}
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
                            seed: int = 2013, exclude_iso3=(), all_submitted: bool = False) -> DemoResponses:
    """Give `states` member states and `organisations` organisations a position with answers.

    States and organisations that already have a position are left as they are, so running it
    again adds nothing, and asking for more organisations adds only the missing ones. Some
    positions stay drafts (or await review), as in a consultation under way, unless
    `all_submitted`, as the benchmarks want.
    """
    rng = random.Random(seed)
    result = DemoResponses()
    with transaction.atomic():
        for audience, respondents in respondents_without_position(consultation, states, organisations, rng, exclude_iso3):
            answering = Answering(consultation, audience, Leanings(seed), all_submitted)
            for batch in itertools.batched(respondents, BATCH):
                positions, answers = answering.positions_create(batch, rng)
                result.positions += positions
                result.answers += answers
    if result.positions:
        loaded_tables_analyse()
    return result


def respondents_without_position(consultation, states, organisations, rng, exclude_iso3):
    """Yield (audience, [(respondent id, receipt code, region code), ...]) for states, then organisations."""
    if Position.objects.filter(consultation=consultation, member_state__isnull=False).exists():
        states = 0  # Already generated (or answered for real): add no state twice.
    member_states = MemberState.objects.exclude(iso3__in=exclude_iso3).order_by("iso3")
    rows = list(member_states.values_list("pk", "iso3", "region__code"))
    yield Audience.MEMBER_STATE, rng.sample(rows, min(states, len(rows)))
    yield Audience.CIVIL_SOCIETY, demo_organisations(consultation, organisations, rng)


def demo_organisations(consultation, count, rng):
    """Create the demo organisations up to `count`; return those without a position, as respondents."""
    iso3_codes = list(MemberState.objects.values_list("iso3", flat=True))
    existing = CivilSocietyOrganisation.objects.filter(name__startswith="Demo organisation ").count()
    new = (
        CivilSocietyOrganisation(
            name=f"Demo organisation {number}",
            country=organisation_country(iso3_codes, rng),
            type=rng.choice(ORGANISATION_TYPES),
            accreditation=CivilSocietyOrganisation.Accreditation.ACCREDITED,
        )
        for number in range(existing + 1, count + 1)
    )
    for batch in itertools.batched(new, BATCH):
        CivilSocietyOrganisation.objects.bulk_create(batch)
    regions_by_country = {
        countries.alpha2(iso3): region for iso3, region in MemberState.objects.values_list("iso3", "region__code")
    }
    # NOT IN over a list holding NULL matches nothing: leave the states' positions out.
    taken = Position.objects.filter(consultation=consultation, organisation__isnull=False).values("organisation")
    organisations = CivilSocietyOrganisation.objects.filter(name__startswith="Demo organisation ").exclude(pk__in=taken)
    return [
        (pk, "CSO", regions_by_country.get(country, ""))
        for pk, country in organisations.order_by("pk").values_list("pk", "country")
    ]


def organisation_country(iso3_codes, rng):
    if rng.random() < NON_MEMBER_SHARE:
        return rng.choice(NON_MEMBER_COUNTRIES)
    return countries.alpha2(rng.choice(iso3_codes))


class Answering:
    """One audience's questionnaire, and how to record a batch of its respondents' positions."""

    def __init__(self, consultation, audience, leanings, all_submitted):
        self.consultation, self.audience, self.leanings = consultation, audience, leanings
        self.all_submitted = all_submitted
        self.survey = consultation.questionnaires.get(audience=audience).survey
        questions = Question.objects.filter(survey=self.survey, is_current=True).prefetch_related("choices")
        self.questions = [(question, list(question.choices.all())) for question in questions]

    def positions_create(self, batch, rng) -> tuple[int, int]:
        """Create the batch's responses, positions and answers; return how many positions and answers."""
        now = timezone.now()
        responses, positions = [], []
        for pk, _code, _region in batch:
            status = self.status(rng)
            response = Response(survey=self.survey, status="submitted" if status == "submitted" else "draft",
                                submitted_at=now if status == "submitted" else None, language=self.survey.language)
            responses.append(response)
            positions.append(self.position_build(pk, response, status, now, rng))
        respondents = [
            Respondent(self.audience, region, self.leanings, rng.uniform(*DILIGENCE), region_language(region, rng),
                       self.audience == Audience.CIVIL_SOCIETY and rng.random() < CAMPAIGNER_SHARE)
            for *_, region in batch
        ]
        receipt_numbers_assign(positions, [code for _pk, code, _region in batch])
        Response.objects.bulk_create(responses)
        Position.objects.bulk_create(positions)
        rows = (
            (response.pk, *row)
            for response, respondent in zip(responses, respondents)
            for row in answers_build(self.questions, rng, respondent)
        )
        return len(positions), answers_write(rows)

    def status(self, rng) -> str:
        if self.all_submitted:
            return "submitted"
        status = rng.choices(["draft", "ready_for_review", "submitted"], [0.25, 0.15, 0.6])[0]
        if self.audience == Audience.CIVIL_SOCIETY and status == "ready_for_review":
            return "submitted"
        return status

    def position_build(self, respondent_id, response, status, now, rng):
        is_state = self.audience == Audience.MEMBER_STATE
        return Position(
            consultation=self.consultation, audience=self.audience, response=response, status=status,
            member_state_id=respondent_id if is_state else None, organisation_id=None if is_state else respondent_id,
            publication=self.consultation.member_state_publication if is_state else rng.choice(Publication.values),
            submitted_at=now if status == "submitted" else None,
        )


def receipt_numbers_assign(positions, codes) -> None:
    """Give each submitted position an unused receipt number, checked against the database in one query."""
    from .workflow import consultation_prefix, random_part

    waiting = [(position, code) for position, code in zip(positions, codes) if position.status == "submitted"]
    while waiting:
        drawn = {
            "-".join([consultation_prefix(position), code, f"{position.submitted_at:%Y}", random_part()]): position
            for position, code in waiting
        }
        taken = set(Position.objects.filter(receipt_number__in=list(drawn)).values_list("receipt_number", flat=True))
        for number, position in drawn.items():
            if number not in taken:
                position.receipt_number = number
        # Two positions that drew the same number: the one left without draws again.
        waiting = [(position, code) for position, code in waiting if position.receipt_number is None]


@dataclass(frozen=True)
class Respondent:
    """Who is answering, as far as their answers go: audience, region, diligence, language, campaigning."""

    audience: str
    region: str
    leanings: Leanings
    diligence: float  # the share of optional questions they answer
    language: str  # the language they write their long answers in
    campaigner: bool = False  # sends a coalition's template letter where it has one

    def weights(self, question, choices) -> list[float]:
        return self.leanings.choice_weights(question, choices, self.audience, self.region)

    def lean(self, reference: str) -> float:
        return self.leanings.lean(self.audience, self.region, reference)


def answers_build(questions, rng, respondent):
    """Yield the respondent's answer rows: (question id, choice id, rank, number, text)."""
    for question, choices in questions:
        if not question.required and rng.random() >= respondent.diligence:
            continue
        yield from answer_rows(question, choices, rng, respondent)


def answer_rows(question, choices, rng, respondent):
    if question.type == Question.Type.RANKING:
        # The items the respondent leans towards most come first, give or take.
        ordered = sorted(choices, key=lambda choice: respondent.lean(choice.value) + rng.gauss(0, 0.7), reverse=True)
        for rank, choice in enumerate(ordered, start=1):
            yield question.pk, choice.pk, rank, None, ""
    elif question.type == Question.Type.MULTIPLE_CHOICE:
        yield from ((question.pk, choice.pk, None, None, "") for choice in choices if rng.random() < 0.4)
    elif choices:
        choice = rng.choices(choices, respondent.weights(question, choices))[0]
        yield question.pk, choice.pk, None, None, ""
    elif question.type in (Question.Type.LONG_TEXT, Question.Type.SHORT_TEXT):
        yield question.pk, None, None, None, practice_text(question, rng, respondent)


def practice_text(question, rng, respondent) -> str:
    """Return a few sentences on practices (now and then a page or two), or the campaign's letter."""
    if respondent.campaigner and question.reference in CAMPAIGN_REFERENCES:
        parts = [campaign_answer(respondent.language, rng).text]
    elif rng.random() < LONG_TEXT_SHARE:
        parts = [themed_answer(respondent.language, rng).text for _part in range(rng.randint(*LONG_TEXT_PARTS))]
    else:
        parts = [themed_answer(respondent.language, rng).text]
    return within_limit(parts, question.text_limit())


def within_limit(parts: list[str], limit: int) -> str:
    """Join the parts, keeping only the whole ones that fit in the question's limit (a form would refuse more)."""
    text = parts[0][:limit]
    for part in parts[1:]:
        if len(text) + 1 + len(part) > limit:
            break
        text = f"{text} {part}"
    return text


def answers_write(rows) -> int:
    """Write the answer rows (response id first), batch by batch as they are drawn; return how many."""
    if connection.vendor == "postgresql":
        return answers_copy(rows)
    written = 0
    for batch in itertools.batched(rows, BATCH):
        Answer.objects.bulk_create(Answer(**dict(zip(ANSWER_COLUMNS, row))) for row in batch)
        written += len(batch)
    return written


def answers_copy(rows) -> int:
    """COPY the rows into the answers table: several times faster than INSERT for millions of rows."""
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(Answer._meta.db_table)} ({', '.join(quote(column) for column in ANSWER_COLUMNS)}) FROM STDIN"
    )
    written = 0
    with connection.cursor() as cursor:
        for batch in itertools.batched(rows, COPY_BATCH):
            cursor.copy_expert(statement, io.StringIO("".join(map(copy_line, batch))))
            written += len(batch)
    return written


def copy_line(row) -> str:
    return "\t".join(map(copy_value, row)) + "\n"


def copy_value(value) -> str:
    """Return the value in COPY's text format: \\N for NULL, with backslashes and line breaks escaped."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(COPY_ESCAPES)
    return str(value)


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
