"""Turn a consultation's recommendations into survey questions for each audience.

Each question has a stable code ("3.2-priority", "3-ranking") and keeps the code of what it
was made from in `reference`. A question that already has answers is never rewritten: a change
makes a new version with the same code, and the answered one stays, no longer current.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, astuple, dataclass, fields
from pathlib import Path

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Prefetch

from consult.models import (
    Audience,
    AuditEvent,
    Consultation,
    Language,
    PriorityArea,
    Questionnaire,
    QuestionTemplate,
    Recommendation,
)
from surveys.models import Answer, Choice, Question, Section, Survey

from .audit import audit_record
from .outbox import outbox_add, task_key

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "fixtures" / "question_templates.json"
FALLBACK_LANGUAGE = Language.ENGLISH
CONTENT_FIELDS = ("type", "text", "help_text", "required", "max_length")
PLACEMENT_FIELDS = ("section", "order", "reference")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Named, not imported: the task module sits above the services.
GENERATE_TASK = "consult.tasks.questions_generate_task"


@dataclass
class GenerationResult:
    created: int = 0
    updated: int = 0
    versioned: int = 0
    retired: int = 0
    unchanged: int = 0

    def __add__(self, other: "GenerationResult") -> "GenerationResult":
        return GenerationResult(*(mine + theirs for mine, theirs in zip(astuple(self), astuple(other))))

    def summary(self) -> str:
        """Return the counts as one line: "Questions: 52 created, 0 updated, ..."."""
        counts = ", ".join(f"{getattr(self, field.name)} {field.name}" for field in fields(self))
        return f"Questions: {counts}."


@dataclass(frozen=True)
class QuestionSpec:
    """What one question should be, as the templates and the paper say now."""

    code: str
    reference: str
    section_code: str
    type: str
    text: str
    help_text: str
    required: bool
    max_length: int | None
    choices: tuple[tuple[str, str], ...]

    @property
    def content(self) -> tuple:
        return (self.type, self.text, self.help_text, self.required, self.max_length, self.choices)


def questions_generate_request(*, consultation: Consultation, actor=None) -> None:
    """Have a worker generate the consultation's questions once the current transaction commits.

    Requests while one waits share it; with Redis away the request waits in the outbox for the relay.
    """
    actor_id = actor.pk if actor else None
    with transaction.atomic():
        outbox_add(GENERATE_TASK, [consultation.pk, actor_id], dedupe_key=task_key(GENERATE_TASK, consultation.pk))


def questions_generate(*, consultation: Consultation, actor=None) -> GenerationResult:
    """Create or refresh the questions of every audience of the consultation; return the counts."""
    with transaction.atomic():
        # Two generations of one consultation (a task and the command) must run one after the other.
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        default_templates_ensure()
        areas = consultation_areas(consultation)
        result = GenerationResult()
        for audience in Audience.values:
            questionnaire = questionnaire_for(consultation, audience)
            specs = list(question_specs(areas, audience_templates(audience, consultation.language)))
            result += survey_sync(questionnaire.survey, areas, specs)
        audit_record(
            action=AuditEvent.Action.QUESTIONS_GENERATED, actor=actor, consultation=consultation, obj=consultation,
            details=asdict(result),
        )
        return result


def default_templates_ensure() -> None:
    """Create the default templates when there are none at all."""
    # A data migration loads them, but a flushed database (manage.py flush, transactional
    # tests) has lost them, and generating nothing would then pass silently.
    if not QuestionTemplate.objects.exists():
        entries = json.loads(DEFAULT_TEMPLATES.read_text(encoding="utf-8"))
        templates = [QuestionTemplate(**entry) for entry in entries]
        QuestionTemplate.objects.bulk_create(templates, ignore_conflicts=True)


def consultation_areas(consultation: Consultation) -> list[PriorityArea]:
    """Return the consultation's active areas, each with its active recommendations prefetched."""
    active = Recommendation.objects.filter(status=Recommendation.Status.ACTIVE).order_by("position")
    areas = consultation.areas.filter(status=PriorityArea.Status.ACTIVE).order_by("number").prefetch_related(
        Prefetch("recommendations", queryset=active, to_attr="active_recommendations")
    )
    return list(areas)


