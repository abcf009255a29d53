"""Writes of the survey app: the status survey (entered as lines or pasted from a
spreadsheet), monitoring imports, the CP level evaluation and the industry systems.
Each is all-or-nothing: bad rows come back as RowErrors ({"row","field","message"}) and
nothing is written. Who and when are kept on the record it changes."""

import hashlib
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from audits.choices import CLOSED
from audits.models import Audit
from audits.workflow import require_editable
from core.errors import RowErrors, StateConflict
from core.roles import require_role
from core.tables import file_error, read_table

from . import energy, grading
from .choices import Direction, LineCategory, MonitoringSource
from .models import (
    YEARS,
    AuditEvaluation,
    EvaluationIndicator,
    EvaluationSystem,
    IndicatorValue,
    MonitoringFigure,
    MonitoringImport,
    Survey,
    SurveyLine,
)

MAX_LINES = 500
MAX_MONITORING_ROWS = 100_000

# A pasted sheet names the category by its code or label, in either language.
CATEGORY_ALIASES = {c.value: c.value for c in LineCategory} | {
    "产品": LineCategory.OUTPUT,
    "产量": LineCategory.OUTPUT,
    "product": LineCategory.OUTPUT,
    "原辅材料": LineCategory.RAW_MATERIAL,
    "原料": LineCategory.RAW_MATERIAL,
    "原材料": LineCategory.RAW_MATERIAL,
    "material": LineCategory.RAW_MATERIAL,
    "水": LineCategory.WATER,
    "用水": LineCategory.WATER,
    "取水": LineCategory.WATER,
    "新鲜水": LineCategory.WATER,
    "能源": LineCategory.ENERGY,
    "能耗": LineCategory.ENERGY,
    "废水": LineCategory.WASTEWATER,
    "污染物": LineCategory.POLLUTANT,
    "排放": LineCategory.POLLUTANT,
    "emission": LineCategory.POLLUTANT,
    "固废": LineCategory.SOLID_WASTE,
    "一般固废": LineCategory.SOLID_WASTE,
    "危废": LineCategory.HAZARDOUS_WASTE,
    "危险废物": LineCategory.HAZARDOUS_WASTE,
}
for _choice in LineCategory:
    CATEGORY_ALIASES[str(_choice.label).lower()] = _choice.value


def first_year_for(audit: Audit) -> int:
    """The first of the three years before the audit: its list's year, or the year it
    started, or this year, less three."""
    entry = audit.list_entry
    year = entry.key_list.year if entry is not None else None
    year = year or (audit.started_on or timezone.localdate()).year
    return year - YEARS


def number(text, *, row, field, errors, minimum=Decimal(0)) -> Decimal | None:
    """A cell as a decimal ("1,234.5", "1 234", blank and "-" for none)."""
    if text is None:
        return None
    if isinstance(text, Decimal | int | float):
        text = str(text)
    text = str(text).strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    if text in ("", "-", "—", "/"):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append({"row": row, "field": field, "message": _("Not a number.")})
        return None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 14:
        errors.append({"row": row, "field": field, "message": _("Not a number.")})
        return None
    if minimum is not None and value < minimum:
        errors.append({"row": row, "field": field, "message": _("Not negative.")})
        return None
    return value


def _line(data: dict, row: int, position: int, errors: list) -> SurveyLine:
    def error(field, message):
        errors.append({"row": row, "field": field, "message": message})

    raw_category = str(data.get("category") or "").strip()
    category = CATEGORY_ALIASES.get(raw_category.lower(), CATEGORY_ALIASES.get(raw_category))
    if category is None:
        error("category", _("Unknown category “%(value)s”.") % {"value": raw_category})
    name = str(data.get("name") or "").strip()
    unit = str(data.get("unit") or "").strip()
    if not name:
        error("name", _("Give the name."))
    if not unit:
        error("unit", _("Give the unit."))
    if len(name) > 120 or len(unit) > 40:
        error("name", _("Too long."))
    values = data.get("values") or []
    if len(values) > YEARS:
        error("values", _("Three years, one value each."))
    values = list(values) + [None] * (YEARS - len(values))
    numbers = [
        number(v, row=row, field=f"values[{i}]", errors=errors) for i, v in enumerate(values)
    ]
    carrier = str(data.get("carrier") or "").strip()
    factor = number(data.get("tce_factor"), row=row, field="tce_factor", errors=errors)
    if category == LineCategory.ENERGY:
        carrier = carrier or energy.carrier_for(name) or ""
        if carrier and carrier not in energy.CARRIERS:
            error("carrier", _("Unknown energy carrier “%(value)s”.") % {"value": carrier})
        if factor is None and carrier in energy.CARRIERS:
            factor = energy.default_factor(carrier, unit)
            if factor is None:
                error(
                    "unit",
                    _("%(carrier)s is converted to tce from %(unit)s; give the factor.")
                    % {"carrier": energy.CARRIERS[carrier][0], "unit": energy.CARRIERS[carrier][1]},
                )
        elif factor is None:
            error(
                "carrier",
                _(
                    "Name the energy carrier (e.g. electricity, raw coal, natural gas) or "
                    "give the tce factor."
                ),
            )
    else:
        carrier, factor = "", None
    return SurveyLine(
        position=position,
        category=category or "",
        name=name,
        unit=unit,
        carrier=carrier,
        tce_factor=factor,
        value_1=numbers[0],
        value_2=numbers[1],
        value_3=numbers[2],
        reason=str(data.get("reason") or "").strip(),
    )


