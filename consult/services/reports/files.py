"""What the file formats share: stable bytes for zipped documents and safe spreadsheet cells."""

import zipfile
from datetime import datetime
from io import BytesIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    """Return a cell value that no spreadsheet runs as a formula: text starting like one gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
