"""Importing responses from a table: the layout `export_responses` writes, or a KoboToolbox/ODK export.

Use: responses received by e-mail or on paper, or collected elsewhere. The file is read a
chunk of lines at a time, each chunk checked and compared with the database: a respondent
whose position holds the same answers is left as it is (importing a file twice changes
nothing), one imported earlier from a file is updated, and a position made on the site is
never overwritten. Any wrong line stops the import: every wrong line is listed with its number
and nothing is written (the writes of earlier chunks are in the same transaction). Writes are
set-based, a few statements per chunk. The file is read as a stream: memory holds one chunk
(and the respondents seen, to refuse one twice), whatever the file's size.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from itertools import batched
from typing import BinaryIO

from django.core.files import File
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Answer, Response

from ...models import AuditEvent, CivilSocietyOrganisation, Consultation, Position, PositionEvent, ResponseImport
from ..aggregation import aggregates_refresh_enqueue
from ..bulk_loads import loaded_tables_analyse
from ..figure_changes import figures_recount_request
from ..audit import audit_record
from ..demo_responses import answers_write
from ..workflow import consultation_prefix, random_part
from .kobo import KoboReader, is_kobo_export
from .lines import ImportLine, LineReader
from .tables import FileProblems, TableError, table_read
from .values import AnswerRow, CellError

CHUNK = 1000
# A file with more wrong lines than this is wrong as a whole: the first ones say what to fix.
ERRORS_LISTED = 200
# Lines listed in a preview; the counts cover them all.
LINES_SHOWN = 200
Status = Position.Status


class ResponseImportError(FileProblems):
    """A file of responses that cannot be imported; `errors` lists every problem, each naming its line."""


class Problems(list):
    """Problems of the file's lines: the first ERRORS_LISTED kept, the others only counted, whatever the file's size."""

    more = 0

    def append(self, problem: str) -> None:
        if len(self) < ERRORS_LISTED:
            super().append(problem)
        else:
            self.more += 1

    def listed(self) -> list[str]:
        if not self.more:
            return list(self)
        return [*self, _("… and %(count)d more lines.") % {"count": self.more}]


@dataclass(frozen=True)
class LineOutcome:
    """What happens to one line, as a preview lists it."""

    line: int
    respondent: str
    country: str
    answers: int
    outcome: str  # "created", "updated" or "unchanged"


@dataclass
class ImportPlan:
    """What importing the file does (or would do); `summary()` says it in one sentence."""

    consultation: Consultation
    filename: str
    sha256: str
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    new_organisations: int = 0
    notices: list[str] = field(default_factory=Problems)
    shown: list[LineOutcome] = field(default_factory=list)
    # Across chunks: the first line of each respondent, receipt number and submission id.
    seen: dict = field(default_factory=dict)

    @property
    def changes(self) -> int:
        return self.created + self.updated

    def counts(self) -> dict:
        return {
            "lines": self.lines, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "new_organisations": self.new_organisations, "skipped": self.skipped,
        }

    def summary(self) -> str:
        return _(
            "%(created)d responses new, %(updated)d updated, %(unchanged)d unchanged, "
            "%(new_organisations)d organisations new (pending accreditation), %(skipped)d lines of the other audience skipped."
        ) % self.counts()


def responses_import_plan(
    *, consultation: Consultation, filename: str, file: BinaryIO, audience: str | None = None
) -> ImportPlan:
    """Read and check the file and say what importing it would change; raise ResponseImportError listing every problem.

    `file` is a binary file object that can seek (an open file, an upload): it is read as it is checked.
    """
    return lines_process(consultation, filename, file, audience, actor=None, write=False)


def responses_import(
    *, consultation: Consultation, filename: str, file: BinaryIO, audience: str | None = None, actor=None
) -> ImportPlan:
    """Import the file in one transaction, or nothing: raise ResponseImportError listing every problem."""
    with transaction.atomic():
        plan = lines_process(consultation, filename, file, audience, actor=actor, write=True)
        if plan.changes:
            audit_record(
                action=AuditEvent.Action.RESPONSES_IMPORTED, actor=actor, consultation=consultation,
                details={"filename": filename, "sha256": plan.sha256, **plan.counts()},
            )
            figures_recount_request(consultation_id=consultation.pk)
            aggregates_refresh_enqueue(consultation.pk)
    if plan.changes:
        loaded_tables_analyse()
    return plan


def lines_process(consultation, filename, file, audience, *, actor, write: bool) -> ImportPlan:
    plan = ImportPlan(consultation, filename, file_sha256(file))
    try:
        table = table_read(filename, file)
    except TableError as error:
        raise ResponseImportError([str(error)]) from None
    if is_kobo_export(table.header):
        reader = KoboReader(consultation, table.header, audience)
    else:
        reader = LineReader(consultation, table.header)
    errors = reader.header_errors()
    if errors:
        raise ResponseImportError(errors)
    errors = Problems()
    try:
        chunks_process(plan, reader, table, audience, errors, actor=actor, write=write)
    except TableError as error:  # A line further down that cannot be read at all.
        errors.append(str(error))
    if not errors and not plan.lines:
        errors.append(_("The file holds no responses."))
    if errors:
        raise ResponseImportError(errors.listed())
    plan.notices = plan.notices.listed()
    return plan


def chunks_process(plan: ImportPlan, reader, table, audience, errors: list, *, actor, write: bool) -> None:
    now = timezone.now()
    for rows in batched(table.rows, CHUNK):
        items = lines_read(plan, reader, rows, audience, errors)
        if not errors:
            chunk_compare(plan, items, errors)
        if not errors and write:
            chunk_write(plan, items, actor, now)


def lines_read(plan: ImportPlan, reader, rows, audience: str | None, errors: list) -> list[ImportLine]:
    """Return the chunk's checked lines of the audience; add each wrong line's problems to `errors`."""
    items = []
    for line, cells in rows:
        try:
            item = reader.line(line, cells)
        except CellError as error:
            errors.append(_("Line %(line)d: %(problems)s") % {"line": line, "problems": str(error)})
            continue
        if audience and item.audience != audience:
            plan.skipped += 1
            continue
        problem = repeated(plan.seen, item)
        if problem:
            errors.append(problem)
        plan.lines += 1
        items.append(item)
    return items


def repeated(seen: dict, item: ImportLine) -> str | None:
    """Return why the line repeats an earlier one (same respondent, receipt or submission), or None."""
    checks = [(item.respondent_key, _("%(name)s already answers on line %(first)d."), item.respondent_name)]
    if item.receipt_number:
        checks.append((("receipt", item.receipt_number), _("the receipt number %(name)s is also on line %(first)d."),
                       item.receipt_number))
    if item.instance_id:
        checks.append((("instance", item.instance_id), _("the submission %(name)s is also on line %(first)d."),
                       item.instance_id))
    for key, message, name in checks:
        if key in seen:
            problem = message % {"name": name, "first": seen[key]}
            return _("Line %(line)d: %(problems)s") % {"line": item.line, "problems": problem}
    seen.update({key: item.line for key, _message, _name in checks})
    return None


def chunk_compare(plan: ImportPlan, items: list[ImportLine], errors: list) -> None:
    """Decide each line's outcome against the database; add a line that would overwrite the site's work to `errors`."""
    organisations_match(plan, items)
    positions = existing_positions(plan.consultation, items)
    imported = set(
        PositionEvent.objects.filter(position__in=positions.values(), action=PositionEvent.Action.IMPORTED)
        .values_list("position_id", flat=True)
    )
    saved = saved_answers([position.response_id for position in positions.values()])
    for item in items:
        item.position = positions.get(item.respondent_key)
    replaced = receipts_check(items)
    for item in items:
        item.outcome = line_outcome(item, saved, imported)
        if not item.outcome:
            errors.append(
                _("Line %(line)d: %(name)s already has a position made on the site (%(status)s); an import never overwrites it.")
                % {"line": item.line, "name": item.respondent_name, "status": item.position.get_status_display()}
            )
            continue
        outcome_count(plan, item, replaced.get(id(item)))


def line_outcome(item: ImportLine, saved: dict, imported: set) -> str:
    """Return "created", "updated" or "unchanged", or "" when the line may not change the position it names."""
    if item.position is None:
        return "created"
    if is_unchanged(item, saved.get(item.position.response_id, frozenset())):
        return "unchanged"
    return "updated" if item.position.pk in imported else ""


def outcome_count(plan: ImportPlan, item: ImportLine, replaced_receipt: str | None) -> None:
    setattr(plan, item.outcome, getattr(plan, item.outcome) + 1)
    if item.organisation is None and item.member_state is None:
        plan.new_organisations += 1  # Each once: a respondent twice in the file is refused.
    if replaced_receipt and item.outcome != "unchanged":
        plan.notices.append(
            _("Line %(line)d: the receipt number %(number)s belongs to another response; a new one will be issued.")
            % {"line": item.line, "number": replaced_receipt}
        )
    if len(plan.shown) < LINES_SHOWN:
        plan.shown.append(LineOutcome(item.line, item.respondent_name, item.country, len(item.answers), item.outcome))


def organisations_match(plan: ImportPlan, items: list[ImportLine]) -> None:
    """Find each organisation by its name (ignoring case) and country."""
    wanted = {item.organisation_name.casefold() for item in items if not item.member_state}
    if not wanted:
        return
    found = {}
    for organisation in CivilSocietyOrganisation.objects.annotate(key=Lower("name")).filter(key__in=wanted).order_by("pk"):
        found.setdefault((organisation.name.casefold(), organisation.country.code), organisation)
    for item in items:
        if not item.member_state:
            item.organisation = found.get((item.organisation_name.casefold(), item.country))


def existing_positions(consultation: Consultation, items: list[ImportLine]) -> dict[tuple, Position]:
    states = [item.member_state.pk for item in items if item.member_state]
    organisations = [item.organisation.pk for item in items if item.organisation]
    positions = Position.objects.filter(consultation=consultation).select_related("member_state", "organisation")
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


def receipts_check(items: list[ImportLine]) -> dict[int, str]:
    """Forget the receipt numbers that belong to another response: those lines get a new number.

    Return the forgotten numbers by the id() of their line.
    """
    numbers = [item.receipt_number for item in items if item.receipt_number]
    holders = dict(Position.objects.filter(receipt_number__in=numbers).values_list("receipt_number", "pk"))
    replaced = {}
    for item in items:
        holder = holders.get(item.receipt_number)
        if holder and (item.position is None or holder != item.position.pk):
            replaced[id(item)], item.receipt_number = item.receipt_number, ""
    return replaced


def chunk_write(plan: ImportPlan, items: list[ImportLine], actor, now: datetime) -> None:
    """Write the chunk's new and changed responses: organisations, positions, answers and history."""
    created = [item for item in items if item.outcome == "created"]
    updated = [item for item in items if item.outcome == "updated"]
    organisations_create([item for item in created if item.organisation is None and item.member_state is None])
    positions_create(plan.consultation, created, now)
    positions_update(plan.consultation, updated, now)
    answers_write((item.position.response_id, *row) for item in created + updated for row in item.answers)
    PositionEvent.objects.bulk_create(
        PositionEvent(position=item.position, actor=actor, action=PositionEvent.Action.IMPORTED,
                      comment=f"{plan.filename}, line {item.line}" + (f", {item.instance_id}" if item.instance_id else ""))
        for item in created + updated
    )


