"""What the file formats share: stable bytes for zipped documents and safe spreadsheet cells."""

import zipfile
from datetime import datetime
from io import BytesIO

from consult.services.exports import FORMULA_STARTS, xlsx_value

__all__ = ["FORMULA_STARTS", "fixed_zip", "neutralised"]


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


def neutralised(value):
    """Return a cell value that no spreadsheet runs as a formula: the raw answer exports' rule, one for all.

    Text starting like a formula, even after blanks or invisible characters, gets a leading ';
    characters a workbook cannot hold are dropped, so a stray control character fails no report.
    """
    return xlsx_value(value) if isinstance(value, str) else value