def audience_templates(audience: str, language: str) -> list[QuestionTemplate]:
    """Return the audience's templates to use, one per key, in template order.

    A key uses its template in the consultation's language, or the English one when there is
    none; the key is left out when that template is inactive.
    """
    chosen: dict[str, QuestionTemplate] = {}
    for template in QuestionTemplate.objects.filter(audience=audience, language__in={language, FALLBACK_LANGUAGE}):
        if template.key not in chosen or template.language == language:
            chosen[template.key] = template
    return sorted((t for t in chosen.values() if t.is_active), key=lambda t: (t.order, t.key))


def questionnaire_for(consultation: Consultation, audience: str) -> Questionnaire:
    """Return the consultation's questionnaire for the audience, creating it and its survey if needed."""
    questionnaire = consultation.questionnaires.select_related("survey").filter(audience=audience).first()
    if questionnaire is None:
        title = f"{consultation.title} – {Audience(audience).label}"
        survey = Survey.objects.create(title=title, language=consultation.language)
        return Questionnaire.objects.create(consultation=consultation, audience=audience, survey=survey)
    if questionnaire.survey.language != consultation.language:
        questionnaire.survey.language = consultation.language
        questionnaire.survey.save(update_fields=["language"])
    return questionnaire


def question_specs(areas: list[PriorityArea], templates: list[QuestionTemplate]) -> Iterator[QuestionSpec]:
    """Yield the questions the survey should have, in survey order.

    Per area: the headline question, then each recommendation's questions in template order,
    then the ranking of the area's recommendations.
    """
    for area in areas:
        recommendations = area.active_recommendations
        area_context = {"area_number": area.code, "area_title": area.title, "headline": area.headline}
        for template in scoped(templates, QuestionTemplate.Scope.HEADLINE):
            if area.headline.strip():
                context = {**area_context, "code": area.code, "text": area.headline}
                yield question_spec(template, area.code, area.code, context)
        for recommendation in recommendations:
            context = {**area_context, "code": recommendation.code, "text": recommendation.text}
            for template in scoped(templates, QuestionTemplate.Scope.RECOMMENDATION):
                yield question_spec(template, recommendation.code, area.code, context)
        # Ranking fewer than two recommendations asks nothing.
        if len(recommendations) >= 2:
            items = tuple((recommendation.code, recommendation.text) for recommendation in recommendations)
            context = {**area_context, "code": area.code, "text": area.title}
            for template in scoped(templates, QuestionTemplate.Scope.AREA):
                yield question_spec(template, area.code, area.code, context, items)


def scoped(templates: list[QuestionTemplate], scope: str) -> list[QuestionTemplate]:
    return [template for template in templates if template.scope == scope]


def question_spec(
    template: QuestionTemplate, reference: str, section_code: str, context: dict[str, str], items: tuple | None = None
) -> QuestionSpec:
    """Return the question the template makes for one recommendation or area."""
    if items is None:
        items = tuple((choice["value"], choice["label"]) for choice in template.choices)
    return QuestionSpec(
        code=f"{reference}-{template.key}",
        reference=reference,
        section_code=section_code,
        type=template.type,
        text=fill(template.text, context),
        help_text=fill(template.help_text, context),
        required=template.required,
        max_length=template.max_length,
        choices=items,
    )


def fill(text: str, context: dict[str, str]) -> str:
    """Replace the {placeholders} the context knows; leave any other braces as they are."""
    # Not str.format: templates are edited in the admin, and a stray brace there or in a
    # recommendation's text must neither break generation nor be substituted twice.
    return PLACEHOLDER.sub(lambda match: context.get(match.group(1), match.group(0)), text)


def survey_sync(survey: Survey, areas: list[PriorityArea], specs: list[QuestionSpec]) -> GenerationResult:
    """Bring the survey's sections and current questions in line with the specs."""
    sections = sections_sync(survey, areas)
    plan = SyncPlan(survey, sections)
    for order, spec in enumerate(specs, start=1):
        plan.add(spec, order)
    plan.retire_leftovers()
    plan.apply()
    # Sections of areas that are gone stay while retired questions still point to them.
    survey.sections.exclude(code__in=[area.code for area in areas]).filter(questions__isnull=True).delete()
    return plan.result


def sections_sync(survey: Survey, areas: list[PriorityArea]) -> dict[str, Section]:
    """Return the survey's sections by code, with one up-to-date section per area."""
    sections = {section.code: section for section in survey.sections.all()}
    for area in areas:
        section = sections.get(area.code)
        if section is None:
            sections[area.code] = Section.objects.create(
                survey=survey, code=area.code, title=area.title, order=area.number
            )
        elif (section.title, section.order) != (area.title, area.number):
            section.title, section.order = area.title, area.number
            section.save(update_fields=["title", "order"])
    return sections


