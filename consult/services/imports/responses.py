"""Importing responses from a table in the layout `export_responses` writes.

Use: responses received by e-mail or on paper, or collected elsewhere. The whole file is read
and checked first: any wrong line stops the import, every wrong line is listed with its number
and nothing is written. Then the plan is compared with the database: a respondent whose
position holds the same answers is left as it is (importing a file twice changes nothing), one
imported earlier from a file is updated, and a position made on the site is never overwritten.
The writes are set-based: a few statements for the whole file, whatever its size.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from surveys.models import Answer, Choice, Question, Response

from ...models import (
    Audience,
    AuditEvent,
    CivilSocietyOrganisation,
    Consultation,
    MemberState,
    Position,
    PositionEvent,
    Publication,
    ResponseImport,
)
from ..aggregation import aggregates_refresh_enqueue
from ..audit import audit_record
from ..demo_responses import answers_write
from ..exports import RESPONDENT_COLUMNS
from ..workflow import consultation_prefix, random_part
from .tables import Table, TableError, table_read
from .values import AnswerRow, CellError, cell_answers, cell_text, cell_time

# A file with more wrong lines than this is wrong as a whole: the first ones say what to fix.
ERRORS_LISTED = 200
Status = Position.Status


class ResponseImportError(ValueError):
    """A file of responses that cannot be imported; `errors` lists every problem, each naming its line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportLine:
    """One respondent's row, checked: who answers, how it may be published, and the answer rows."""

    line: int
    audience: str
    member_state: MemberState | None
    organisation_name: str
    country: str
    publication: str
    submitted_at: datetime | None
    receipt_number: str
    answers: frozenset[AnswerRow]
    organisation: CivilSocietyOrganisation | None = None
    position: Position | None = None

    @property
    def respondent_key(self) -> tuple:
        if self.member_state:
            return ("state", self.member_state.pk)
        return ("organisation", self.organisation_name.casefold(), self.country)

    @property
    def respondent_name(self) -> str:
        return self.member_state.name if self.member_state else self.organisation_name


@dataclass
class ImportPlan:
    """What importing the file would do; `summary()` says it in one sentence."""

    consultation: Consultation
    filename: str
    sha256: str
    lines: list[ImportLine] = field(default_factory=list)
    created: list[ImportLine] = field(default_factory=list)
    updated: list[ImportLine] = field(default_factory=list)
    unchanged: list[ImportLine] = field(default_factory=list)
    new_organisations: list[tuple[str, str]] = field(default_factory=list)  # (name, country)
    skipped: int = 0
    notices: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated)

    def counts(self) -> dict:
        return {
            "lines": len(self.lines), "created": len(self.created), "updated": len(self.updated),
            "unchanged": len(self.unchanged), "new_organisations": len(self.new_organisations),
            "skipped": self.skipped,
        }

    def outcomes(self) -> list[tuple[ImportLine, str]]:
        """Return each line with what happens to it ("created", "updated", "unchanged"), in file order."""
        outcomes = [(item, "created") for item in self.created] + [(item, "updated") for item in self.updated]
        outcomes += [(item, "unchanged") for item in self.unchanged]
        return sorted(outcomes, key=lambda outcome: outcome[0].line)

    def summary(self) -> str:
        return _(
            "%(created)d responses new, %(updated)d updated, %(unchanged)d unchanged, "
            "%(new_organisations)d organisations new (pending accreditation), %(skipped)d lines of the other audience skipped."
        ) % self.counts()


def responses_import_plan(
    *, consultation: Consultation, filename: str, content: bytes, audience: str | None = None
) -> ImportPlan:
    """Read and check the file, and compare it with the database; raise ResponseImportError listing every problem."""
    try:
        table = table_read(filename, content)
    except TableError as error:
        raise ResponseImportError([str(error)]) from None
    plan = ImportPlan(consultation, filename, hashlib.sha256(content).hexdigest())
    reader = LineReader(consultation, table.header)
    errors = reader.header_errors()
    if not errors:
        errors = lines_read(plan, reader, table, audience)
    if not errors and not plan.lines:
        errors = [_("The file holds no responses.")]
    if errors:
        raise ResponseImportError(errors_listed(errors))
    plan_compare(plan)
    return plan