def organisations_create(items: list[ImportLine]) -> None:
    """Create the organisations not yet known, pending accreditation."""
    created = CivilSocietyOrganisation.objects.bulk_create(
        CivilSocietyOrganisation(name=item.organisation_name, country=item.country,
                                 type=CivilSocietyOrganisation.Type.OTHER)
        for item in items
    )
    for item, organisation in zip(items, created):
        item.organisation = organisation


def positions_create(consultation: Consultation, items: list[ImportLine], now: datetime) -> None:
    surveys = dict(consultation.questionnaires.values_list("audience", "survey_id"))
    responses = Response.objects.bulk_create(
        Response(survey_id=surveys[item.audience], status=Response.Status.SUBMITTED, submitted_at=item.submitted_at or now)
        for item in items
    )
    receipts = receipts_new(consultation, [item for item in items if not item.receipt_number], now)
    positions = [
        Position(
            consultation=consultation, audience=item.audience, member_state=item.member_state,
            organisation=item.organisation, response=response, status=Status.SUBMITTED, publication=item.publication,
            receipt_number=item.receipt_number or receipts[id(item)], submitted_at=item.submitted_at or now,
        )
        for item, response in zip(items, responses)
    ]
    for item, position in zip(items, Position.objects.bulk_create(positions)):
        item.position = position


