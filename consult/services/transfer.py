"""Export a consultation as a JSON document and import such a document as a new consultation.

The document holds the paper (areas and recommendations) and the current questions of each
audience's survey; answers, dates and round-table tags stay behind. The README documents
the schema. Import validates the whole document before it writes anything.
"""

import re

from django.core.validators import slug_re
from django.db import transaction
from django.db.models import Prefetch
from django.utils.text import slugify

from surveys.models import Choice, Question, Section, Survey
from surveys.text import entered_text

from ..models import Audience, Consultation, Language, PriorityArea, Questionnaire, Recommendation

MISSING = object()
KINDS = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "an object"}
POSITION = re.compile(r"[1-9][0-9]{0,3}")


class TransferError(ValueError):
    """A document that cannot be imported; the message names the faulty place."""


# Export


def consultation_export(*, consultation: Consultation) -> dict:
    """Return the consultation as a document: its paper and the current questions of each survey."""
    areas = consultation.areas.order_by("number").prefetch_related(
        Prefetch("recommendations", queryset=Recommendation.objects.order_by("position"))
    )
    area_documents = [_area_export(area) for area in areas]
    codes = {recommendation["code"] for area in area_documents for recommendation in area["recommendations"]}
    questionnaires = sorted(
        consultation.questionnaires.select_related("survey"), key=lambda q: Audience.values.index(q.audience)
    )
    return {
        "slug": consultation.slug,
        "title": consultation.title,
        "language": consultation.language,
        "description": consultation.description,
        "status": consultation.status,
        "areas": area_documents,
        "surveys": [_survey_export(questionnaire, codes) for questionnaire in questionnaires],
    }


def _area_export(area: PriorityArea) -> dict:
    return {
        "number": area.number,
        "title": area.title,
        "headline": area.headline,
        "context": area.context,
        "status": area.status,
        "recommendations": [
            {"code": r.code, "text": r.text, "status": r.status} for r in area.recommendations.all()
        ],
    }


def _survey_export(questionnaire: Questionnaire, codes: set[str]) -> dict:
    questions = (
        questionnaire.survey.questions.filter(is_current=True)
        .select_related("section")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "pk")))
        .order_by("order", "code")
    )
    return {
        "audience": questionnaire.audience,
        "language": questionnaire.survey.language,
        "questions": [_question_export(question, codes) for question in questions],
    }


def _question_export(question: Question, codes: set[str]) -> dict:
    choices = list(question.choices.all())
    section_code = question.section.code if question.section else ""
    return {
        "code": question.code,
        "area": int(section_code) if section_code.isdecimal() else None,
        "recommendation": question.reference if question.reference in codes else None,
        "type": question.type,
        "text": question.text,
        "choices": [choice.label for choice in choices],
        "choice_values": [choice.value for choice in choices],
        "help_text": question.help_text,
        "required": question.required,
        "max_length": question.max_length,
    }


# Import


def consultation_import(*, document: dict, slug: str | None = None) -> Consultation:
    """Create a consultation from an exported document, under `slug` if given; never overwrite one."""
    cleaned = _consultation_clean(document, slug)
    with transaction.atomic():
        if Consultation.objects.filter(slug=cleaned["slug"]).exists():
            raise TransferError(f"consultation '{cleaned['slug']}' already exists")
        consultation = Consultation.objects.create(
            **{key: cleaned[key] for key in ("slug", "title", "language", "description", "status")}
        )
        areas = [_area_create(consultation, area) for area in cleaned["areas"]]
        for survey in cleaned["surveys"]:
            _questionnaire_create(consultation, survey, areas)
    return consultation


def _area_create(consultation: Consultation, cleaned: dict) -> PriorityArea:
    fields = {key: cleaned[key] for key in ("number", "title", "headline", "context", "status")}
    area = PriorityArea.objects.create(consultation=consultation, **fields)
    for recommendation in cleaned["recommendations"]:
        # Recommendation.save() derives the code from the area number and the position.
        position = int(recommendation["code"].partition(".")[2])
        Recommendation.objects.create(
            area=area, position=position, text=recommendation["text"], status=recommendation["status"]
        )
    return area