def lines_read(plan: ImportPlan, reader: "LineReader", table: Table, audience: str | None) -> list[str]:
    errors, seen = [], {}
    for line, cells in table.rows:
        try:
            item = reader.line(line, cells)
        except CellError as error:
            errors.append(_("Line %(line)d: %(problems)s") % {"line": line, "problems": str(error)})
            continue
        if audience and item.audience != audience:
            plan.skipped += 1
            continue
        if item.respondent_key in seen:
            errors.append(
                _("Line %(line)d: %(name)s already answers on line %(first)d.")
                % {"line": line, "name": item.respondent_name, "first": seen[item.respondent_key]}
            )
        seen.setdefault(item.respondent_key, line)
        plan.lines.append(item)
    return errors


def errors_listed(errors: list[str]) -> list[str]:
    if len(errors) <= ERRORS_LISTED:
        return errors
    more = _("… and %(count)d more lines with problems.") % {"count": len(errors) - ERRORS_LISTED}
    return [*errors[:ERRORS_LISTED], more]


class LineReader:
    """Reads the rows of one file against the consultation's current questions."""

    def __init__(self, consultation: Consultation, header: list[str]):
        self.consultation = consultation
        self.header = header
        self.codes = header[len(RESPONDENT_COLUMNS):]
        self.questions = current_questions(consultation)
        self.states = {state.iso3: state for state in MemberState.objects.all()}

    def header_errors(self) -> list[str]:
        fixed = self.header[: len(RESPONDENT_COLUMNS)]
        if fixed != RESPONDENT_COLUMNS:
            return [_("Line 1: the file must start with the columns %(columns)s, as export_responses writes them.")
                    % {"columns": ", ".join(RESPONDENT_COLUMNS)}]
        known = {code for by_code in self.questions.values() for code in by_code}
        errors = [
            _("Line 1: “%(code)s” is not a question of this consultation.") % {"code": code[:80]}
            for code in self.codes if code not in known
        ]
        errors += [
            _("Line 1: the column “%(code)s” appears twice.") % {"code": code}
            for code in sorted({code for code in self.codes if self.codes.count(code) > 1})
        ]
        return errors

    def line(self, line: int, cells: list) -> ImportLine:
        """Return the checked line; raise CellError naming every problem of the line."""
        cells = list(cells) + [None] * (len(self.header) - len(cells))
        fixed = dict(zip(RESPONDENT_COLUMNS, cells))
        problems = []
        respondent = self.respondent(fixed, problems)
        answers = self.answers(respondent["audience"], cells[len(RESPONDENT_COLUMNS):], problems)
        publication = self.publication(respondent["audience"], cell_text(fixed["publication"]).strip(), problems)
        submitted_at = attempt(problems, cell_time, fixed["submitted_at"])
        if len(cells) > len(self.header) and any(cell_text(cell).strip() for cell in cells[len(self.header):]):
            problems.append(_("it has more values than the header has columns."))
        if problems:
            raise CellError(" ".join(problems))
        receipt = cell_text(fixed["receipt_number"]).strip()
        return ImportLine(line=line, publication=publication, submitted_at=submitted_at, receipt_number=receipt,
                          answers=frozenset(answers), **respondent)

    def respondent(self, fixed: dict, problems: list) -> dict:
        audience = cell_text(fixed["audience"]).strip()
        country = cell_text(fixed["country"]).strip().upper()
        name = " ".join(cell_text(fixed["respondent"]).split())
        found = {"audience": audience, "member_state": None, "organisation_name": name, "country": country}
        if audience == Audience.MEMBER_STATE:
            found["member_state"] = self.states.get(all_countries.alpha3(country) or country)
            if found["member_state"] is None:
                problems.append(_("“%(code)s” is not the ISO code of a member state.") % {"code": country[:10]})
        elif audience == Audience.CIVIL_SOCIETY:
            found["country"] = all_countries.alpha2(country)
            if not name:
                problems.append(_("the organisation's name is missing."))
            elif len(name) > CivilSocietyOrganisation._meta.get_field("name").max_length:
                problems.append(_("the organisation's name is too long."))
            if not found["country"]:
                problems.append(_("“%(code)s” is not an ISO country code.") % {"code": country[:10]})
        else:
            problems.append(_("the audience must be member_state or civil_society, not “%(value)s”.")
                            % {"value": audience[:40]})
        return found

    def publication(self, audience: str, value: str, problems: list) -> str:
        if not value:
            return self.consultation.member_state_publication if audience == Audience.MEMBER_STATE else Publication.CONFIDENTIAL
        if value not in Publication.values:
            problems.append(_("the publication must be one of %(choices)s, not “%(value)s”.")
                            % {"choices": ", ".join(Publication.values), "value": value[:40]})
        return value

    def answers(self, audience: str, cells: list, problems: list) -> list[AnswerRow]:
        questions = self.questions.get(audience, {})
        rows = []
        for code, cell in zip(self.codes, cells):
            if code not in questions:
                if cell_text(cell).strip() and audience in self.questions:
                    problems.append(_("%(code)s is not a question for %(audience)s.")
                                    % {"code": code, "audience": Audience(audience).label})
                continue
            question, choices = questions[code]
            rows += attempt(problems, cell_answers, question, choices, cell) or []
        return rows