def positions_update(consultation: Consultation, items: list[ImportLine], now: datetime) -> None:
    if not items:
        return
    unnumbered = [item for item in items if not item.receipt_number and not item.position.receipt_number]
    receipts = receipts_new(consultation, unnumbered, now)
    positions = []
    for item in items:
        position = item.position
        position.status, position.publication, position.updated_at = Status.SUBMITTED, item.publication, now
        position.submitted_at = item.submitted_at or position.submitted_at or now
        position.receipt_number = item.receipt_number or position.receipt_number or receipts[id(item)]
        positions.append(position)
    Position.objects.bulk_update(positions, ["status", "publication", "submitted_at", "receipt_number", "updated_at"])
    Answer.objects.filter(response_id__in=[position.response_id for position in positions]).delete()
    Response.objects.bulk_update(
        [Response(pk=position.response_id, status=Response.Status.SUBMITTED, submitted_at=position.submitted_at,
                  updated_at=now) for position in positions],
        ["status", "submitted_at", "updated_at"],
    )


def receipts_new(consultation: Consultation, items: list[ImportLine], now: datetime) -> dict[int, str]:
    """Return a new unused receipt number for each line, by the line's id(), checked in one query per try."""
    prefix = consultation_prefix(Position(consultation=consultation))
    numbers: dict[int, str] = {}
    while len(numbers) < len(items):
        proposed = {
            id(item): "-".join([prefix, item.member_state.iso3 if item.member_state else "CSO",
                                f"{item.submitted_at or now:%Y}", random_part()])
            for item in items if id(item) not in numbers
        }
        taken = set(Position.objects.filter(receipt_number__in=proposed.values()).values_list("receipt_number", flat=True))
        for key, number in proposed.items():
            if number not in taken:
                numbers[key] = number
                taken.add(number)
    return numbers