def require_survey_editor(actor, audit: Audit) -> Audit:
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    require_editable(actor, audit)
    return audit


@transaction.atomic
def survey_save(
    *,
    actor,
    audit: Audit,
    lines: list[dict],
    first_year: int | None = None,
    intensity_threshold_pct=None,
    monitoring_tolerance_pct=None,
    reason: str = "",
) -> Survey:
    """The whole survey, its lines replaced (each line `{"category","name","unit",
    "values": [y1, y2, y3], "carrier"?, "tce_factor"?, "reason"?}`)."""
    audit = require_survey_editor(actor, audit)
    if len(lines) > MAX_LINES:
        raise RowErrors(
            [{"row": 0, "field": "lines", "message": _("At most %(n)d lines.") % {"n": MAX_LINES}}]
        )
    errors: list[dict] = []
    rows = [_line(data, row, row, errors) for row, data in enumerate(lines, start=1)]
    if errors:
        raise RowErrors(errors)
    survey = Survey.objects.filter(audit=audit).first() or Survey(audit=audit)
    survey.first_year = first_year or survey.first_year or first_year_for(audit)
    if intensity_threshold_pct is not None:
        survey.intensity_threshold_pct = intensity_threshold_pct
    if monitoring_tolerance_pct is not None:
        survey.monitoring_tolerance_pct = monitoring_tolerance_pct
    survey.updated_by = actor
    survey.reason = reason
    survey.full_clean(exclude=["audit"])
    survey.save()
    survey.lines.all().delete()
    for line in rows:
        line.survey = survey
    SurveyLine.objects.bulk_create(rows)
    return survey


@transaction.atomic
def survey_line_save(
    *, actor, audit: Audit, line: SurveyLine | None, data: dict, reason: str
) -> SurveyLine:
    """One line of the survey changed in place, or added after the others (`line`
    None): the checks of a whole survey (`data` as one of its lines), errors as
    RowErrors of row 1. The survey keeps who changed it, when and why (a reason is
    required: the figures were entered already)."""
    audit = require_survey_editor(actor, audit)
    survey = Survey.objects.select_for_update().filter(audit=audit).first()
    if survey is None:
        raise StateConflict(
            _("There is no status survey to change yet."),
            unmet=[_("Paste the three years' table first.")],
        )
    if not (reason or "").strip():
        raise RowErrors([{"row": 1, "field": "reason", "message": _("Give the reason.")}])
    lines = survey.lines.all()
    if line is None:
        if lines.count() >= MAX_LINES:
            raise RowErrors(
                [
                    {
                        "row": 1,
                        "field": "lines",
                        "message": _("At most %(n)d lines.") % {"n": MAX_LINES},
                    }
                ]
            )
        position = (lines.aggregate(last=Max("position"))["last"] or 0) + 1
    else:
        line = lines.select_for_update().get(pk=line.pk)
        position = line.position
    errors: list[dict] = []
    checked = _line(data, 1, position, errors)
    if errors:
        raise RowErrors(errors)
    if line is not None:
        checked.pk = line.pk
    checked.survey = survey
    checked.save()
    survey.updated_by = actor
    survey.reason = reason.strip()
    survey.save(update_fields=["updated_by", "reason", "updated_at"])
    return checked


YEAR = re.compile(r"^(19|20)\d\d\s*(年)?$")


