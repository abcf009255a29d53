"""Importing a key-enterprise list from a spreadsheet (api.md "Key-enterprise lists").

Columns `credit_code,name,region,industry,categories,reason` (or their Chinese
headings), categories separated by `;`. Every row is checked before anything is
written; any bad row and nothing is saved. Bulk queries, so 5,000 rows take seconds.
"""

import csv
import io

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import Role
from core.credit_code import make_credit_code, normalize, validate_credit_code
from core.errors import RowErrors
from core.roles import require_role
from core.xlsx import append_row

from .choices import Category
from .models import Enterprise, Industry, KeyEnterpriseList, ListEntry, Region
from .services import require_draft

COLUMNS = ["credit_code", "name", "region", "industry", "categories", "reason"]
HEADINGS_ZH = ["统一社会信用代码", "企业名称", "行政区划代码", "行业代码", "类别", "列入原因"]
ALIASES = dict(zip(HEADINGS_ZH, COLUMNS, strict=True)) | {c: c for c in COLUMNS}
# The Chinese short names of the categories are accepted as well as the codes.
CATEGORY_ALIASES = {c.value: c.value for c in Category} | {
    "双超": Category.EXCEEDS_STANDARDS,
    "双有": Category.TOXIC_HAZARDOUS,
    "高耗能": Category.ENERGY_INTENSIVE,
}
MAX_ROWS = 20000


def read_rows(upload) -> list[dict]:
    """The spreadsheet's rows as dicts keyed by COLUMNS; raises RowErrors for a file
    that cannot be read at all (row 0: the file)."""
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
        raise RowErrors(
            [
                {
                    "row": 0,
                    "field": "file",
                    "message": _("The file could not be read as .xlsx or .csv: %(error)s")
                    % {"error": exc},
                }
            ]
        ) from exc
    table = [row for row in table if any(row)]
    if not table:
        raise RowErrors([{"row": 0, "field": "file", "message": _("The file is empty.")}])
    header = [
        ALIASES.get(cell.strip().lower() if cell.isascii() else cell.strip()) for cell in table[0]
    ]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise RowErrors(
            [{"row": 1, "field": column, "message": _("Missing column.")} for column in missing]
        )
    if len(table) - 1 > MAX_ROWS:
        raise RowErrors(
            [
                {
                    "row": 0,
                    "field": "file",
                    "message": _("At most %(n)d rows per file.") % {"n": MAX_ROWS},
                }
            ]
        )
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        row = {"row": number}
        for column, cell in zip(header, cells, strict=False):
            if column:
                row[column] = cell
        rows.append(row)
    return rows


def _check_rows(actor, key_list, rows):
    """Every error of every row, and the cleaned rows."""
    province = key_list.province_id[:2]
    prefix = actor.scope_prefix if actor.role == Role.AUTHORITY else province
    regions = set(Region.objects.filter(code__startswith=province).values_list("code", flat=True))
    known_regions = regions | set(
        Region.objects.exclude(code__startswith=province)
        .filter(code__in={row.get("region", "") for row in rows})
        .values_list("code", flat=True)
    )
    industries = set(Industry.objects.filter(level="division").values_list("code", flat=True))
    errors, clean, seen = [], [], {}

    def error(row, field, message):
        errors.append({"row": row["row"], "field": field, "message": str(message)})

    for row in rows:
        code = normalize(row.get("credit_code", ""))
        before = len(errors)
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            error(row, "credit_code", exc.messages[0])
        else:
            if code in seen:
                error(row, "credit_code", _("Duplicate of row %(row)d.") % {"row": seen[code]})
            seen.setdefault(code, row["row"])
        name = row.get("name", "").strip()
        if not name:
            error(row, "name", _("The name is missing."))
        elif len(name) > 200:
            error(row, "name", _("The name is longer than 200 characters."))
        region = row.get("region", "").strip()
        if region not in known_regions:
            error(row, "region", _("Unknown region code “%(code)s”.") % {"code": region})
        elif region not in regions:
            error(row, "region", _("Region %(code)s is in another province.") % {"code": region})
        elif not region.startswith(prefix):
            error(
                row, "region", _("Region %(code)s is outside your jurisdiction.") % {"code": region}
            )
        industry = row.get("industry", "").strip()
        if industry.isdigit() and len(industry) == 1:
            industry = "0" + industry  # a spreadsheet drops the leading zero of 01–09
        if industry not in industries:
            error(row, "industry", _("Unknown industry division “%(code)s”.") % {"code": industry})
        raw = [part.strip() for part in row.get("categories", "").replace("；", ";").split(";")]
        raw = [part for part in raw if part]
        unknown = [part for part in raw if part not in CATEGORY_ALIASES]
        if unknown:
            error(
                row,
                "categories",
                _("Unknown category: %(values)s.") % {"values": ", ".join(unknown)},
            )
        elif not raw:
            error(row, "categories", _("Give at least one category."))
        if len(errors) == before:
            clean.append(
                {
                    "credit_code": code,
                    "name": name,
                    "region": region,
                    "industry": industry,
                    "reason": row.get("reason", "").strip(),
                    "categories": {CATEGORY_ALIASES[part] for part in raw},
                }
            )
    return errors, clean