def attempt(problems: list, function, *args):
    """Return what the function returns, or None after noting its CellError among the problems."""
    try:
        return function(*args)
    except CellError as error:
        problems.append(str(error))
        return None


def current_questions(consultation: Consultation) -> dict[str, dict[str, tuple[Question, dict[str, int]]]]:
    """Return {audience: {code: (question, {choice value: choice id})}} for the current questions."""
    questions = Question.objects.filter(survey__questionnaire__consultation=consultation, is_current=True)
    by_audience: dict = {}
    audiences = dict(questions.values_list("pk", "survey__questionnaire__audience"))
    choices: dict[int, dict[str, int]] = {}
    for question_id, value, choice_id in Choice.objects.filter(question__in=questions).order_by("order").values_list(
        "question_id", "value", "pk"
    ):
        choices.setdefault(question_id, {})[value] = choice_id
    for question in questions:
        by_audience.setdefault(audiences[question.pk], {})[question.code] = (question, choices.get(question.pk, {}))
    return by_audience


def plan_compare(plan: ImportPlan) -> None:
    """Sort the lines into new, updated and unchanged; raise ResponseImportError for positions made on the site."""
    organisations_match(plan)
    positions = existing_positions(plan)
    imported = set(
        PositionEvent.objects.filter(position__in=positions.values(), action=PositionEvent.Action.IMPORTED)
        .values_list("position_id", flat=True)
    )
    saved = saved_answers([position.response_id for position in positions.values()])
    errors = []
    for item in plan.lines:
        item.position = positions.get(item.respondent_key)
        if item.position is None:
            plan.created.append(item)
        elif is_unchanged(item, saved.get(item.position.response_id, frozenset())):
            plan.unchanged.append(item)
        elif item.position.pk in imported:
            plan.updated.append(item)
        else:
            errors.append(
                _("Line %(line)d: %(name)s already has a position made on the site (%(status)s); an import never overwrites it.")
                % {"line": item.line, "name": item.respondent_name, "status": item.position.get_status_display()}
            )
    if errors:
        raise ResponseImportError(errors_listed(errors))
    receipts_check(plan)


def organisations_match(plan: ImportPlan) -> None:
    """Find each organisation by its name (ignoring case) and country; list those to create as pending."""
    wanted = {item.organisation_name.casefold() for item in plan.lines if not item.member_state}
    found = {}
    for organisation in CivilSocietyOrganisation.objects.annotate(key=Lower("name")).filter(key__in=wanted).order_by("pk"):
        found.setdefault((organisation.name.casefold(), organisation.country.code), organisation)
    for item in plan.lines:
        if item.member_state:
            continue
        item.organisation = found.get((item.organisation_name.casefold(), item.country))
    plan.new_organisations = list(dict.fromkeys(
        (item.organisation_name, item.country) for item in plan.lines if not item.member_state and not item.organisation
    ))


