"""Exports of the raw submitted answers: one row per submitted response, one column per question code.

Positions are read with a server-side cursor and their answers fetched one chunk of responses at
a time, on a reader thread that keeps two chunks ahead of the writing: memory stays flat however
many responses there are, and the database's time overlaps Python's. The workbook is written by
XlsxWriter in constant-memory mode, each row flushed to a temporary file as soon as the next
begins. Every cell and header is made safe to open in a spreadsheet: text a spreadsheet would
run as a formula gets a leading apostrophe (OWASP's advice on CSV injection); numbers stay numbers.
"""

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import reduce
from itertools import batched

from django.db.models import Q, QuerySet
from django_countries import countries as all_countries
from xlsxwriter import Workbook

from surveys.models import Question

from ..models import Audience, Consultation, MemberState, Position, RegionalGrouping
from ..models.languages import local_name, name_order
from ..replica import lines_from_replica, reads_from_replica
from .answer_cells import RESPONSE_KEY, response_cells
from .read_ahead import each_read_ahead
from .reports.files import XLSX_CELL_LIMIT, document_text, spreadsheet_safe, xlsx_value

CHUNK = 500
RESPONDENT_COLUMNS = [
    "respondent", "country", "region", "sub-region", "audience", "publication", "submitted_at", "receipt_number",
]
POSITION_FIELDS = [
    "response_key", "audience", "publication", "submitted_at", "receipt_number",
    "state_name", "member_state__iso3", "region_name", "subregion_name",
    "organisation__name", "organisation__country",
]
BOM = "\ufeff"
XLSX_OPTIONS = {
    "constant_memory": True,
    # Every cell is written by its type (write_string, write_number): no text is ever guessed to be
    # a formula, a link or a number, whichever writer method a later change calls.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# The format openpyxl gives times, which the importer (and every earlier export) reads back.
XLSX_MOMENT = {"num_format": "yyyy-mm-dd h:mm:ss"}
# The texts XlsxSheet remembers: a megabyte at most, however many rows.
CACHED_TEXTS = 4096
CACHED_TEXT_LENGTH = 100
XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


@reads_from_replica
def responses_export_csv(
    *, consultation: Consultation, audience: str | None = None, grouping: RegionalGrouping | None = None,
    states: QuerySet | None = None, stream,
) -> int:
    """Write the submitted responses as CSV (UTF-8 with a BOM) to the text stream; return the row count."""
    lines = responses_csv_lines(consultation=consultation, audience=audience, grouping=grouping, states=states)
    rows = 0
    for rows, line in enumerate(lines):  # The header is line 0: the last index is the number of rows.
        stream.write(line)
    return rows


def responses_csv_lines(
    *, consultation: Consultation, audience: str | None = None, grouping: RegionalGrouping | None = None,
    states: QuerySet | None = None,
) -> Iterator[str]:
    """Yield the CSV export line by line, the header first, for a streaming response (read from the replica)."""
    return lines_from_replica(csv_lines(consultation, audience, export_states(grouping, states)))


def csv_lines(consultation, audience, states) -> Iterator[str]:
    writer = csv.writer(LineBuffer(), quoting=csv.QUOTE_STRINGS)
    codes = question_codes(consultation, audience)
    yield BOM + writer.writerow(csv_row([*RESPONDENT_COLUMNS, *codes]))
    for row in response_rows(consultation, audience, states, codes):
        yield writer.writerow(csv_row(row))


def csv_row(row: list) -> list:
    """Return the row safe for a CSV file: no formula, no character UTF-8 cannot hold, times as ISO 8601 text."""
    # Inline type tests: this runs for every cell of the export, most of them empty.
    return [
        value if value is None else csv_text(value) if value.__class__ is str else csv_value(value) for value in row
    ]


def csv_text(text: str) -> str:
    return spreadsheet_safe(document_text(text))


def csv_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return csv_text(value) if isinstance(value, str) else value


class LineBuffer:
    """A file that hands back what is written to it, so csv.writer can feed a generator."""

    def write(self, line: str) -> str:
        return line


@reads_from_replica
def responses_export_xlsx(
    *, consultation: Consultation, audience: str | None = None, grouping: RegionalGrouping | None = None,
    states: QuerySet | None = None, path,
) -> int:
    """Write the submitted responses as an XLSX workbook to the path (or binary file); return the row count."""
    workbook = Workbook(path, XLSX_OPTIONS)
    sheet = XlsxSheet(workbook, "Responses")
    codes = question_codes(consultation, audience)
    sheet.write_row(0, [*RESPONDENT_COLUMNS, *codes])
    rows = 0
    for rows, row in enumerate(response_rows(consultation, audience, export_states(grouping, states), codes), 1):
        sheet.write_row(rows, row)
    workbook.close()
    return rows


class XlsxSheet:
    """A worksheet that writes each cell by its type, safe for a workbook: no formula, no character
    XML forbids, no cell over Excel's limit, times without a zone (UTC)."""

    def __init__(self, workbook: Workbook, name: str):
        self.sheet = workbook.add_worksheet(name)
        self.sheet.freeze_panes(1, 1)
        self.moment = workbook.add_format(XLSX_MOMENT)
        # Each short text as it goes into the sheet, by the text as read: choice labels, countries and
        # regions repeat in every row, and are made safe once instead of once a row.
        self.cells: dict[str, str] = {}

    def write_row(self, index: int, row: list) -> None:
        # XlsxWriter's undecorated writers (3.3.1, pinned): the public ones only add, for every cell,
        # a check for "A1" notation.
        cells, write_string, write_number = self.cells, self.sheet._write_string, self.sheet._write_number
        for column, value in enumerate(row):
            kind = value.__class__
            if kind is str:  # The usual cells are tested inline: a call fewer for each.
                if value:  # As openpyxl did, empty text gets no cell at all, which reads back as None.
                    cell = cells.get(value)
                    if cell is None:
                        self.write_text(index, column, value)
                    else:
                        write_string(index, column, cell)
            elif kind is int:
                write_number(index, column, value)
            elif value is not None:
                self.write_value(index, column, value)

    def write_value(self, index: int, column: int, value) -> None:
        if isinstance(value, str):
            if value:
                self.write_text(index, column, value)
        elif isinstance(value, datetime):
            self.sheet._write_datetime(index, column, xlsx_value(value), self.moment)
        else:
            self.sheet._write_number(index, column, value)

    def write_text(self, index: int, column: int, value: str) -> None:
        text = xlsx_value(value)
        # XlsxWriter escapes text, but copies text shaped like its own rich text ("<r>...</r>") into
        # the XML as it is in constant-memory mode: an answer could smuggle a formula cell in. And a
        # bare carriage return in XML reads back as a line feed. Such text goes in as one rich run
        # escaped here, carriage returns as character references, if that fits XlsxWriter's limit.
        if "\r" not in text and not (text.startswith("<r>") and text.endswith("</r>")):
            cell = text
        else:
            cell = f'<r><t xml:space="preserve">{text.translate(XML_ESCAPES)}</t></r>'
            if len(cell.encode("utf-16-le")) > 2 * XLSX_CELL_LIMIT:
                # Three plain runs, escaped by XlsxWriter; only carriage returns become line feeds.
                self.sheet.write_rich_string(index, column, text[0], text[1], text[2:])
                return
        self.remember(value, cell)
        self.sheet._write_string(index, column, cell)

    def remember(self, value: str, cell: str) -> None:
        # Long texts seldom repeat, and a bounded cache keeps the export's memory flat.
        if len(value) > CACHED_TEXT_LENGTH:
            return
        if len(self.cells) >= CACHED_TEXTS:
            self.cells.clear()
        self.cells[value] = cell


def export_states(grouping: RegionalGrouping | None, states: QuerySet | None) -> QuerySet | None:
    """Return the states to export (and whose countries' organisations to export), or None for all."""
    if grouping is None:
        return states
    members = MemberState.objects.filter(groupings=grouping)
    return members if states is None else members.filter(pk__in=states.values("pk"))


def question_codes(consultation: Consultation, audience: str | None) -> list[str]:
    """Return the current question codes of the audience's questionnaire, or of both, in questionnaire order."""
    audiences = [audience] if audience else [Audience.MEMBER_STATE, Audience.CIVIL_SOCIETY]
    return reduce(codes_union, (survey_codes(consultation, each) for each in audiences))


def survey_codes(consultation: Consultation, audience: str) -> list[str]:
    questions = Question.objects.filter(
        survey__questionnaire__consultation=consultation, survey__questionnaire__audience=audience, is_current=True
    )
    return list(questions.order_by("section__order", "section__code", "order", "code").values_list("code", flat=True))


def codes_union(first: list[str], second: list[str]) -> list[str]:
    """Return the codes of both lists once: the first's order, each code only the second has put
    just before the next code the two share (so "1.1-importance" lands before "1-ranking")."""
    shared, result, pending = set(first), list(first), []
    for code in second:
        if code not in shared:
            pending.append(code)
            continue
        at = result.index(code)
        result[at:at] = pending
        pending = []
    return result + pending


def response_rows(consultation, audience, states, codes) -> Iterator[list]:
    """Yield one row per submitted response: the respondent's columns, then one value per code."""
    places = country_places()
    for chunk, answers in answered_chunks(submitted_positions(consultation, audience, states), codes):
        for position in chunk:
            values = answers.get(position.response_key, {})
            yield [*respondent_cells(position, places), *map(values.get, codes)]


def submitted_positions(consultation, audience, states) -> QuerySet:
    """Return the submitted positions to export, member states first, by name in the active language."""
    # Built here, not at import: the names are in the language active when the export runs.
    place_names = {
        "state_name": local_name("member_state__"),
        "region_name": local_name("member_state__region__"),
        "subregion_name": local_name("member_state__subregion__"),
    }
    positions = Position.objects.counted().filter(consultation=consultation)
    if audience:
        positions = positions.filter(audience=audience)
    if states is not None:
        positions = positions.filter(Q(member_state__in=states) | Q(organisation__country__in=states.alpha2_codes()))
    # "member_state" sorts after "civil_society": descending puts the states first.
    ordered = positions.order_by("-audience", name_order("member_state__"), "organisation__name", "pk")
    return ordered.annotate(response_key=RESPONSE_KEY, **place_names).values_list(*POSITION_FIELDS, named=True)


def country_places() -> dict[str, tuple[str, str]]:
    """Return the region and sub-region of each country by ISO alpha-2, to place organisations."""
    states = MemberState.objects.values_list("iso3", local_name("region__"), local_name("subregion__"))
    return {all_countries.alpha2(iso3): (region, subregion) for iso3, region, subregion in states}


def respondent_cells(position, places) -> list:
    if position.member_state__iso3:
        name, country = position.state_name, position.member_state__iso3
        region, subregion = position.region_name, position.subregion_name
    else:
        name, country = position.organisation__name, position.organisation__country
        region, subregion = places.get(country, ("", ""))
    submitted_at = position.submitted_at.astimezone(UTC) if position.submitted_at else None
    return [name, country, region, subregion, position.audience, position.publication, submitted_at,
            position.receipt_number or ""]


def answered_chunks(positions: QuerySet, codes: list[str]) -> Iterator[tuple[tuple, dict]]:
    """Yield each chunk of the positions (annotated with their response_key) with its answers, read ahead."""

    def chunks():
        return batched(positions.iterator(chunk_size=CHUNK), CHUNK)

    def answers(chunk):
        return chunk_answers([position.response_key for position in chunk], codes)

    return each_read_ahead(chunks, answers)


def chunk_answers(response_keys: list[str], codes: list[str]) -> dict:
    """Return {response key: {code: cell}} for the responses, read in one query."""
    return response_cells(response_keys, codes)