def parse_table(text: str) -> tuple[int | None, list[dict]]:
    """A table pasted from a spreadsheet (tab-separated; or commas/semicolons when there
    is no tab): `category, name, unit, value 1, value 2, value 3[, reason]`, with an
    optional header whose value columns are the three years."""
    rows = [r for r in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if r.strip()]
    if not rows:
        raise RowErrors([{"row": 0, "field": "table", "message": _("Paste the table.")}])
    separator = "\t" if any("\t" in r for r in rows) else ("," if "," in rows[0] else ";")
    table = [[cell.strip() for cell in r.split(separator)] for r in rows]
    first_year = None
    header = table[0]
    years = [cell for cell in header[3:6] if YEAR.match(cell)]
    if len(years) == YEARS:
        first_year = int(years[0][:4])
        if [int(y[:4]) for y in years] != [first_year + i for i in range(YEARS)]:
            raise RowErrors([{"row": 1, "field": "year", "message": _("Three consecutive years.")}])
        table = table[1:]
        start = 2
    elif header and CATEGORY_ALIASES.get(header[0].lower(), CATEGORY_ALIASES.get(header[0])):
        start = 1
    else:
        # A header without years: the survey keeps (or takes) its own years.
        table = table[1:]
        start = 2
    lines = [
        {
            "category": cells[0] if cells else "",
            "name": cells[1] if len(cells) > 1 else "",
            "unit": cells[2] if len(cells) > 2 else "",
            "values": cells[3:6],
            "reason": cells[6] if len(cells) > 6 else "",
            "_row": number,
        }
        for number, cells in enumerate(table, start=start)
    ]
    return first_year, lines


@transaction.atomic
def survey_paste(*, actor, audit: Audit, table: str, first_year=None, reason: str = "") -> Survey:
    """`survey_save` from a pasted table; errors name the row of the paste."""
    parsed_year, lines = parse_table(table)
    numbers = [line.pop("_row") for line in lines]
    try:
        return survey_save(
            actor=actor,
            audit=audit,
            lines=lines,
            first_year=parsed_year or first_year,
            reason=reason,
        )
    except RowErrors as error:
        for item in error.errors:
            if item["row"]:
                item["row"] = numbers[item["row"] - 1]
        raise


# --- monitoring imports ------------------------------------------------------------------

MONITORING_COLUMNS = {
    "pollutant": "pollutant",
    "污染物": "pollutant",
    "因子": "pollutant",
    "监测因子": "pollutant",
    "year": "date",
    "date": "date",
    "年份": "date",
    "日期": "date",
    "时间": "date",
    "quantity": "quantity",
    "排放量": "quantity",
    "数值": "quantity",
    "unit": "unit",
    "单位": "unit",
}


def can_import_monitoring(user, audit: Audit) -> bool:
    """Monitoring figures come from the workers (their platform's export) while they may
    edit, or from the authority in scope (its own online monitoring) until the audit
    closes."""
    if getattr(user, "role", None) == Role.ADMIN:
        return audit.state not in CLOSED
    if user.role == Role.AUTHORITY:
        return user.in_scope(audit.enterprise.region_id) and audit.state not in CLOSED
    from audits.workflow import can_edit

    return can_edit(user, audit)


@transaction.atomic
def monitoring_import(*, actor, audit: Audit, source: str, upload) -> MonitoringImport:
    """An online-monitoring or permit export: columns `pollutant, date (or year),
    quantity, unit` (Chinese headings too); daily or monthly rows are summed per year."""
    audit = Audit.objects.select_for_update().select_related("enterprise").get(pk=audit.pk)
    if actor.role not in (Role.ADMIN, Role.AUTHORITY):
        require_editable(actor, audit)
    if not can_import_monitoring(actor, audit):
        raise PermissionDenied(_("You may not import monitoring figures for this audit."))
    if source not in MonitoringSource.values:
        raise ValidationError({"source": _("Unknown source.")})
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    table = read_table(upload)
    header = [
        MONITORING_COLUMNS.get(cell.strip().lower(), MONITORING_COLUMNS.get(cell))
        for cell in table[0]
    ]
    missing = [c for c in ("pollutant", "date", "quantity", "unit") if c not in header]
    if missing:
        raise RowErrors([{"row": 1, "field": c, "message": _("Missing column.")} for c in missing])
    if len(table) - 1 > MAX_MONITORING_ROWS:
        raise file_error(_("At most %(n)d rows per file.") % {"n": MAX_MONITORING_ROWS})
    errors: list[dict] = []
    sums: dict[tuple, Decimal] = {}
    for row, cells in enumerate(table[1:], start=2):
        data = dict(zip(header, cells, strict=False))
        pollutant = (data.get("pollutant") or "").strip()
        unit = (data.get("unit") or "").strip()
        match = re.match(r"^\s*((19|20)\d\d)", data.get("date") or "")
        if not pollutant:
            errors.append({"row": row, "field": "pollutant", "message": _("Give the pollutant.")})
        if not unit:
            errors.append({"row": row, "field": "unit", "message": _("Give the unit.")})
        if match is None:
            errors.append(
                {"row": row, "field": "date", "message": _("A year or a date (YYYY-MM-DD).")}
            )
        quantity = number(data.get("quantity"), row=row, field="quantity", errors=errors)
        if quantity is None and not any(e["row"] == row for e in errors):
            errors.append({"row": row, "field": "quantity", "message": _("Give the quantity.")})
        if pollutant and unit and match and quantity is not None:
            key = (pollutant[:120], int(match.group(1)), unit[:40])
            sums[key] = sums.get(key, Decimal(0)) + quantity
    if errors:
        raise RowErrors(errors)
    record = MonitoringImport.objects.create(
        audit=audit,
        source=source,
        file_name=(upload.name or "")[:255],
        sha256=digest,
        imported_by=actor,
    )
    MonitoringFigure.objects.bulk_create(
        [
            MonitoringFigure(monitoring_import=record, pollutant=p, year=y, unit=u, quantity=q)
            for (p, y, u), q in sums.items()
        ]
    )
    return record