@transaction.atomic
def key_list_import(*, actor, key_list: KeyEnterpriseList, upload) -> dict:
    """Add or update the entries of a draft list from a spreadsheet; create missing
    enterprises and update the names of known ones. All or nothing."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    key_list = KeyEnterpriseList.objects.select_for_update().get(pk=key_list.pk)
    require_draft(key_list)
    errors, clean = _check_rows(actor, key_list, read_rows(upload))
    known = Enterprise.objects.in_bulk(
        [row["credit_code"] for row in clean], field_name="credit_code"
    )
    for row in clean:
        enterprise = known.get(row["credit_code"])
        if enterprise and not enterprise.region_id.startswith(key_list.province_id[:2]):
            errors.append(
                {
                    "row": None,
                    "field": "credit_code",
                    "message": _("%(code)s is registered in another province.")
                    % {"code": row["credit_code"]},
                }
            )
    if errors:
        raise RowErrors(
            sorted(
                errors,
                key=lambda e: (
                    e["row"] or 0,
                    COLUMNS.index(e["field"]) if e["field"] in COLUMNS else 99,
                ),
            )
        )

    new = [
        Enterprise(
            credit_code=row["credit_code"],
            name=row["name"],
            region_id=row["region"],
            industry_id=row["industry"],
        )
        for row in clean
        if row["credit_code"] not in known
    ]
    Enterprise.objects.bulk_create(new, batch_size=1000)
    renamed = []
    for row in clean:
        enterprise = known.get(row["credit_code"])
        if enterprise and enterprise.name != row["name"]:
            enterprise.name = row["name"]
            renamed.append(enterprise)
    Enterprise.objects.bulk_update(renamed, ["name"], batch_size=1000)
    enterprises = {e.credit_code: e for e in new} | known

    entries = {
        entry.enterprise_id: entry
        for entry in key_list.entries.active().filter(
            enterprise_id__in=[e.pk for e in enterprises.values()]
        )
    }
    created, updated = [], []
    for row in clean:
        enterprise = enterprises[row["credit_code"]]
        entry = entries.get(enterprise.pk)
        if entry is None:
            entry = ListEntry(key_list=key_list, enterprise=enterprise, proposed_by=actor)
            created.append(entry)
        else:
            updated.append(entry)
        entry.categories = row["categories"]
        entry.reason = row["reason"]
    ListEntry.objects.bulk_create(created, batch_size=1000)
    ListEntry.objects.bulk_update(
        updated,
        ["exceeds_standards", "toxic_hazardous", "energy_intensive", "reason"],
        batch_size=1000,
    )
    return {"created": len(created), "updated": len(updated)}


def template_workbook() -> bytes:
    """The downloadable import template: headings and one example row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "key-enterprises"
    append_row(sheet, COLUMNS)
    example_code = make_credit_code(division="320100", serial=12345678)
    append_row(
        sheet,
        [
            example_code,
            "示例纸业有限公司",
            "320115",
            "22",
            "exceeds_standards;toxic_hazardous",
            "COD 排放超过总量控制指标",
        ],
    )
    for column, width in zip("ABCDEF", (22, 30, 10, 10, 36, 40), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("notes")
    for line in (
        ["credit_code", "18-character unified social credit code (GB 32100) / 统一社会信用代码"],
        ["region", "six-digit GB/T 2260 code in the province / 行政区划代码"],
        ["industry", "two-digit GB/T 4754-2017 division / 国民经济行业大类代码"],
        ["categories", "; separated: " + ", ".join(Category.values) + " (or 双超;双有;高耗能)"],
    ):
        append_row(notes, line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