def _questionnaire_create(consultation: Consultation, cleaned: dict, areas: list[PriorityArea]) -> None:
    audience = Audience(cleaned["audience"])
    survey = Survey.objects.create(title=f"{consultation.title} – {audience.label}", language=cleaned["language"])
    Questionnaire.objects.create(consultation=consultation, audience=audience, survey=survey)
    sections = {
        area.number: Section.objects.create(survey=survey, code=area.code, title=area.title, order=area.number)
        for area in areas
    }
    questions = Question.objects.bulk_create(
        _question_build(survey, sections, question, order) for order, question in enumerate(cleaned["questions"], 1)
    )
    Choice.objects.bulk_create(
        Choice(question=question, value=value, label=label, order=order)
        for question, cleaned_question in zip(questions, cleaned["questions"])
        for order, (value, label) in enumerate(zip(cleaned_question["choice_values"], cleaned_question["choices"]))
    )


def _question_build(survey: Survey, sections: dict, cleaned: dict, order: int) -> Question:
    # Area-level questions refer to their area by number, recommendation questions by code.
    area = cleaned["area"]
    reference = cleaned["recommendation"] or ("" if area is None else str(area))
    fields = {key: cleaned[key] for key in ("code", "type", "text", "help_text", "required", "max_length")}
    return Question(survey=survey, section=sections.get(area), reference=reference, order=order, **fields)


# Validation: each _clean returns the part with its optional keys filled in, or raises.


def _consultation_clean(document, slug: str | None) -> dict:
    if not isinstance(document, dict):
        raise TransferError("the document must be a JSON object")
    slug = slug or _get(document, "slug", "", str)
    if not slug_re.fullmatch(slug) or len(slug) > 100:
        raise TransferError(f"slug: {_show(slug)} is not a valid slug (letters, digits, - and _, up to 100)")
    cleaned = {
        "slug": slug,
        "title": _text(document, "title", "", limit=300),
        "language": _one_of(document, "language", "", Language.values),
        "description": _get(document, "description", "", str, default=""),
        "status": _one_of(document, "status", "", Consultation.Status.values, default=Consultation.Status.DRAFT),
        "areas": [_area_clean(item, path) for path, item in _items(document, "areas", "")],
    }
    _unique([area["number"] for area in cleaned["areas"]], "areas", "area number")
    paper = {
        "numbers": {area["number"] for area in cleaned["areas"]},
        "codes": {r["code"]: area["number"] for area in cleaned["areas"] for r in area["recommendations"]},
        "texts": {r["text"]: r["code"] for area in cleaned["areas"] for r in area["recommendations"]},
    }
    cleaned["surveys"] = [_survey_clean(item, path, paper) for path, item in _items(document, "surveys", "")]
    _unique([survey["audience"] for survey in cleaned["surveys"]], "surveys", "audience")
    return cleaned


def _area_clean(area: dict, path: str) -> dict:
    number = _positive(area, "number", path, maximum=32767)
    cleaned = {
        "number": number,
        "title": _text(area, "title", path, limit=500),
        "headline": _get(area, "headline", path, str),
        "context": _get(area, "context", path, str),
        "status": _one_of(area, "status", path, PriorityArea.Status.values, default="active"),
        "recommendations": [_recommendation_clean(r, at, number) for at, r in _items(area, "recommendations", path)],
    }
    _unique([r["code"] for r in cleaned["recommendations"]], f"{path}.recommendations", "code")
    return cleaned


def _recommendation_clean(recommendation: dict, path: str, area_number: int) -> dict:
    code = _get(recommendation, "code", path, str)
    prefix, _, position = code.partition(".")
    if prefix != str(area_number) or not POSITION.fullmatch(position):
        expected = f'"{area_number}.N"'
        raise TransferError(f"{path}.code: {_show(code)} does not match its area {area_number} (expected {expected})")
    return {
        "code": code,
        "text": _get(recommendation, "text", path, str),
        "status": _one_of(recommendation, "status", path, Recommendation.Status.values, default="active"),
    }


def _survey_clean(survey: dict, path: str, paper: dict) -> dict:
    cleaned = {
        "audience": _one_of(survey, "audience", path, Audience.values),
        "language": _one_of(survey, "language", path, Language.values),
        "questions": [_question_clean(q, at, paper) for at, q in _items(survey, "questions", path)],
    }
    _unique([q["code"] for q in cleaned["questions"]], f"{path}.questions", "question code")
    return cleaned