# --- the CP level evaluation -------------------------------------------------------------


def _grades(system, indicators, values) -> tuple[int | None, int | None]:
    before = grading.evaluate(system, indicators, {v.indicator_id: v.before for v in values})
    after = grading.evaluate(system, indicators, {v.indicator_id: v.after for v in values})
    return before["grade"], after["grade"]


@transaction.atomic
def evaluation_save(
    *, actor, audit: Audit, system: EvaluationSystem, values: list[dict]
) -> AuditEvaluation:
    """The system the audit grades itself by and its indicator values before and after
    (`{"indicator": id or code, "before", "after"}`), replaced as a whole; the grades
    reached are computed and kept."""
    audit = require_survey_editor(actor, audit)
    indicators = list(system.indicators.all())
    by_key = {i.pk: i for i in indicators} | {i.code: i for i in indicators}
    errors: list[dict] = []
    rows, seen = [], set()
    for row, data in enumerate(values, start=1):
        indicator = by_key.get(data.get("indicator"))
        if indicator is None:
            errors.append(
                {"row": row, "field": "indicator", "message": _("Not an indicator of the system.")}
            )
            continue
        if indicator.pk in seen:
            errors.append({"row": row, "field": "indicator", "message": _("Given twice.")})
            continue
        seen.add(indicator.pk)
        pair = [number(data.get(f), row=row, field=f, errors=errors) for f in ("before", "after")]
        for field, value in zip(("before", "after"), pair, strict=True):
            if (
                indicator.direction == Direction.QUALITATIVE
                and value is not None
                and (value != value.to_integral_value() or not 1 <= value <= system.grades)
            ):
                errors.append(
                    {
                        "row": row,
                        "field": field,
                        "message": _("The best grade met: a whole number from 1 to %(n)d.")
                        % {"n": system.grades},
                    }
                )
        rows.append(IndicatorValue(indicator=indicator, before=pair[0], after=pair[1]))
    if errors:
        raise RowErrors(errors)
    evaluation = AuditEvaluation.objects.filter(audit=audit).first() or AuditEvaluation(audit=audit)
    evaluation.system = system
    evaluation.updated_by = actor
    evaluation.grade_before, evaluation.grade_after = _grades(system, indicators, rows)
    evaluation.save()
    evaluation.values.all().delete()
    for value in rows:
        value.evaluation = evaluation
    IndicatorValue.objects.bulk_create(rows)
    return evaluation


def evaluation_result(evaluation: AuditEvaluation | None) -> dict | None:
    """The grade before and after with their scores (values and indicators prefetched:
    `values__indicator`, `system__indicators`)."""
    if evaluation is None:
        return None
    system = evaluation.system
    indicators = list(system.indicators.all())
    values = list(evaluation.values.all())
    return {
        "system": system.pk,
        "title": str(system),
        "industry_code": system.industry_code,
        "grades": system.grades,
        "complete": system.complete,
        "before": grading.evaluate(system, indicators, {v.indicator_id: v.before for v in values}),
        "after": grading.evaluate(system, indicators, {v.indicator_id: v.after for v in values}),
    }


# --- the evaluation indicator systems ------------------------------------------------------

