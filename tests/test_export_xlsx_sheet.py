"""The export's worksheet writer: every cell made safe, a text seen before too, in bounded memory."""

from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook
from xlsxwriter import Workbook

from consult.services import exports
from consult.services.exports import CACHED_TEXT_LENGTH, XLSX_OPTIONS, XlsxSheet

# Each text as it reads back: formulas neutralised, carriage returns kept, rich-text markup kept as
# text, characters a workbook cannot hold dropped, empty text no cell at all.
TEXTS = {
    "=1+1": "'=1+1",
    "a\rb": "a\rb",
    "<r><t>x</t></r>": "<r><t>x</t></r>",
    "\x07=bell": "'=bell",
    "plain": "plain",
    "": None,
}


def written(tmp_path, rows, sheet_check=None):
    """Write the rows through XlsxSheet and return them as openpyxl reads them back."""
    path = tmp_path / "sheet.xlsx"
    workbook = Workbook(str(path), XLSX_OPTIONS)
    sheet = XlsxSheet(workbook, "Responses")
    for index, row in enumerate(rows):
        sheet.write_row(index, row)
    if sheet_check:
        sheet_check(sheet)
    workbook.close()
    return [list(row) for row in load_workbook(path).active.values]


def test_a_text_repeated_in_many_cells_is_made_safe_in_every_one(tmp_path):
    rows = [[text, 1, text] for text in TEXTS] * 3

    table = written(tmp_path, rows)

    assert table == [[safe, 1, safe] for safe in TEXTS.values()] * 3


def test_numbers_and_times_are_written_by_their_type_beside_remembered_texts(tmp_path):
    moment = datetime(2025, 3, 1, 12, 30)
    rows = [["5", 5, Decimal("2.5"), moment, None, "5"]] * 2

    table = written(tmp_path, rows)

    assert table == [["5", 5, 2.5, moment, None, "5"]] * 2
    assert [type(value) for value in table[0][:2]] == [str, int]


def test_the_sheet_remembers_only_short_texts_and_only_so_many(monkeypatch, tmp_path):
    monkeypatch.setattr(exports, "CACHED_TEXTS", 10)
    long_text = "=" + "x" * CACHED_TEXT_LENGTH
    rows = [[f"=answer {index}", long_text, "=shared"] for index in range(50)]

    def check(sheet):
        assert 0 < len(sheet.cells) <= 10
        assert all(len(text) <= CACHED_TEXT_LENGTH for text in sheet.cells)

    table = written(tmp_path, rows, check)

    assert table == [[f"'=answer {index}", "'" + long_text, "'=shared"] for index in range(50)]
