"""Writing spreadsheets that are safe to open (issue 14, item 1).

Every XLSX the project exports writes its cells through `append_row`: text that a
spreadsheet program would take for a formula (starting with `=`, `+`, `-`, `@`, a tab or
a carriage return) is written as plain text, marked with a quote prefix, so an option
titled `=HYPERLINK(...)` shows as those characters and never runs. Numbers stay numbers.
"""

import io
from decimal import Decimal

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    """A value as openpyxl should store it: Decimals as floats, lazy labels as text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):  # a lazily translated label
        return str(value)
    return value


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def append_row(sheet, values, *, bold: bool = False) -> None:
    """Append one row to `sheet`, each text cell that looks like a formula as text."""
    sheet.append([cell_value(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if is_formula_like(cell.value):
            cell.data_type = "s"  # openpyxl took it for a formula ("f")
            cell.quotePrefix = True
        if bold:
            cell.font = Font(bold=True)


def workbook_bytes(sheets) -> bytes:
    """One worksheet per `(title, header, rows)`, the header bold, as .xlsx bytes."""
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(str(title)[:31])
        append_row(sheet, header, bold=True)
        for row in rows:
            append_row(sheet, row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