def _question_clean(question: dict, path: str, paper: dict) -> dict:
    cleaned = {
        "code": _text(question, "code", path, limit=64),
        "area": _get(question, "area", path, int, nullable=True),
        "recommendation": _get(question, "recommendation", path, str, nullable=True),
        "type": _one_of(question, "type", path, Question.Type.values, what="question type"),
        "text": _get(question, "text", path, str),
        "choices": _strings(question, "choices", path),
        "help_text": _get(question, "help_text", path, str, default=""),
        "required": _get(question, "required", path, bool, default=False),
        "max_length": _positive(question, "max_length", path, nullable=True, default=None),
    }
    area, recommendation = cleaned["area"], cleaned["recommendation"]
    if area is not None and area not in paper["numbers"]:
        raise TransferError(f"{path}.area: no area {area} in the document")
    if recommendation is not None and paper["codes"].get(recommendation) != area:
        raise TransferError(f"{path}.recommendation: {_show(recommendation)} is not a recommendation of area {area}")
    if "choice_values" in question:
        cleaned["choice_values"] = _choice_values_clean(question, path, cleaned["choices"])
    else:
        cleaned["choice_values"] = _choice_values_derive(cleaned["type"], cleaned["choices"], paper["texts"])
    return cleaned


def _choice_values_clean(question: dict, path: str, labels: list[str]) -> list[str]:
    values = _strings(question, "choice_values", path)
    if len(values) != len(labels):
        raise TransferError(f"{path}.choice_values: {len(values)} values for {len(labels)} choices")
    if not all(0 < len(value) <= 64 for value in values):
        raise TransferError(f"{path}.choice_values: each value must have 1 to 64 characters")
    _unique(values, f"{path}.choice_values", "choice value")
    return values


def _choice_values_derive(kind: str, labels: list[str], texts: dict[str, str]) -> list[str]:
    """Return values for the labels: 1..n on a scale, otherwise unique slugs of the labels.

    A ranking ranks recommendations, so a label that is a recommendation's text takes its code.
    """
    if kind == Question.Type.SCALE:
        return [str(number) for number in range(1, len(labels) + 1)]
    values = []
    for number, label in enumerate(labels, 1):
        base = (kind == Question.Type.RANKING and texts.get(label)) or slugify(label)[:56] or f"choice-{number}"
        value, suffix = base, 2
        while value in values:
            value, suffix = f"{base}-{suffix}", suffix + 1
        values.append(value)
    return values


# Small readers shared by the _clean functions.


def _get(obj: dict, key: str, path: str, kind: type, *, nullable: bool = False, default=MISSING):
    """Return obj[key] if it is of the expected kind, text cleaned; raise a TransferError naming the place if not."""
    if key not in obj:
        if default is not MISSING:
            return default
        raise TransferError(f'{path or "document"}: missing "{key}"')
    value = obj[key]
    if value is None and nullable:
        return None
    # bool is a subclass of int, but true is not an area number.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TransferError(f"{_at(path, key)}: expected {KINDS[kind]}, got {_show(value)}")
    return entered_text(value) if isinstance(value, str) else value


def _text(obj: dict, key: str, path: str, *, limit: int) -> str:
    value = _get(obj, key, path, str)
    if not value.strip() or len(value) > limit:
        raise TransferError(f"{_at(path, key)}: expected 1 to {limit} characters")
    return value


def _positive(obj: dict, key: str, path: str, *, maximum: int = 2**31 - 1, nullable=False, default=MISSING):
    value = _get(obj, key, path, int, nullable=nullable, default=default)
    if value is not None and not 0 < value <= maximum:
        raise TransferError(f"{_at(path, key)}: expected an integer from 1 to {maximum}, got {value}")
    return value


def _one_of(obj: dict, key: str, path: str, allowed: list[str], *, what: str = "", default=MISSING) -> str:
    value = _get(obj, key, path, str, default=default)
    if value not in allowed:
        expected = ", ".join(allowed)
        raise TransferError(f"{_at(path, key)}: unknown {what or key} {_show(value)} (expected one of {expected})")
    return value


def _strings(obj: dict, key: str, path: str) -> list[str]:
    values = _get(obj, key, path, list)
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise TransferError(f"{path}.{key}[{i}]: expected a string, got {_show(value)}")
    return [entered_text(value) for value in values]


def _items(obj: dict, key: str, path: str):
    """Yield (path, item) for each object of the list obj[key]."""
    for i, item in enumerate(_get(obj, key, path, list)):
        at = f"{_at(path, key)}[{i}]"
        if not isinstance(item, dict):
            raise TransferError(f"{at}: expected an object, got {_show(item)}")
        yield at, item


def _unique(values: list, path: str, what: str) -> None:
    seen = set()
    for i, value in enumerate(values):
        if value in seen:
            raise TransferError(f"{path}[{i}]: duplicate {what} {_show(value)}")
        seen.add(value)


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
