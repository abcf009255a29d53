"""Writing spreadsheets that are safe to open (issue 14, item 1).

Every XLSX the project exports writes its cells through `append_row`: text that a
spreadsheet program would take for a formula (starting with `=`, `+`, `-`, `@`, a tab or
a carriage return) is written as plain text, marked with a quote prefix, so an option
titled `=HYPERLINK(...)` shows as those characters and never runs. Numbers stay numbers.
"""

import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
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
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)  # Excel keeps no zone
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


# --- the lists' exports (issue 16, item 5) -------------------------------------------
#
# Every list page answers `?export=xlsx` with what it shows: the same filtered queryset,
# in the same order, every row (not only the current page), the header in the reader's
# language. Bounded: above MAX_EXPORT_ROWS rows the export is refused with a 400 page
# that says to narrow the filters (a workbook is built in memory, so it is not streamed).
# The link is templates/includes/export_link.html.

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_ROWS = 10_000


def export_requested(request) -> bool:
    return request.method == "GET" and request.GET.get("export") == "xlsx"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(request, *, name: str, title, header, items, row=None) -> HttpResponse:
    """`items` (a queryset or a list, in the page's order) as `name`.xlsx, one sheet
    `title` with `header` and `row(item)` for each item (the item itself without `row`);
    a 400 page above MAX_EXPORT_ROWS."""
    count = len(items) if isinstance(items, list | tuple) else items.count()
    if count > MAX_EXPORT_ROWS:
        return render(
            request,
            "includes/export_refused.html",
            {"count": count, "limit": MAX_EXPORT_ROWS},
            status=400,
        )
    rows = (row(item) if row else item for item in items)
    return xlsx_response(workbook_bytes([(title, header, rows)]), f"{name}.xlsx")
