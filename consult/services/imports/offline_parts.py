"""What the offline questionnaire's two kinds of file share: the answers they hold, read into one form.

A Word document (offline_word.py) and a workbook (offline.py) are each read into an OfflineFile,
one entry per answer, that offline.py plans and applies alike.
"""

from collections.abc import Callable
from dataclasses import dataclass

from surveys.models import Question
from surveys.selectors import is_blank

from .tables import FileProblems
from .values import cell_answers


class OfflineFileError(FileProblems):
    """A file that cannot be applied to the position; `errors` names each place that is wrong."""


@dataclass
class OfflineEntry:
    """One answer in an offline file: where it is (for messages), its question's code, and how to read it.

    `read(question)` returns the answer in the file and the answer as downloaded, as form values,
    and raises CellError when the file's answer cannot be one.
    """

    place: str
    code: str
    read: Callable[[Question], tuple]


@dataclass
class OfflineFile:
    position: str
    consultation: str
    entries: list[OfflineEntry]


def cell_of(question: Question, value) -> str:
    """Return a form value as the workbook writes it."""
    if is_blank(value):
        return ""
    if question.type == Question.Type.RANKING:
        return " > ".join(item for item, _rank in sorted(value.items(), key=lambda pair: pair[1]))
    if isinstance(value, (list, tuple)):
        return "; ".join(value)
    return str(value)


def cell_value(question: Question, cell):
    """Return a cell written as cell_of writes it as a form value; raise CellError if it cannot be one."""
    choices = {choice.value: choice.pk for choice in question.choices.all()}
    return form_value(question, cell_answers(question, choices, cell), choices)


def form_value(question: Question, rows, choices: dict[str, int]):
    """Return answer rows as the form value a page save takes."""
    if not rows:
        return None
    values = {choice_id: value for value, choice_id in choices.items()}
    if question.type == Question.Type.RANKING:
        return {values[row.choice_id]: row.rank for row in rows}
    if question.type == Question.Type.MULTIPLE_CHOICE:
        return [values[row.choice_id] for row in rows]
    row = rows[0]
    if row.choice_id is not None:
        return values[row.choice_id]
    return row.number if row.number is not None else row.text