SYSTEM_COLUMNS = [
    "category",
    "category_weight",
    "code",
    "indicator",
    "unit",
    "weight",
    "direction",
    "level_1",
    "level_2",
    "level_3",
    "limiting",
    "note",
]
TRUE = {"1", "true", "yes", "y", "x", "*", "是", "限定"}


def _system_rows(table: list[list[str]], grades: int) -> list[EvaluationIndicator]:
    header = [cell.strip().lower() for cell in table[0]]
    missing = [c for c in SYSTEM_COLUMNS if c not in header and c not in ("note", "level_3")]
    if missing:
        raise RowErrors([{"row": 1, "field": c, "message": _("Missing column.")} for c in missing])
    errors: list[dict] = []
    indicators, weights, codes = [], {}, set()
    for row, cells in enumerate(table[1:], start=2):
        data = dict(zip(header, cells, strict=False))

        def error(field, message, row=row):
            errors.append({"row": row, "field": field, "message": message})

        direction = (data.get("direction") or "").strip().lower()
        if direction not in Direction.values:
            error("direction", _("One of: lower, higher, qualitative."))
        category = (data.get("category") or "").strip()
        code = (data.get("code") or "").strip()
        name = (data.get("indicator") or "").strip()
        for field, value in (("category", category), ("code", code), ("indicator", name)):
            if not value:
                error(field, _("Required."))
        if code in codes:
            error("code", _("Given twice."))
        codes.add(code)
        category_weight = number(
            data.get("category_weight"), row=row, field="category_weight", errors=errors
        )
        weight = number(data.get("weight"), row=row, field="weight", errors=errors)
        if category_weight is None or not 0 < category_weight <= 1:
            error("category_weight", _("A weight above 0 and at most 1."))
        elif weights.setdefault(category, category_weight) != category_weight:
            error(
                "category_weight", _("Every indicator of a category has the same category weight.")
            )
        if weight is None or not 0 < weight <= 1:
            error("weight", _("A weight above 0 and at most 1."))
        levels = [f"level_{k}" for k in range(1, grades + 1)]
        benchmarks, requirements = [], []
        for field in levels:
            cell = (data.get(field) or "").strip()
            if direction == Direction.QUALITATIVE:
                requirements.append(cell)
                benchmarks.append(None)
            else:
                benchmarks.append(number(cell, row=row, field=field, errors=errors, minimum=None))
        if direction in (Direction.LOWER, Direction.HIGHER):
            given = [b for b in benchmarks if b is not None]
            if not given:
                error("level_1", _("Give the benchmark of each grade."))
            ordered = sorted(given, reverse=direction == Direction.HIGHER)
            if given != ordered:
                error("level_1", _("Each grade's benchmark is no stricter than the grade above."))
        indicators.append(
            EvaluationIndicator(
                position=row - 1,
                category=category[:120],
                category_weight=category_weight or 0,
                code=code[:20],
                name=name[:200],
                unit=(data.get("unit") or "").strip()[:40],
                weight=weight or 0,
                direction=direction,
                level_1=benchmarks[0],
                level_2=benchmarks[1] if grades > 1 else None,
                level_3=benchmarks[2] if grades > 2 else None,
                requirements=requirements,
                limiting=(data.get("limiting") or "").strip().lower() in TRUE,
                note=(data.get("note") or "").strip(),
            )
        )
    if not indicators and not errors:
        errors.append({"row": 0, "field": "file", "message": _("The file has no indicators.")})
    if errors:
        raise RowErrors(errors)
    return indicators


@transaction.atomic
def evaluation_system_import(*, actor, upload, **fields) -> EvaluationSystem:
    """A published system from a spreadsheet (columns SYSTEM_COLUMNS: one row per
    indicator; `limiting` 1/yes/*; qualitative rows carry each grade's requirement in
    the level columns), with its industry, title, version, grades, scores and source."""
    require_role(actor, Role.ADMIN)
    return evaluation_system_create(table=read_table(upload), **fields)


def evaluation_system_create(*, table, **fields) -> EvaluationSystem:
    system = EvaluationSystem(**fields)
    if system.grades == 2:
        system.score_3 = None
    system.full_clean()
    if EvaluationSystem.objects.filter(
        industry_code=system.industry_code, title=system.title, version=system.version
    ).exists():
        raise StateConflict(
            _("This system is already there."),
            unmet=[_("A system with this industry, title and version exists.")],
        )
    indicators = _system_rows(table, system.grades)
    system.save()
    for indicator in indicators:
        indicator.system = system
    EvaluationIndicator.objects.bulk_create(indicators)
    return system
