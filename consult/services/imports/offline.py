"""The offline questionnaire of a position: a workbook to circulate, then its answers brought back.

The workbook lists every current question with its allowed answers and the draft's answer, in
the layout of the answers export (a choice's value, several joined by "; ", a ranking's values
from first to last joined by " > "). A hidden column keeps each answer as it was downloaded and
a hidden sheet names the position and the version of each page, so that on the way back each
answer is one of: unchanged (the file keeps what was downloaded), a change (the draft still
holds what was downloaded), or a conflict (someone changed the draft since, differently).
An answer that a spreadsheet could run as a formula ("=HYPERLINK(...)", "-5 people") is written
behind an apostrophe, which the import takes off: the text comes back exactly as it was.
Changes go into the draft page by page through the same save as the questionnaire's pages:
the same permission, deadline, status and version checks. Nothing is ever submitted.

The same questionnaire also goes out as a Word document (offline_word.py); both kinds of file are
read into an OfflineFile, one entry per answer, and planned and applied here alike.
"""

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from surveys.models import Question, ResponseSection
from surveys.selectors import is_blank, response_values, survey_sections, section_questions
from surveys.services import SectionChange

from ...models import AuditEvent, Position, PositionEvent
from ..answering import position_section_save
from ..audit import audit_record
from ..exports import spreadsheet_safe
from .offline_parts import OfflineEntry, OfflineFile, OfflineFileError, cell_of, cell_value
from .offline_word import document_read, is_word_document
from .tables import xlsx_rows
from .values import CellError, cell_text, quoted_cell

SHEET, ABOUT = "Questionnaire", "About"
COLUMNS = ["code", "area", "question", "allowed answers", "answer", "downloaded"]


@dataclass(frozen=True)
class AnswerChange(SectionChange):
    """A question whose answer in the file differs from the saved one; a conflict if the saved one moved too."""

    is_conflict: bool


