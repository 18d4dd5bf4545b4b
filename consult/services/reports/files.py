"""What the file formats share: stable bytes for zipped documents, text any document can hold, safe cells."""

import re
import zipfile
from datetime import datetime
from io import BytesIO

# Word's line and page breaks, and NEL: line breaks as the writer meant them.
BREAKS = re.compile("[\x0b\x0c\x85]")
# What XML 1.0 (Word, spreadsheets, the HTML read for PDF) cannot hold, lone surrogates (that UTF-8
# cannot encode either) included, and the C1 controls that no font draws.
NOT_IN_DOCUMENTS = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What a spreadsheet may read as the start of a formula, full-width forms included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Blanks and invisible characters a spreadsheet may skip before reading a formula.
LEADING_BLANKS = re.compile(r"^[\s\x00-\x1f\u200b-\u200d\u2060\ufeff]+")
XLSX_CELL_LIMIT = 32767


def fixed_zip(content: bytes, moment: datetime) -> bytes:
    """Return the zipped document with every entry dated `moment`, so the same summary gives the same bytes."""
    source = zipfile.ZipFile(BytesIO(content))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return buffer.getvalue()


def document_text(text: str) -> str:
    """Return the text without what a document cannot hold; Word's line and page breaks become line breaks.

    Text is cleaned where it enters (surveys.text); every writer still passes its text through
    here, so that text stored before that, or by another path, fails no build.
    """
    # Every break BREAKS turns into a line feed is also outside NOT_IN_DOCUMENTS' set: most text
    # (cleaned where it came in) has nothing to change, found in one pass and no copy.
    if NOT_IN_DOCUMENTS.search(text) is None:
        return text
    return NOT_IN_DOCUMENTS.sub("", BREAKS.sub("\n", text))


def spreadsheet_safe(value):
    """Return the value so that no spreadsheet runs it: text that could start a formula gets a leading apostrophe."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    blanks = LEADING_BLANKS.match(value)
    if blanks and value.startswith(FORMULA_STARTS, blanks.end()):
        return "'" + value
    return value


def xlsx_value(value):
    """Return a workbook cell: text neutralised, holdable and within Excel's limit; times without a zone (UTC)."""
    if isinstance(value, str):
        return spreadsheet_safe(document_text(value)[: XLSX_CELL_LIMIT - 1])
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def neutralised(value):
    """Return a cell value that no spreadsheet runs as a formula: the raw answer exports' rule, one for all.

    Text starting like a formula, even after blanks or invisible characters, gets a leading ';
    characters a workbook cannot hold are dropped, so a stray control character fails no report.
    """
    return xlsx_value(value) if isinstance(value, str) else value