class SyncPlan:
    """The writes that bring a survey's current questions in line with the specs, in bulk."""

    def __init__(self, survey: Survey, sections: dict[str, Section]):
        self.survey = survey
        self.sections = sections
        self.result = GenerationResult()
        self.current = self.lock_current_questions()
        self.answered = self.answered_ids()
        self.latest_versions = self.latest_version_by_code()
        self.to_create: list[tuple[Question, tuple]] = []
        self.to_update: list[Question] = []
        self.to_replace_choices: list[tuple[Question, tuple]] = []
        self.to_retire: list[int] = []
        self.to_delete: list[int] = []

    def lock_current_questions(self) -> dict[str, Question]:
        # FOR UPDATE waits for respondents saving answers to these questions and keeps new
        # answers out until we commit, so "unanswered" stays true while we rewrite.
        questions = self.survey.questions.filter(is_current=True).order_by("pk").select_for_update(of=("self",))
        return {question.code: question for question in questions.prefetch_related("choices")}

    def answered_ids(self) -> set[int]:
        ids = [question.pk for question in self.current.values()]
        answered = Question.objects.filter(pk__in=ids).filter(Exists(Answer.objects.filter(question=OuterRef("pk"))))
        return set(answered.values_list("pk", flat=True))

    def latest_version_by_code(self) -> dict[str, int]:
        # Retired versions count too: a code that comes back continues its numbering.
        versions = self.survey.questions.values("code").annotate(latest=Max("version"))
        return dict(versions.values_list("code", "latest"))

    def add(self, spec: QuestionSpec, order: int) -> None:
        """Plan what the spec needs: create, update in place, a new version, or nothing."""
        question = self.current.pop(spec.code, None)
        placement = {"section_id": self.sections[spec.section_code].pk, "order": order, "reference": spec.reference}
        if question is None:
            self.create(spec, placement)
            self.result.created += 1
        elif question_content(question) == spec.content:
            self.move(question, placement)
        elif question.pk in self.answered:
            self.to_retire.append(question.pk)
            self.create(spec, placement)
            self.result.versioned += 1
        else:
            self.rewrite(question, spec, placement)
            self.result.updated += 1

    def create(self, spec: QuestionSpec, placement: dict) -> None:
        version = self.latest_versions.get(spec.code, 0) + 1
        question = Question(survey=self.survey, code=spec.code, version=version, **placement)
        set_content(question, spec)
        self.to_create.append((question, spec.choices))

    def move(self, question: Question, placement: dict) -> None:
        """Update where an unchanged question sits: answers do not depend on its place."""
        if all(getattr(question, name) == value for name, value in placement.items()):
            self.result.unchanged += 1
            return
        for name, value in placement.items():
            setattr(question, name, value)
        self.to_update.append(question)
        self.result.updated += 1

    def rewrite(self, question: Question, spec: QuestionSpec, placement: dict) -> None:
        for name, value in placement.items():
            setattr(question, name, value)
        set_content(question, spec)
        self.to_update.append(question)
        self.to_replace_choices.append((question, spec.choices))

    def retire_leftovers(self) -> None:
        """Plan the end of questions whose source is gone: kept if answered, else deleted."""
        for question in self.current.values():
            (self.to_retire if question.pk in self.answered else self.to_delete).append(question.pk)
            self.result.retired += 1

    def apply(self) -> None:
        # Retire first: a new version may only be current once the old one is not.
        Question.objects.filter(pk__in=self.to_retire).update(is_current=False)
        Question.objects.filter(pk__in=self.to_delete).delete()
        Question.objects.bulk_update(self.to_update, [*CONTENT_FIELDS, *PLACEMENT_FIELDS])
        Choice.objects.filter(question__in=[question for question, _ in self.to_replace_choices]).delete()
        Question.objects.bulk_create([question for question, _ in self.to_create])
        Choice.objects.bulk_create(
            Choice(question=question, value=value, label=label, order=order)
            for question, choices in [*self.to_create, *self.to_replace_choices]
            for order, (value, label) in enumerate(choices)
        )


def question_content(question: Question) -> tuple:
    choices = tuple((choice.value, choice.label) for choice in question.choices.all())
    return (*(getattr(question, name) for name in CONTENT_FIELDS), choices)


def set_content(question: Question, spec: QuestionSpec) -> None:
    for name in CONTENT_FIELDS:
        setattr(question, name, getattr(spec, name))