@dataclass
class OfflinePlan:
    changes: list[AnswerChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def conflicts(self) -> list[AnswerChange]:
        return [change for change in self.changes if change.is_conflict]

    @property
    def applicable(self) -> list[AnswerChange]:
        return [change for change in self.changes if not change.is_conflict]


def position_questions(position: Position) -> Iterator[tuple]:
    for section in survey_sections(position.response.survey):
        for question in section_questions(section):
            yield section, question


def offline_workbook_write(*, position: Position, stream) -> None:
    """Write the position's questionnaire, filled with its draft, as an XLSX workbook to the binary stream."""
    questions = list(position_questions(position))
    values = response_values(position.response, [question for _section, question in questions])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    for section, question in questions:
        # The answer and its copy as downloaded are read back exactly; the labels are only read by people.
        value = quoted_cell(cell_of(question, values.get(question.code)))
        labels = [spreadsheet_safe(text) for text in (f"{section.code}. {section.title}", question.text, allowed(question))]
        sheet.append([question.code, *labels, value, value])
    sheet.column_dimensions["F"].hidden = True
    sheet.column_dimensions["C"].width, sheet.column_dimensions["E"].width = 70, 40
    about = workbook.create_sheet(ABOUT)
    about.append(["position", str(position.pk)])
    about.append(["consultation", position.consultation.slug])
    about.append(["versions", json.dumps(page_versions(position))])
    about.sheet_state = "hidden"
    workbook.save(stream)


def allowed(question: Question) -> str:
    choices = [f"{choice.value} = {choice.label}" for choice in question.choices.all()]
    if question.type == Question.Type.MULTIPLE_CHOICE:
        return _("one or more, joined by “; ”: ") + "; ".join(choices)
    if question.type == Question.Type.RANKING:
        return _("all, from first to last, joined by “ > ”: ") + "; ".join(choices)
    if choices:
        return _("one of: ") + "; ".join(choices)
    if question.type == Question.Type.NUMBER:
        return _("a number")
    return _("text, %(count)s characters at most") % {"count": question.text_limit()}


def page_versions(position: Position) -> dict[str, int]:
    pages = ResponseSection.objects.filter(response=position.response).select_related("section")
    return {page.section.code: page.version for page in pages}


def offline_plan(*, position: Position, content: bytes, filename: str = "") -> OfflinePlan:
    """Return what applying the file would change; raise OfflineFileError naming every wrong place."""
    offline_file = offline_file_read(content, filename)
    if offline_file.position != str(position.pk) or offline_file.consultation != position.consultation.slug:
        raise OfflineFileError([_("This file is the questionnaire of another position or consultation.")])
    questions = dict((question.code, question) for _section, question in position_questions(position))
    saved = response_values(position.response, list(questions.values()))
    plan, errors = OfflinePlan(), []
    for entry in offline_file.entries:
        if entry.code not in questions:
            errors.append(_("%(place)s: “%(code)s” is not a question of this questionnaire; the file's structure was "
                            "changed.") % {"place": entry.place, "code": entry.code[:60]})
            continue
        question = questions.pop(entry.code)
        try:
            yours, downloaded = entry.read(question)
        except CellError as error:
            errors.append(_("%(place)s: %(problems)s") % {"place": entry.place, "problems": str(error)})
            continue
        change = answer_change(question, yours, downloaded, saved)
        if change:
            plan.changes.append(change)
        else:
            plan.unchanged += 1
    errors += [_("The question %(code)s is missing from the file; the file's structure was changed.") % {"code": code}
               for code in questions]
    if errors:
        raise OfflineFileError(errors)
    return plan


def offline_file_read(content: bytes, filename: str) -> OfflineFile:
    """Return the answers of a Word document or a workbook, told apart by their content or, failing that, name."""
    if is_word_document(content) or filename.lower().endswith(".docx"):
        return document_read(content)
    return workbook_read(content)


def workbook_read(content: bytes) -> OfflineFile:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet, about_sheet = workbook[SHEET], workbook[ABOUT]
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise OfflineFileError([_("This is not an offline questionnaire downloaded from this site.")]) from None
    rows = sheet.iter_rows(values_only=True)
    if [cell_text(cell) for cell in next(rows, ())[: len(COLUMNS)]] != COLUMNS:
        raise OfflineFileError([_("Row 1: the columns were changed; use the file as downloaded.")])
    about = {str(key): str(value) for key, value, *_rest in about_sheet.iter_rows(values_only=True)}
    entries = [row_entry(line, list(cells) + [None] * len(COLUMNS)) for line, cells in xlsx_rows(rows)]
    return OfflineFile(about.get("position", ""), about.get("consultation", ""), entries)


def row_entry(line: int, cells: list) -> OfflineEntry:
    def read(question: Question) -> tuple:
        return cell_value(question, cells[4]), cell_value(question, cells[5])

    return OfflineEntry(_("Row %(line)d") % {"line": line}, cell_text(cells[0]).strip(), read)


def answer_change(question: Question, yours, downloaded, saved: dict) -> AnswerChange | None:
    """Return the change the file's answer makes to the draft, a conflict, or None when it changes nothing."""
    current = saved.get(question.code)
    if same(yours, downloaded) or same(yours, current):
        return None
    return AnswerChange(question, current, yours, is_conflict=not same(current, downloaded))


def same(first, second) -> bool:
    def comparable(value):
        if is_blank(value):
            return None
        return sorted(value) if isinstance(value, list) else value

    return comparable(first) == comparable(second)


def offline_apply(*, position: Position, content: bytes, actor, filename: str = "") -> OfflinePlan:
    """Put the file's changes into the draft, page by page, and record it; conflicts are left as they are.

    Raise OfflineFileError for a bad file, and the page save's PositionNotEditable or StaleSection
    when the draft may not change now; either way nothing is changed.
    """
    with transaction.atomic():
        plan = offline_plan(position=position, content=content, filename=filename)
        by_section: dict = {}
        for change in plan.applicable:
            by_section.setdefault(change.question.section, {})[change.question.code] = change.yours
        versions = page_versions(position)
        for section, cleaned_data in by_section.items():
            position_section_save(position=position, section=section, cleaned_data=cleaned_data,
                                  expected_version=versions.get(section.code, 0), actor=actor)
        if by_section:
            comment = _("%(count)d answers from %(file)s") % {"count": len(plan.applicable), "file": filename}
            PositionEvent.objects.create(position=position, actor=actor, action=PositionEvent.Action.OFFLINE_APPLIED,
                                         comment=comment)
            audit_record(action=AuditEvent.Action.OFFLINE_APPLIED, actor=actor, consultation=position.consultation_id,
                         obj=position, details={"filename": filename, "answers": len(plan.applicable),
                                                "conflicts": len(plan.conflicts)})
    return plan