def existing_positions(plan: ImportPlan) -> dict[tuple, Position]:
    states = [item.member_state.pk for item in plan.lines if item.member_state]
    organisations = [item.organisation.pk for item in plan.lines if item.organisation]
    positions = Position.objects.filter(consultation=plan.consultation).select_related("member_state", "organisation")
    found = positions.filter(member_state__in=states) | positions.filter(organisation__in=organisations)
    by_key = {}
    for position in found:
        if position.member_state_id:
            by_key[("state", position.member_state_id)] = position
        else:
            by_key[("organisation", position.organisation.name.casefold(), position.organisation.country.code)] = position
    return by_key


def saved_answers(response_ids: list) -> dict:
    """Return {response id: frozenset of AnswerRow} for the responses, read in one query."""
    rows: dict = {}
    answers = Answer.objects.filter(response_id__in=response_ids).values_list(
        "response_id", "question_id", "choice_id", "rank", "number", "text"
    )
    for response_id, *values in answers.iterator(chunk_size=10_000):
        rows.setdefault(response_id, set()).add(AnswerRow(*values))
    return {key: frozenset(value) for key, value in rows.items()}


def is_unchanged(item: ImportLine, answers: frozenset) -> bool:
    position = item.position
    return (
        position.status == Status.SUBMITTED
        and answers == item.answers
        and position.publication == item.publication
        and (item.submitted_at is None or position.submitted_at == item.submitted_at)
        and (not item.receipt_number or position.receipt_number == item.receipt_number)
    )


def receipts_check(plan: ImportPlan) -> None:
    """Refuse a receipt number given twice; note those already used elsewhere, which get a new number."""
    numbers = [item.receipt_number for item in plan.created + plan.updated if item.receipt_number]
    twice = sorted({number for number in numbers if numbers.count(number) > 1})
    if twice:
        raise ResponseImportError([_("The receipt number %(number)s is given twice.") % {"number": number}
                                   for number in twice])
    holders = dict(Position.objects.filter(receipt_number__in=numbers).values_list("receipt_number", "pk"))
    for item in plan.created + plan.updated:
        holder = holders.get(item.receipt_number)
        if holder and (item.position is None or holder != item.position.pk):
            plan.notices.append(
                _("Line %(line)d: the receipt number %(number)s belongs to another response; a new one will be issued.")
                % {"line": item.line, "number": item.receipt_number}
            )
            item.receipt_number = ""


def responses_import_apply(*, plan: ImportPlan, actor=None) -> ImportPlan:
    """Write what the plan says in one transaction: organisations, positions, answers, history, audit."""
    if not plan.changes:
        return plan
    now = timezone.now()
    with transaction.atomic():
        organisations_create(plan)
        positions_create(plan, now)
        positions_update(plan, now)
        answers_write((item.position.response_id, *row) for item in plan.created + plan.updated for row in item.answers)
        history_record(plan, actor)
        aggregates_refresh_enqueue(plan.consultation.pk)
    return plan


def organisations_create(plan: ImportPlan) -> None:
    names = {}
    for item in plan.lines:
        if item.organisation is None and item.member_state is None:
            names.setdefault((item.organisation_name.casefold(), item.country), item)
    created = CivilSocietyOrganisation.objects.bulk_create(
        CivilSocietyOrganisation(name=item.organisation_name, country=item.country,
                                 type=CivilSocietyOrganisation.Type.OTHER)
        for item in names.values()
    )
    by_key = {(organisation.name.casefold(), organisation.country.code): organisation for organisation in created}
    for item in plan.lines:
        if item.organisation is None and item.member_state is None:
            item.organisation = by_key[(item.organisation_name.casefold(), item.country)]


def positions_create(plan: ImportPlan, now: datetime) -> None:
    surveys = dict(plan.consultation.questionnaires.values_list("audience", "survey_id"))
    responses = Response.objects.bulk_create(
        Response(survey_id=surveys[item.audience], status=Response.Status.SUBMITTED,
                 submitted_at=item.submitted_at or now)
        for item in plan.created
    )
    receipts = receipts_new(plan, [item for item in plan.created if not item.receipt_number], now)
    positions = [
        Position(
            consultation=plan.consultation, audience=item.audience, member_state=item.member_state,
            organisation=item.organisation, response=response, status=Status.SUBMITTED, publication=item.publication,
            receipt_number=item.receipt_number or receipts[id(item)], submitted_at=item.submitted_at or now,
        )
        for item, response in zip(plan.created, responses)
    ]
    for item, position in zip(plan.created, Position.objects.bulk_create(positions)):
        item.position = position


