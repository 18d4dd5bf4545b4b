"""Reading a KoboToolbox or ODK Central export of a form written by `export_xlsform`.

Columns are matched by the XLSForm names (`q_1_1_priority`), whatever group path precedes them
(`area_1/q_1_1_priority` in KoboToolbox, `area_1-q_1_1_priority` in ODK Central). Each row is
turned into a row of the export layout and read by `LineReader`, so the same checks apply; the
submission's instance id (`meta/instanceID`, else `_uuid`) travels with the line.
"""

import re

from django.utils.translation import gettext as _

from surveys.models import Question

from ...models import Audience, Consultation
from ..exports import RESPONDENT_COLUMNS
from ..xlsform import question_name
from .lines import ImportLine, LineReader, current_questions
from .values import cell_text

INSTANCE_COLUMNS = ("instanceID", "_uuid")
RESPONDENT_NAMES = {"country", "organisation", "publication"}
SUBMITTED_COLUMNS = ("_submission_time", "SubmissionDate", "end")
# What KoboToolbox and ODK Central add to every export, beside the form's own fields.
METADATA = {
    "start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "audit",
    "SubmissionDate", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
    "ReviewState", "DeviceID", "Edits", "FormVersion", "instanceID", "instanceName", "deprecatedID",
}
PATH = re.compile(r"[/-]")


def is_kobo_export(header: list[str]) -> bool:
    return any(PATH.split(column)[-1] in INSTANCE_COLUMNS for column in header)


class KoboReader:
    """Reads a KoboToolbox or ODK Central export into the lines `LineReader` checks."""

    def __init__(self, consultation: Consultation, header: list[str], audience: str | None):
        self.header = header
        self.names = [PATH.split(column) for column in header]
        has_organisation = any(path[-1] == "organisation" for path in self.names)
        self.audience = audience or (Audience.CIVIL_SOCIETY if has_organisation else Audience.MEMBER_STATE)
        questions = current_questions(consultation).get(self.audience, {})
        self.questions = {question_name(code): question for code, (question, _choices) in questions.items()}
        self.codes = [question.code for question in self.questions.values()]
        self.reader = LineReader(consultation, [*RESPONDENT_COLUMNS, *self.codes])

    def header_errors(self) -> list[str]:
        return [
            _("Line 1: “%(code)s” is not a question of this consultation.") % {"code": column[:80]}
            for column, path in zip(self.header, self.names) if not self.is_known(path)
        ]

    def is_known(self, path: list[str]) -> bool:
        name = path[-1]
        if name in self.questions or name in RESPONDENT_NAMES or name in METADATA or name.startswith("_"):
            return True
        # A select_multiple split into one 0/1 column per choice: "group/q_x/choice".
        return len(path) > 1 and path[-2] in self.questions

    def line(self, line: int, cells: list) -> ImportLine:
        values = {path[-1]: cell for path, cell in zip(self.names, cells) if cell not in (None, "")}
        fixed = {
            "respondent": values.get("organisation", ""), "country": values.get("country", ""),
            "audience": self.audience, "publication": values.get("publication", ""),
            "submitted_at": next((values[name] for name in SUBMITTED_COLUMNS if name in values), ""),
            "receipt_number": "", "region": "", "sub-region": "",
        }
        answers = [answer_cell(self.questions[question_name(code)], values.get(question_name(code))) for code in self.codes]
        item = self.reader.line(line, [*(fixed[column] for column in RESPONDENT_COLUMNS), *answers])
        item.instance_id = instance_id(values)
        return item


def answer_cell(question: Question, cell):
    """Return a Kobo/ODK value as the export layout writes it: choices space-separated there."""
    text = cell_text(cell).strip()
    if question.type == Question.Type.MULTIPLE_CHOICE:
        return "; ".join(text.split())
    if question.type == Question.Type.RANKING:
        return " > ".join(text.split())
    return cell


def instance_id(values: dict) -> str:
    found = next((cell_text(values[name]).strip() for name in INSTANCE_COLUMNS if name in values), "")
    return found.removeprefix("uuid:")
