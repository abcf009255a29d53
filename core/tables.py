"""Reading a spreadsheet upload (.xlsx or .csv in UTF-8 or GB18030) as rows of text
cells, for the imports of every app; an unreadable or empty file is a RowErrors on
row 0 ("the file").

Bounded (issue 14): at most MAX_IMPORT_BYTES uploaded, `max_rows` rows (streamed:
reading stops at the limit, and a workbook whose declared dimensions or expanded size
exceed the limits is refused unread), and IMPORT_PARSE_SECONDS of reading."""

import csv
import io
import time
import zipfile

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import RowErrors

MAX_ROWS = 20000


class Unreadable(Exception):
    """The file cannot be taken as an import; the message says why."""


def file_error(message) -> RowErrors:
    return RowErrors([{"row": 0, "field": "file", "message": str(message)}])


def _too_many_rows(max_rows: int) -> Unreadable:
    return Unreadable(_("At most %(n)d rows per file.") % {"n": max_rows})


def _bounded(rows, *, max_rows: int, deadline: float):
    """The rows, until max_rows + 1 (the header) have been seen, within the time bound."""
    for count, row in enumerate(rows):
        if count > max_rows:
            raise _too_many_rows(max_rows)
        if count % 256 == 0 and time.monotonic() > deadline:
            raise Unreadable(
                _("The file took longer than %(n)d seconds to read.")
                % {"n": settings.IMPORT_PARSE_SECONDS}
            )
        yield row


def _xlsx_rows(data: bytes, *, max_rows: int, max_cols: int | None, deadline: float):
    """A workbook's first sheet, streamed (openpyxl read-only), after checking what the
    package declares: its expanded size and the sheet's dimensions (a "zip bomb" of a few
    kilobytes can expand to gigabytes or hundreds of thousands of rows)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        expanded = sum(info.file_size for info in package.infolist())
    if expanded > settings.MAX_IMPORT_EXPANDED_BYTES:
        raise Unreadable(
            _("The workbook expands to more than %(size)s.")
            % {"size": filesizeformat(settings.MAX_IMPORT_EXPANDED_BYTES)}
        )
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        declared = sheet.max_row  # from the sheet's <dimension>, when it declares one
        if declared is not None and declared > max_rows + 1:
            raise _too_many_rows(max_rows)
        rows = sheet.iter_rows(values_only=True, max_col=max_cols)
        yield from (
            ["" if v is None else str(v).strip() for v in row]
            for row in _bounded(rows, max_rows=max_rows, deadline=deadline)
        )
    finally:
        book.close()


def _csv_rows(data: bytes, *, max_rows: int, deadline: float):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Unreadable(_("The file is neither UTF-8 nor GB18030 text."))
    rows = csv.reader(io.StringIO(text))
    yield from (
        [cell.strip() for cell in row]
        for row in _bounded(rows, max_rows=max_rows, deadline=deadline)
    )


def read_table(upload, *, max_rows: int = MAX_ROWS, max_cols: int | None = None):
    """The non-empty rows of the first sheet (at most `max_cols` columns read), each cell
    stripped text."""
    name = (upload.name or "").lower()
    too_large = file_error(
        _("The file is larger than %(size)s.") % {"size": filesizeformat(settings.MAX_IMPORT_BYTES)}
    )
    if upload.size is not None and upload.size > settings.MAX_IMPORT_BYTES:
        raise too_large
    data = upload.read(settings.MAX_IMPORT_BYTES + 1)
    if len(data) > settings.MAX_IMPORT_BYTES:
        raise too_large
    deadline = time.monotonic() + settings.IMPORT_PARSE_SECONDS
    try:
        if data[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
            rows = _xlsx_rows(data, max_rows=max_rows, max_cols=max_cols, deadline=deadline)
        else:
            rows = _csv_rows(data, max_rows=max_rows, deadline=deadline)
        table = list(rows)
    except Unreadable as exc:
        raise file_error(exc) from exc
    except Exception as exc:  # openpyxl and csv raise many kinds; all mean "unreadable"
        raise file_error(
            _("The file could not be read as .xlsx or .csv: %(error)s") % {"error": exc}
        ) from exc
    table = [row for row in table if any(row)]
    if not table:
        raise file_error(_("The file is empty."))
    return table