def file_sha256(file: BinaryIO) -> str:
    """Return the SHA-256 of the file, read a block at a time, and rewind it."""
    digest = hashlib.file_digest(file, "sha256").hexdigest()
    file.seek(0)
    return digest


def response_import_upload(*, consultation: Consultation, file: File, audience: str = "", actor=None) -> ResponseImport:
    """Keep an uploaded file of responses (in the media storage) until its preview is confirmed."""
    return ResponseImport.objects.create(
        consultation=consultation, filename=file.name[:255], file=file, audience=audience or "",
        sha256=file_sha256(file), uploaded_by=actor,
    )


def upload_options(upload: ResponseImport) -> dict:
    return {"consultation": upload.consultation, "filename": upload.filename, "audience": upload.audience or None}


def response_import_plan(upload: ResponseImport) -> ImportPlan:
    """Return what importing the uploaded file would do now; raise ResponseImportError listing its problems."""
    with upload.file.open("rb") as file:
        return responses_import_plan(**upload_options(upload), file=file)


def response_import_confirm(*, upload: ResponseImport, actor) -> ImportPlan:
    """Import the uploaded file as it reads against the database now, once; raise ResponseImportError if it cannot be."""
    with transaction.atomic():
        upload = ResponseImport.objects.select_for_update().select_related("consultation").get(pk=upload.pk)
        if upload.imported_at:
            raise ResponseImportError([_("This file was already imported; nothing was changed.")])
        with upload.file.open("rb") as file:
            plan = responses_import(**upload_options(upload), file=file, actor=actor)
        upload.imported_at, upload.summary = timezone.now(), plan.counts()
        upload.save(update_fields=["imported_at", "summary"])
    return plan