def positions_update(plan: ImportPlan, now: datetime) -> None:
    if not plan.updated:
        return
    receipts = receipts_new(plan, [item for item in plan.updated if not item.receipt_number
                                   and not item.position.receipt_number], now)
    positions = []
    for item in plan.updated:
        position = item.position
        position.status, position.publication = Status.SUBMITTED, item.publication
        position.submitted_at = item.submitted_at or position.submitted_at or now
        position.receipt_number = item.receipt_number or position.receipt_number or receipts[id(item)]
        position.updated_at = now
        positions.append(position)
    Position.objects.bulk_update(positions, ["status", "publication", "submitted_at", "receipt_number", "updated_at"])
    response_ids = [position.response_id for position in positions]
    Answer.objects.filter(response_id__in=response_ids).delete()
    responses = [
        Response(pk=position.response_id, status=Response.Status.SUBMITTED, submitted_at=position.submitted_at,
                 updated_at=now)
        for position in positions
    ]
    Response.objects.bulk_update(responses, ["status", "submitted_at", "updated_at"])


def receipts_new(plan: ImportPlan, items: list[ImportLine], now: datetime) -> dict[int, str]:
    """Return a new unused receipt number for each line, by the line's id(), checked in one query per try."""
    prefix = consultation_prefix(Position(consultation=plan.consultation))
    numbers: dict[int, str] = {}
    while len(numbers) < len(items):
        waiting = [item for item in items if id(item) not in numbers]
        proposed = {
            id(item): "-".join([prefix, item.member_state.iso3 if item.member_state else "CSO",
                                f"{item.submitted_at or now:%Y}", random_part()])
            for item in waiting
        }
        taken = set(Position.objects.filter(receipt_number__in=proposed.values()).values_list("receipt_number", flat=True))
        taken |= set(numbers.values()) | {number for number, count in Counter(proposed.values()).items() if count > 1}
        numbers.update({key: number for key, number in proposed.items() if number not in taken})
    return numbers


def history_record(plan: ImportPlan, actor) -> None:
    PositionEvent.objects.bulk_create(
        PositionEvent(position=item.position, actor=actor, action=PositionEvent.Action.IMPORTED,
                      comment=f"{plan.filename}, line {item.line}")
        for item in plan.created + plan.updated
    )
    audit_record(
        action=AuditEvent.Action.RESPONSES_IMPORTED, actor=actor, consultation=plan.consultation,
        details={"filename": plan.filename, "sha256": plan.sha256, **plan.counts()},
    )


def response_import_upload(
    *, consultation: Consultation, filename: str, content: bytes, audience: str = "", actor=None
) -> ResponseImport:
    """Keep an uploaded file of responses until its preview is confirmed."""
    return ResponseImport.objects.create(
        consultation=consultation, filename=filename[:255], content=content, audience=audience or "",
        sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor,
    )


def response_import_plan(upload: ResponseImport) -> ImportPlan:
    """Return what importing the uploaded file would do now; raise ResponseImportError listing its problems."""
    return responses_import_plan(
        consultation=upload.consultation, filename=upload.filename, content=bytes(upload.content),
        audience=upload.audience or None,
    )


def response_import_confirm(*, upload: ResponseImport, actor) -> ImportPlan:
    """Import the uploaded file as it reads against the database now, once; raise ResponseImportError if it cannot be."""
    with transaction.atomic():
        upload = ResponseImport.objects.select_for_update().select_related("consultation").get(pk=upload.pk)
        if upload.imported_at:
            raise ResponseImportError([_("This file was already imported; nothing was changed.")])
        plan = responses_import_apply(plan=response_import_plan(upload), actor=actor)
        upload.imported_at, upload.summary = timezone.now(), plan.counts()
        upload.save(update_fields=["imported_at", "summary"])
    return plan
