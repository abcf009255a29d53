"""Importing a key-enterprise list from a spreadsheet (api.md "Key-enterprise lists").

Columns `credit_code,name,region,industry,categories,reason` (or their Chinese
headings, HEADINGS_ZH), categories separated by `;`. Every row is checked before
anything is written; any bad row and nothing is saved. Each error names the row, the
field, the column as the file headed it and the value it held (issue 17 item 10). Bulk
queries, so 5,000 rows take seconds.
"""

import io
import itertools

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.choices import Role
from core.credit_code import make_credit_code, normalize, validate_credit_code
from core.errors import RowErrors
from core.i18n import is_chinese
from core.roles import require_role
from core.tables import MAX_ROWS, read_table
from core.xlsx import append_row

from .choices import Category
from .models import Enterprise, Industry, KeyEnterpriseList, ListEntry, Region
from .services import require_draft, require_province_officer

COLUMNS = ["credit_code", "name", "region", "industry", "categories", "reason"]
HEADINGS_ZH = ["统一社会信用代码", "企业名称", "行政区划代码", "行业代码", "类别", "列入原因"]
ALIASES = dict(zip(HEADINGS_ZH, COLUMNS, strict=True)) | {c: c for c in COLUMNS}
# The Chinese short names of the categories are accepted as well as the codes.
CATEGORY_ZH = {
    Category.EXCEEDS_STANDARDS: "双超",
    Category.TOXIC_HAZARDOUS: "双有",
    Category.ENERGY_INTENSIVE: "高耗能",
}
CATEGORY_ALIASES = {c.value: c.value for c in Category} | {
    zh: category.value for category, zh in CATEGORY_ZH.items()
}
# What each column holds, for the import page (with its Chinese heading).
COLUMN_HELP = {
    "credit_code": gettext_lazy(
        "18-character unified social credit code (GB 32100), with a valid check character"
    ),
    "name": gettext_lazy("Enterprise name; a known enterprise gets this name"),
    "region": gettext_lazy(
        "Six-digit GB/T 2260 region code in the list's province (and in your jurisdiction)"
    ),
    "industry": gettext_lazy("Two-digit GB/T 4754 division code"),
    "categories": gettext_lazy(
        "One or more of exceeds_standards, toxic_hazardous, energy_intensive "
        "(or 双超, 双有, 高耗能), separated by ';'"
    ),
    "reason": gettext_lazy("Why the enterprise is listed (optional)"),
}


def import_columns() -> list[dict]:
    """The columns the import reads: code, the Chinese heading it also accepts, help."""
    return [
        {"code": code, "zh": zh, "help": COLUMN_HELP[code]}
        for code, zh in zip(COLUMNS, HEADINGS_ZH, strict=True)
    ]


def read_rows(upload) -> tuple[list[dict], dict[str, str]]:
    """The spreadsheet's rows as dicts keyed by COLUMNS, and each column's heading as
    the file wrote it; raises RowErrors for a file that cannot be read at all (row 0:
    the file). Bounded in size, rows and time (core.tables, issue 14)."""
    table = read_table(upload, max_rows=MAX_ROWS, max_cols=len(COLUMNS) + 10)
    header = [
        ALIASES.get(cell.strip().lower() if cell.isascii() else cell.strip()) for cell in table[0]
    ]
    headings = {}
    for column, cell in zip(header, table[0], strict=True):
        if column:
            headings.setdefault(column, cell.strip())
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        zh = dict(zip(COLUMNS, HEADINGS_ZH, strict=True))
        raise RowErrors(
            [
                {
                    "row": 1,
                    "field": column,
                    # The heading to add, in the reader's language.
                    "column": zh[column] if is_chinese() else column,
                    "value": "",
                    "message": _("Missing column."),
                }
                for column in missing
            ]
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
    return rows, headings


def _check_rows(actor, key_list, rows, headings=None):
    """Every error of every row (with the column as the file headed it and the value
    it held), and the cleaned rows."""
    headings = headings or {}
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
        errors.append(
            {
                "row": row["row"],
                "field": field,
                "column": headings.get(field, field),
                "value": str(row.get(field, "")).strip(),
                "message": str(message),
            }
        )

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
    enterprises and update the names of known ones. All or nothing. The province's
    (a city proposes entries: procedures)."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    require_province_officer(actor, key_list.province_id)
    key_list = KeyEnterpriseList.objects.select_for_update().get(pk=key_list.pk)
    require_draft(key_list)
    rows, headings = read_rows(upload)
    errors, clean = _check_rows(actor, key_list, rows, headings)
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
                    "column": headings.get("credit_code", "credit_code"),
                    "value": row["credit_code"],
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


def _category_choices(chinese: bool) -> list[str]:
    """Every non-empty combination of the categories, as the column takes them."""
    names = [CATEGORY_ZH[c] if chinese else c.value for c in Category]
    return [
        ";".join(combination)
        for size in range(1, len(names) + 1)
        for combination in itertools.combinations(names, size)
    ]


def template_workbook() -> bytes:
    """The downloadable import template: headings and one example row, in the reader's
    language (the Chinese headings and category names in the Chinese UI), with a
    drop-down of the categories (every combination) in the categories column."""
    chinese = is_chinese()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "重点企业" if chinese else "key-enterprises"
    append_row(sheet, HEADINGS_ZH if chinese else COLUMNS)
    example_code = make_credit_code(division="320100", serial=12345678)
    append_row(
        sheet,
        [
            example_code,
            "示例纸业有限公司",
            "320115",
            "22",
            "双超;双有" if chinese else "exceeds_standards;toxic_hazardous",
            "COD 排放超过总量控制指标",
        ],
    )
    for column, width in zip("ABCDEF", (22, 30, 10, 10, 36, 40), strict=True):
        sheet.column_dimensions[column].width = width
    # The drop-down's choices on a sheet of their own (a list in the formula itself
    # would be cut at 255 characters and split at the ';' the values hold).
    choices = _category_choices(chinese)
    values = book.create_sheet("categories")
    for choice in choices:
        append_row(values, [choice])
    values.sheet_state = "hidden"
    column = get_column_letter(COLUMNS.index("categories") + 1)
    validation = DataValidation(
        type="list",
        formula1=f"=categories!$A$1:$A${len(choices)}",
        allow_blank=False,
        showErrorMessage=True,
        errorTitle=_("Category"),
        error=_("Choose the categories from the list."),
    )
    validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
    sheet.add_data_validation(validation)
    notes = book.create_sheet("说明" if chinese else "notes")
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
