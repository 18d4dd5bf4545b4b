"""An area's answers sent as JSON, checked by the same form as the page, and saved once per Idempotency-Key.

Only the questions sent change: a question left out keeps its answer, one sent as null is cleared.
"""

import hashlib
import json
import uuid

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from surveys.forms import form_data, section_form
from surveys.models import Question

from ..services.answering import position_section_save
from ..services.submissions import submission_once

Type = Question.Type
# Keys are scoped to their person: two people who pick the same key do not meet.
KEY_NAMESPACE = uuid.UUID("0f3c5a52-7d8e-4d65-b1c2-6a1e8f4b9d27")
MAX_KEY_LENGTH = 255


def answers_cleaned(questions: list[Question], answers: dict) -> dict:
    """Return the sent answers as the area's form cleans them; raise ValidationError naming each bad one."""
    by_code = {question.code: question for question in questions}
    errors = {code: [_("This area has no question %(code)s.") % {"code": code}] for code in answers if code not in by_code}
    errors |= {code: [message] for code, value in answers.items() if code in by_code
               for message in [shape_error(by_code[code], value)] if message}
    if errors:
        raise ValidationError({"answers": errors})
    sent = [question for question in questions if question.code in answers]
    form = section_form(questions, data=form_data(sent, {code: form_value(by_code[code], value)
                                                         for code, value in answers.items()}))
    if not form.is_valid():
        raise ValidationError({"answers": {code: list(messages) for code, messages in form.errors.items()}})
    return {code: form.cleaned_data[code] for code in answers}


def shape_error(question: Question, value) -> str | None:
    """Return why the JSON value cannot be an answer to the question at all, or None."""
    if value is None:
        return None
    if question.type == Type.MULTIPLE_CHOICE:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return _("Send a list of choice values.")
    elif question.type == Type.RANKING:
        if not isinstance(value, dict) or not all(isinstance(position, int) for position in value.values()):
            return _("Send an object giving each item's position: {\"item\": 1}.")
        items = {choice.value for choice in question.choices.all()}
        unknown = sorted(set(value) - items)
        if unknown:
            return _("Unknown items: %(items)s.") % {"items": ", ".join(unknown)}
    elif isinstance(value, (list, dict, bool)):
        return _("Send one value.")
    return None


def form_value(question: Question, value):
    """Return the value as the form's data builder expects it (rankings with string positions)."""
    if question.type == Type.RANKING and value:
        return {item: str(position) for item, position in value.items()}
    return value


def area_answers_save(*, position, section, questions, cleaned: dict, version: int, actor, key: str | None):
    """Save the area's answers (once for the key, when one is given); return ({version, saved_at}, replayed)."""

    def save() -> dict:
        page = position_section_save(position=position, section=section, cleaned_data=cleaned,
                                     expected_version=version, actor=actor, questions=questions)
        return {"version": page.version, "saved_at": page.saved_at.isoformat()}

    if key is None:
        return save(), False
    purpose = f"api section {section.code}"
    return submission_once(key=person_key(actor, key), position=position, purpose=purpose,
                           digest=content_digest(purpose, version, cleaned), action=save)


def idempotency_key(header: str | None) -> str | None:
    if header is None:
        return None
    if not header.strip() or len(header) > MAX_KEY_LENGTH:
        raise ValidationError({"Idempotency-Key": [_("Send a key of 1 to 255 characters, such as a UUID.")]})
    return header.strip()


def person_key(actor, key: str) -> uuid.UUID:
    return uuid.uuid5(KEY_NAMESPACE, f"{actor.pk}:{key}")


def content_digest(purpose: str, version: int, cleaned: dict) -> str:
    canonical = json.dumps([purpose, version, cleaned], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
