"""Reading one answer from a table cell, as `export_responses` writes it, into answer rows.

A choice is its value ("4", "support"); several choices are joined by "; "; a ranking is its
values from first to last joined by " > "; a number is a number; a text is itself, without the
apostrophe the export puts before what a spreadsheet would run as a formula.
"""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.translation import gettext as _

from surveys.models import Question
from surveys.selectors import CHOICE_TYPES
from surveys.text import entered_text

from ..exports import spreadsheet_safe

Type = Question.Type
# The digits of Answer.number: a number the column cannot hold is refused, not rounded.
NUMBER_DIGITS, NUMBER_PLACES = 20, 6


class CellError(ValueError):
    """A cell that cannot be an answer to its question; the message says why."""


class AnswerRow(NamedTuple):
    """One row of the answers table, as compared and written: ids and values, no objects."""

    question_id: int
    choice_id: int | None
    rank: int | None
    number: Decimal | None
    text: str


def cell_text(cell) -> str:
    """Return the cell as text: numbers without a spurious ".0", no apostrophe added by an export."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    text = str(cell).strip() if not isinstance(cell, str) else entered_text(cell)
    return text[1:] if apostrophe_quoted(text) else text


def apostrophe_quoted(text: str) -> bool:
    """Tell whether the text is one or more apostrophes before what a spreadsheet would run as a formula.

    Such text was written with one apostrophe more than it holds (`quoted_cell`; exports add one too).
    """
    bare = text.lstrip("'")
    return len(bare) < len(text) and spreadsheet_safe(bare) != bare


def quoted_cell(text: str) -> str:
    """Return the text for a workbook cell that cell_text reads back exactly and no spreadsheet runs.

    Text that could start a formula gets a leading apostrophe, as in the exports; so does text
    that already starts with apostrophes before such text, so that taking one off gives it back.
    """
    return "'" + text if spreadsheet_safe(text) != text or apostrophe_quoted(text) else text


def cell_answers(question: Question, choices: dict[str, int], cell) -> list[AnswerRow]:
    """Return the answer rows the cell holds for the question (none if it is blank); raise CellError if it is wrong.

    `choices` maps the question's choice values to their ids.
    """
    text = cell_text(cell)
    if not text.strip():
        return []
    if question.type in CHOICE_TYPES:
        return [AnswerRow(question.pk, chosen(question, choices, text.strip()), None, None, "")]
    if question.type == Type.MULTIPLE_CHOICE:
        values = dict.fromkeys(chosen(question, choices, item.strip()) for item in text.split(";") if item.strip())
        return [AnswerRow(question.pk, choice_id, None, None, "") for choice_id in values]
    if question.type == Type.RANKING:
        return ranking_rows(question, choices, text)
    if question.type == Type.NUMBER:
        return [AnswerRow(question.pk, None, None, number_value(cell, text), "")]
    return [AnswerRow(question.pk, None, None, None, text_value(question, text))]


def chosen(question: Question, choices: dict[str, int], value: str) -> int:
    if value not in choices:
        raise CellError(
            _("“%(value)s” is not a choice of %(code)s (%(choices)s).")
            % {"value": value[:80], "code": question.code, "choices": ", ".join(choices)}
        )
    return choices[value]


def ranking_rows(question: Question, choices: dict[str, int], text: str) -> list[AnswerRow]:
    ranked = [chosen(question, choices, item.strip()) for item in text.split(">") if item.strip()]
    if len(set(ranked)) != len(ranked):
        raise CellError(_("%(code)s ranks the same item twice.") % {"code": question.code})
    return [AnswerRow(question.pk, choice_id, rank, None, "") for rank, choice_id in enumerate(ranked, 1)]


def number_value(cell, text: str) -> Decimal:
    try:
        number = Decimal(str(cell)) if isinstance(cell, (int, float)) else Decimal(text.strip())
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text[:80]}) from None
    if not number.is_finite() or number_too_long(number):
        raise CellError(
            _("%(value)s has more digits than a number answer keeps (20, 6 after the point).") % {"value": text[:80]}
        )
    return number


def number_too_long(number: Decimal) -> bool:
    places = max(-number.normalize().as_tuple().exponent, 0)
    whole = max(number.adjusted() + 1, 0)
    return places > NUMBER_PLACES or whole > NUMBER_DIGITS - NUMBER_PLACES


def text_value(question: Question, text: str) -> str:
    if len(text) > question.text_limit():
        raise CellError(
            _("the answer to %(code)s is longer than %(limit)d characters.")
            % {"code": question.code, "limit": question.text_limit()}
        )
    return text


def cell_time(cell) -> datetime | None:
    """Return the time in the cell (ISO 8601 text, or a workbook's date read as UTC), or None if it is blank."""
    if isinstance(cell, datetime):
        return cell if cell.tzinfo else cell.replace(tzinfo=UTC)
    text = cell_text(cell).strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CellError(_("“%(value)s” is not a date and time (2013-10-03T14:30:00+00:00).") % {"value": text[:40]})
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
