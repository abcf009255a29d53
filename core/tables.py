"""Reading a spreadsheet upload (.xlsx or .csv in UTF-8 or GB18030) as rows of text
cells, for the imports of every app; an unreadable or empty file is a RowErrors on
row 0 ("the file")."""

import csv
import io

import openpyxl
from django.utils.translation import gettext as _

from .errors import RowErrors


def file_error(message) -> RowErrors:
    return RowErrors([{"row": 0, "field": "file", "message": message}])


def read_table(upload) -> list[list[str]]:
    """The non-empty rows of the first sheet, each cell stripped text."""
    name = (upload.name or "").lower()
    data = upload.read()
    try:
        if data[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            table = [
                ["" if v is None else str(v).strip() for v in row]
                for row in book.worksheets[0].iter_rows(values_only=True)
            ]
        else:
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = data.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ValueError(_("The file is neither UTF-8 nor GB18030 text."))
            table = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except Exception as exc:  # openpyxl and csv raise many kinds; all mean "unreadable"
        raise file_error(
            _("The file could not be read as .xlsx or .csv: %(error)s") % {"error": exc}
        ) from exc
    table = [row for row in table if any(row)]
    if not table:
        raise file_error(_("The file is empty."))
    return table
