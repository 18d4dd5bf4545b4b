"""Reading a table from an uploaded CSV or XLSX file: a header, then rows with their line numbers."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException


class FileProblems(ValueError):
    """A file that cannot be taken in; `errors` lists every problem, each naming its place in the file."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class TableError(ValueError):
    """A file that cannot be read as a table; the message says why, for a person to read."""


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list]]  # (line number, cells), blank lines left out


def table_read(filename: str, file: BinaryIO) -> Table:
    """Return the table in a CSV (UTF-8, comma, semicolon or tab) or XLSX (first sheet) file, read as its rows are taken."""
    signature = file.read(4)
    file.seek(0)
    if filename.lower().endswith(".xlsx") or signature == b"PK\x03\x04":
        return xlsx_table(file)
    return csv_table(file)


def csv_table(file: BinaryIO) -> Table:
    # Decoded as it is read: memory holds a buffer of the file, never the file.
    stream = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        first_line = stream.readline()
        stream.seek(0)
        reader = csv.reader(stream, delimiter=csv_delimiter(first_line))
        header = [cell.strip() for cell in next(reader, [])]
    except UnicodeDecodeError:
        raise TableError(not_text_message()) from None
    except csv.Error:
        raise TableError(_("Line 1 is not a valid CSV line.")) from None
    return Table(header, csv_rows(reader))


def not_text_message() -> str:
    return _("The file is neither UTF-8 text nor an XLSX workbook: save it as “CSV UTF-8”.")


def csv_delimiter(first_line: str) -> str:
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def csv_rows(reader) -> Iterator[tuple[int, list]]:
    """Yield the records numbered as a spreadsheet numbers its rows (a text with line breaks is one row)."""
    line = 1
    try:
        for line, cells in enumerate(reader, 2):
            if any(cell.strip() for cell in cells):
                yield line, cells
    except UnicodeDecodeError:
        raise TableError(not_text_message()) from None
    except csv.Error:
        raise TableError(_("Line %(line)d is not a valid CSV line.") % {"line": line + 1}) from None


def xlsx_table(file: BinaryIO) -> Table:
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
        raise TableError(_("The file is not a readable XLSX workbook.")) from None
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    return Table(header, xlsx_rows(rows))


def xlsx_rows(rows) -> Iterator[tuple[int, list]]:
    for line, cells in enumerate(rows, 2):
        if any(cell not in (None, "") for cell in cells):
            yield line, list(cells)
