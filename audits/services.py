"""Writes to an audit's content: engagement, team, focus, targets, balances, options,
documents, comments (domain.md §2). State changes are in workflow.py."""

import csv
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.choices import OrganizationKind
from accounts.models import Auditor
from core.errors import RowErrors, StateConflict
from core.files import check_upload
from core.regions import province_code
from core.tasks import enqueue_on_commit
from enterprises.models import ProvincePolicy

from . import totals
from .choices import (
    OPTION_NEEDS_REASON,
    Aspect,
    CostClass,
    DocumentKind,
    EventKind,
    Indicator,
    OptionStatus,
)
from .economics import option_economics
from .engagement import engagement_warnings
from .events import changed_fields, record
from .models import (
    Audit,
    AuditComment,
    Balance,
    BalanceFlow,
    Document,
    Option,
    OptionBenefit,
    Target,
)
from .workflow import (
    option_status_change,
    option_status_logged,
    require_commenter,
    require_document_removable,
    require_editable,
    require_engager,
    require_uploader,
)

REPORT_KINDS = {DocumentKind.AUDIT_REPORT, DocumentKind.ACCEPTANCE_REPORT}


@transaction.atomic
def audit_update(*, actor, audit: Audit, **fields) -> Audit:
    """The enterprise engages (or changes) its consulting firm; the workers set the team,
    its leader and the focus. A team is the engaged firm's auditors and the enterprise's
    own staff auditors (a self-audit: its staff only; domain.md §6). The returned audit
    carries `engagement_warnings`: what the registered checks found in a new engagement."""
    audit = (
        Audit.objects.select_for_update(of=("self",))
        .select_related("consultancy", "team_leader")
        .get(pk=audit.pk)
    )
    require_editable(actor, audit)
    before = {
        "consultancy": audit.consultancy,
        "focus": audit.focus,
        "team_leader": audit.team_leader_id,
        "team": {a.pk: a.name for a in audit.team.all()},
    }
    warnings = []
    if "consultancy" in fields:
        consultancy = fields.pop("consultancy")
        require_engager(actor)
        if consultancy is not None and consultancy.kind != OrganizationKind.CONSULTANCY:
            raise ValidationError({"consultancy": _("Choose a consulting firm.")})
        if consultancy is not None and consultancy != audit.consultancy and not consultancy.active:
            raise ValidationError({"consultancy": _("This consulting firm is retired.")})
        if consultancy != audit.consultancy:
            # Outside the firm's registered industries: warned, or refused (ValidationError).
            warnings = engagement_warnings(audit=audit, consultancy=consultancy)
            # The old firm's auditors leave with it (domain.md §6: the engaged firm's team).
            fields.setdefault("team", [])
            fields.setdefault("team_leader", None)
        audit.consultancy = consultancy
    if "focus" in fields:
        audit.focus = fields.pop("focus")
    team = fields.pop("team", None)
    if "team_leader" in fields:
        audit.team_leader = fields.pop("team_leader")
    if fields:
        raise ValueError(sorted(fields))
    if team is not None:
        foreign = [auditor.name for auditor in team if not may_join(auditor, audit)]
        # Read from the table: the caller's instances may predate the retirement.
        retired = list(
            Auditor.objects.filter(pk__in=[a.pk for a in team], active=False)
            .exclude(pk__in=before["team"])
            .values_list("name", flat=True)
        )
        if retired:
            raise ValidationError(
                {"team": _("Retired auditors: %(names)s.") % {"names": ", ".join(retired)}}
            )
        if foreign:
            raise ValidationError(
                {
                    "team": _("Not auditors of the engaged firm or of the enterprise: %(names)s.")
                    % {"names": ", ".join(foreign)}
                }
            )
    members = (
        {a.pk for a in team} if team is not None else set(audit.team.values_list("pk", flat=True))
    )
    if audit.team_leader_id and audit.team_leader_id not in members:
        raise ValidationError({"team_leader": _("The team leader must be on the audit team.")})
    audit.save()
    if team is not None:
        audit.team.set(team)
    _record_update(actor, audit, before, team)
    audit.engagement_warnings = warnings
    return audit


def _record_update(actor, audit: Audit, before: dict, team) -> None:
    """The events of one `audit_update`: firm, team and leader, focus."""
    if audit.consultancy != before["consultancy"]:
        record(
            audit=audit,
            actor=actor,
            kind=EventKind.CONSULTANCY_CHANGED,
            before=str(before["consultancy"] or ""),
            after=str(audit.consultancy or ""),
        )
    after = {a.pk: a.name for a in team} if team is not None else before["team"]
    if after.keys() != before["team"].keys() or audit.team_leader_id != before["team_leader"]:
        record(
            audit=audit,
            actor=actor,
            kind=EventKind.TEAM_CHANGED,
            added=[after[pk] for pk in sorted(after.keys() - before["team"].keys())],
            removed=[before["team"][pk] for pk in sorted(before["team"].keys() - after.keys())],
            leader=audit.team_leader.name if audit.team_leader_id else "",
        )
    if audit.focus != before["focus"]:
        record(audit=audit, actor=actor, kind=EventKind.FOCUS_CHANGED, after=audit.focus)


def may_join(auditor, audit: Audit) -> bool:
    """An auditor of the engaged firm, or one of the enterprise's own staff."""
    return auditor.enterprise_id == audit.enterprise_id or (
        audit.consultancy_id is not None and auditor.organization_id == audit.consultancy_id
    )


def _audit_for_write(actor, audit: Audit) -> Audit:
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    require_editable(actor, audit)
    return audit


@transaction.atomic
def target_save(*, actor, audit: Audit, target: Target | None = None, **fields) -> Target:
    _audit_for_write(actor, audit)
    target = target or Target(audit=audit)
    before = {name: getattr(target, name) for name in fields} if target.pk else {}
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean()
    changed = changed_fields(target, before, list(fields)) if target.pk else list(fields)
    target.save()
    if changed:
        record(
            audit=audit,
            actor=actor,
            kind=EventKind.TARGET_CHANGED,
            indicator=target.indicator,
            fields=[f for f in changed if f != "audit"],
        )
    return target


@transaction.atomic
def target_delete(*, actor, target: Target) -> None:
    _audit_for_write(actor, target.audit)
    record(
        audit=target.audit_id,
        actor=actor,
        kind=EventKind.TARGET_CHANGED,
        indicator=target.indicator,
        removed=True,
    )
    target.delete()


@transaction.atomic
def balance_save(
    *, actor, audit: Audit, balance: Balance | None = None, flows=None, **fields
) -> Balance:
    """A balance with its flows (replaced as a whole when given)."""
    _audit_for_write(actor, audit)
    balance = balance or Balance(audit=audit)
    before = {name: getattr(balance, name) for name in fields} if balance.pk else {}
    old_flows = (
        [(f.direction, f.name, f.quantity) for f in balance.flows.all()] if balance.pk else []
    )
    for name, value in fields.items():
        setattr(balance, name, value)
    balance.full_clean()
    changed = changed_fields(balance, before, list(fields)) if balance.pk else list(fields)
    balance.save()
    if flows is not None:
        balance.flows.all().delete()
        rows = [BalanceFlow(balance=balance, **flow) for flow in flows]
        for row in rows:
            row.full_clean(exclude=["balance"])
        BalanceFlow.objects.bulk_create(rows)
        if [(r.direction, r.name, r.quantity) for r in rows] != old_flows:
            changed.append("flows")
    changed = [f for f in changed if f != "audit"]
    if changed:
        record(
            audit=audit,
            actor=actor,
            kind=EventKind.BALANCE_CHANGED,
            title=balance.title,
            fields=changed,
        )
    return balance


@transaction.atomic
def balance_delete(*, actor, balance: Balance) -> None:
    _audit_for_write(actor, balance.audit)
    record(
        audit=balance.audit_id,
        actor=actor,
        kind=EventKind.BALANCE_CHANGED,
        title=balance.title,
        removed=True,
    )
    balance.delete()


def cost_class_warnings(option: Option, threshold: Decimal) -> list[str]:
    """The cost class should agree with the province's investment threshold."""
    if option.cost_class == CostClass.NO_LOW and option.investment > threshold:
        return [
            _("Investment above %(limit)s yuan, the province's limit for a no/low-cost option.")
            % {"limit": f"{threshold:,.0f}"}
        ]
    if option.cost_class == CostClass.MID_HIGH and option.investment <= threshold:
        return [
            _("Investment within %(limit)s yuan: this looks like a no/low-cost option.")
            % {"limit": f"{threshold:,.0f}"}
        ]
    return []


def option_threshold(option: Option) -> Decimal:
    return ProvincePolicy.for_province(
        province_code(option.audit.enterprise.region_id)
    ).no_low_cost_max_investment


ECONOMICS = ("investment", "annual_net_benefit", "lifetime_years", "discount_rate")


def _apply_option(option: Option, fields: dict) -> str | None:
    """Set the fields and move the status (audits.workflow); the status left, if any."""
    status = fields.pop("status", None)
    cost_class = fields.get("cost_class")
    if (
        option.pk
        and cost_class
        and cost_class != option.cost_class
        and option.status != OptionStatus.PROPOSED
    ):
        # Re-classing a screened option would let it skip its own guards.
        raise ValidationError(
            {"cost_class": _("The cost class is fixed once the option is screened.")}
        )
    for name, value in fields.items():
        setattr(option, name, value)
    # The four figures are checked (a discount rate of 8 is refused, not read as 800%)
    # before the economics are worked out from them, and those before the status moves
    # (a feasible option's NPV and payback are part of its rule).
    option.clean_fields(exclude=[f.name for f in Option._meta.fields if f.name not in ECONOMICS])
    economics = option_economics(
        investment=option.investment,
        annual_net_benefit=option.annual_net_benefit,
        lifetime_years=option.lifetime_years,
        discount_rate=option.discount_rate,
    )
    for name, value in economics.items():
        setattr(option, name, value)
    return option_status_change(option, status)


def _save_benefits(option: Option, benefits) -> None:
    if benefits is None:
        return
    indicators = [b["indicator"] for b in benefits]
    if len(indicators) != len(set(indicators)):
        raise ValidationError({"benefits": _("Each indicator once per option.")})
    option.benefits.exclude(indicator__in=indicators).delete()
    for benefit in benefits:
        OptionBenefit.objects.update_or_create(
            option=option,
            indicator=benefit["indicator"],
            defaults={"expected": benefit.get("expected"), "actual": benefit.get("actual")},
        )


@transaction.atomic
def option_save(
    *, actor, audit: Audit, option: Option | None = None, benefits=None, **fields
) -> Option:
    """Create or change an option. Status moves only along the chain of domain.md §2;
    payback, NPV and IRR are recomputed (audits/economics.py)."""
    _audit_for_write(actor, audit)
    if option is None:
        option = Option(audit=audit)
        if fields.get("status", OptionStatus.PROPOSED) != OptionStatus.PROPOSED:
            raise ValidationError({"status": _("A new option starts as proposed.")})
        fields.pop("status", None)
        before = None
    else:
        option = Option.objects.select_for_update().get(pk=option.pk)
        before = {name: getattr(option, name) for name in OPTION_FIGURES}
        before["benefits"] = _benefit_rows(option)
    left = _apply_option(option, fields)
    if audit.options.filter(code=option.code).exclude(pk=option.pk).exists():
        raise ValidationError(
            {"code": _("The code %(code)s is already used in this audit.") % {"code": option.code}}
        )
    option.full_clean()
    option.save()
    option_status_logged(option, left, actor)
    _save_benefits(option, benefits)
    if before is None:
        record(
            audit=audit,
            actor=actor,
            kind=EventKind.OPTION_ADDED,
            code=option.code,
            title=option.title,
            option=option.pk,
        )
    else:
        changed = changed_fields(option, before, OPTION_FIGURES)
        if benefits is not None and _benefit_rows(option) != before["benefits"]:
            changed.append("benefits")
        if changed:
            record(
                audit=audit,
                actor=actor,
                kind=EventKind.OPTION_CHANGED,
                code=option.code,
                fields=changed,
                option=option.pk,
                **_amounts_before(before, changed),
            )
    totals.refresh([audit.pk])
    return option


@transaction.atomic
def options_move(
    *, actor, audit: Audit, options, status: str, reason: str = "", implemented_on=None
) -> list[Option]:
    """Several options moved to one status at once (screen five at once): each through
    `option_save`, as its own move would be, with its own events; all move or none, and
    the refusal names every option that could not move and why."""
    _audit_for_write(actor, audit)
    options = sorted(options, key=lambda option: (option.code, option.pk))
    if not options:
        raise ValidationError({"options": _("Choose the options to move.")})
    if status not in OptionStatus.values:
        raise ValidationError({"status": _("Unknown status “%(value)s”.") % {"value": status}})
    fields = {"status": status}
    if reason.strip() and status in OPTION_NEEDS_REASON:
        fields["reason"] = reason.strip()
    if implemented_on is not None and status == OptionStatus.IMPLEMENTED:
        fields["implemented_on"] = implemented_on
    moved, refused = [], []
    for option in options:
        if option.audit_id != audit.pk:
            raise ValidationError({"options": _("The option belongs to another audit.")})
        try:
            with transaction.atomic():
                moved.append(option_save(actor=actor, audit=audit, option=option, **fields))
        except ValidationError as error:
            refused.append(
                _("%(code)s “%(title)s” cannot move: %(problem)s")
                % {"code": option.code, "title": option.title, "problem": " ".join(error.messages)}
            )
    if refused:
        raise ValidationError({"options": refused})
    return moved


# What an `option_changed` event compares (the status has its own event).
OPTION_FIGURES = [
    "code",
    "title",
    "description",
    "aspect",
    "cost_class",
    "investment",
    "reason",
    "implemented_on",
    "annual_net_benefit",
    "lifetime_years",
    "discount_rate",
]


# The amounts the statistics as of a past day read from the record (reporting/as_of.py):
# an `option_changed` event that changes one keeps what it was before (`before`), so the
# amount on a day is the `before` of its first change after that day, else today's.
OPTION_AMOUNTS = ("investment", "annual_net_benefit")


def _amounts_before(before: dict, changed: list[str]) -> dict:
    amounts = {name: before[name] for name in OPTION_AMOUNTS if name in changed}
    if "benefits" in changed:
        amounts["benefits"] = {
            indicator: {"expected": expected, "actual": actual}
            for indicator, expected, actual in before["benefits"]
        }
    return {"before": amounts} if amounts else {}


def _benefit_rows(option: Option) -> list[tuple]:
    return list(
        option.benefits.order_by("indicator").values_list("indicator", "expected", "actual")
    )


@transaction.atomic
def option_delete(*, actor, option: Option) -> None:
    _audit_for_write(actor, option.audit)
    if option.status != OptionStatus.PROPOSED:
        raise StateConflict(
            _("Only a proposed option is deleted; abandon it instead."),
            unmet=[
                _("The option is “%(status)s”.") % {"status": OptionStatus(option.status).label}
            ],
        )
    record(audit=option.audit_id, actor=actor, kind=EventKind.OPTION_REMOVED, code=option.code)
    option.delete()
    totals.refresh([option.audit_id])


BULK_COLUMNS = ["code", "title", "aspect", "cost_class", "investment", "description"]
# What a heading row may name besides: the economics (the discount rate as a percentage,
# 8 for 8 %, as on the option form) and one expected benefit per indicator.
BULK_ECONOMICS = ["annual_net_benefit", "lifetime_years", "discount_rate"]
BENEFIT = "benefit:"  # a row's key for the expected benefit of one indicator
# The words spreadsheets head these columns with, beyond each field's code and its name
# in either language.
HEADING_WORDS = {
    "code": ["编号", "方案编号", "代码"],
    "title": ["name", "名称", "方案名称"],
    "aspect": ["方面", "方案类型"],
    "cost_class": ["cost class", "category", "class", "类别", "方案类别", "费用类别"],
    "investment": ["investment", "投资", "投资额", "投资（元）", "投资(元)"],
    "annual_net_benefit": [
        "annual saving",
        "annual savings",
        "annual benefit",
        "annual net benefit",
        "年节约",
        "年收益",
        "年净收益",
    ],
    "lifetime_years": ["lifetime", "life", "寿命", "使用年限", "寿命（年）"],
    "discount_rate": ["discount rate", "discount rate (%)", "贴现率", "折现率", "贴现率（%）"],
    "description": ["描述", "说明", "内容"],
}


def _heading_key(text: str) -> str:
    return "".join(str(text).lower().replace("（", "(").replace("）", ")").split())


def heading_aliases() -> dict[str, str]:
    """Each heading a pasted table may use → the row key it fills."""
    aliases = {}
    for field in [*BULK_COLUMNS, *BULK_ECONOMICS]:
        names = [field, *HEADING_WORDS.get(field, [])]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.append(str(Option._meta.get_field(field).verbose_name))
        aliases |= {_heading_key(name): field for name in names}
    for value, label in Indicator.choices:
        names = [value]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.append(str(label))
                names.append(str(label).split(" (")[0].split("（")[0])  # "Water", "水"
        aliases |= {_heading_key(name): BENEFIT + value for name in names}
    return aliases


def _choice_aliases(choices) -> dict[str, str]:
    """A choice by its code or by its label in either language (a pasted sheet says
    "无/低费" as often as "no_low")."""
    aliases = {value: value for value in choices.values}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            aliases |= {str(label).lower(): value for value, label in choices.choices}
    return aliases


def _percent_to_fraction(value: str) -> str:
    """The pasted discount rate is a percentage ("8", "8 %"); a row keeps a fraction."""
    text = value.replace("%", "").replace("％", "").strip()
    try:
        return format(Decimal(text) / 100, "f") if text else ""
    except InvalidOperation:
        return value  # the service names it


def parse_option_text(text: str) -> list[dict]:
    """Rows pasted from a spreadsheet (tab-separated) or CSV. With a heading row the
    columns go by their headings (any order; the economics and one expected benefit per
    indicator may follow); without one they are `code, title, aspect, cost_class,
    investment, description`. A heading nobody knows, or a cell beyond the known
    columns, is an error naming it (never appended to the description): RowErrors, row 0
    for the heading, else the row's `columns` field."""
    dialect = "excel-tab" if "\t" in text else "excel"
    rows = [row for row in csv.reader(io.StringIO(text.strip()), dialect=dialect) if any(row)]
    aliases = heading_aliases()
    columns = BULK_COLUMNS
    if rows and sum(_heading_key(cell) in aliases for cell in rows[0] if cell.strip()) >= 2:
        heading, rows = rows[0], rows[1:]
        columns, errors = [], []
        for number, cell in enumerate(heading, start=1):
            key = aliases.get(_heading_key(cell)) if cell.strip() else None
            if cell.strip() and key is None:
                errors.append(
                    _("Column %(n)d: no column is called “%(name)s”.")
                    % {"n": number, "name": cell.strip()}
                )
            elif key is not None and key in columns:
                errors.append(
                    _("Column %(n)d: “%(name)s” is there twice.")
                    % {"n": number, "name": cell.strip()}
                )
            columns.append(key)
        if errors:
            raise RowErrors([{"row": 0, "field": "columns", "message": m} for m in errors])
    aspects, classes = _choice_aliases(Aspect), _choice_aliases(CostClass)
    parsed = []
    for row in rows:
        cells = [cell.strip() for cell in row]
        item = {key: cell for key, cell in zip(columns, cells, strict=False) if key}
        extra = [
            (number, cell)
            for number, cell in enumerate(cells, start=1)
            if cell and (number > len(columns) or columns[number - 1] is None)
        ]
        if extra:
            item["columns"] = [
                _("Column %(n)d (“%(value)s”) has no heading: name it in a heading row.")
                % {"n": number, "value": cell}
                for number, cell in extra
            ]
        for field, choice in (("aspect", aspects), ("cost_class", classes)):
            value = item.get(field, "")
            item[field] = choice.get(value.lower(), value)
        if item.get("discount_rate"):
            item["discount_rate"] = _percent_to_fraction(item["discount_rate"])
        parsed.append(item)
    return parsed


def _amount(value, *, whole=False, positive=False) -> Decimal | int | None:
    """A pasted number (thousands separators allowed), None when empty; ValueError when
    it is not one."""
    text = str(value).replace(",", "").strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite() or (positive and amount <= 0):
        raise ValueError(text)
    if whole:
        if amount != amount.to_integral_value():
            raise ValueError(text)
        return int(amount)
    return amount


@transaction.atomic
def options_bulk_create(*, actor, audit: Audit, rows: list[dict]) -> list[Option]:
    """Many options at once (pasted or imported): all rows valid, or none saved. A row
    may carry the economics (payback, NPV and IRR are worked out as for one option) and
    expected benefits: `benefit:<indicator>` keys, or `benefits`, a list of
    {indicator, expected}."""
    _audit_for_write(actor, audit)
    existing = set(audit.options.values_list("code", flat=True))
    errors, options, seen, benefits = [], [], {}, []
    for number, raw in enumerate(rows, start=1):

        def error(field, message, number=number):
            errors.append({"row": number, "field": field, "message": str(message)})

        raw = dict(raw)
        for message in raw.pop("columns", None) or []:
            error("columns", message)
        for benefit in raw.pop("benefits", None) or []:
            raw[BENEFIT + str(benefit.get("indicator"))] = benefit.get("expected")
        row = {key: "" if value is None else str(value).strip() for key, value in raw.items()}
        code = row.get("code", "")
        if not code:
            error("code", _("The code is missing."))
        elif code in existing or code in seen:
            error("code", _("The code %(code)s is already used.") % {"code": code})
        seen[code] = number
        if not (row.get("title") or "").strip():
            error("title", _("The title is missing."))
        if row.get("aspect") not in Aspect.values:
            error("aspect", _("Unknown aspect “%(value)s”.") % {"value": row.get("aspect")})
        if row.get("cost_class") not in CostClass.values:
            error(
                "cost_class",
                _("Unknown cost class “%(value)s”.") % {"value": row.get("cost_class")},
            )
        figures = {}
        for field, whole, positive in (
            ("investment", False, False),
            ("annual_net_benefit", False, False),
            ("lifetime_years", True, True),
            ("discount_rate", False, False),
        ):
            try:
                figures[field] = _amount(row.get(field, ""), whole=whole, positive=positive)
            except ValueError:
                message = (
                    _("Not an amount: “%(value)s”.")
                    if field in ("investment", "annual_net_benefit")
                    else _("Not a number: “%(value)s”.")
                )
                error(field, message % {"value": row.get(field)})
                figures[field] = None
        if figures["investment"] is not None and figures["investment"] < 0:
            error("investment", _("Not an amount: “%(value)s”.") % {"value": row.get("investment")})
        option = Option(
            audit=audit,
            code=code,
            title=row.get("title", ""),
            aspect=row.get("aspect", ""),
            investment=figures["investment"] or Decimal(0),
            cost_class=row.get("cost_class", ""),
            description=row.get("description", ""),
            annual_net_benefit=figures["annual_net_benefit"],
            lifetime_years=figures["lifetime_years"],
            discount_rate=figures["discount_rate"],
        )
        for key, value in row.items():
            if not key.startswith(BENEFIT) or not value:
                continue
            indicator = key.removeprefix(BENEFIT)
            try:
                expected = _amount(value)
            except ValueError:
                error(key, _("Not a number: “%(value)s”.") % {"value": value})
                continue
            if indicator not in Indicator.values:
                error(key, _("Unknown indicator “%(value)s”.") % {"value": indicator})
                continue
            benefits.append((option, OptionBenefit(indicator=indicator, expected=expected)))
        reported = {e["field"] for e in errors if e["row"] == number}
        try:
            # Lengths and the like; uniqueness was checked above without a query per row.
            option.full_clean(
                exclude=["audit", *reported], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                error(field, messages[0])
        else:
            option_figures = option_economics(
                investment=option.investment,
                annual_net_benefit=option.annual_net_benefit,
                lifetime_years=option.lifetime_years,
                discount_rate=option.discount_rate,
            )
            for name, value in option_figures.items():
                setattr(option, name, value)
        options.append(option)
    if not rows:
        errors.append({"row": 0, "field": "rows", "message": _("No options given.")})
    if errors:
        raise RowErrors(errors)
    created = Option.objects.bulk_create(options)
    for option, benefit in benefits:
        benefit.option = option
    OptionBenefit.objects.bulk_create([benefit for _option, benefit in benefits])
    totals.refresh([audit.pk])
    return created


@transaction.atomic
def document_upload(
    *,
    actor,
    audit: Audit,
    kind: str,
    file,
    title: str = "",
    option: Option | None = None,
    supersedes: Document | None = None,
) -> Document:
    """Store a document by its content type (PDF, PNG, JPEG, XLSX, DOCX), with its
    SHA-256, outside any public URL. A changed file is a new version of the document it
    `supersedes` (same audit and kind, the latest version), which stays downloadable.
    While a round is open no report is uploaded and nothing submitted replaced (409)."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    require_uploader(actor, audit, kind=kind, supersedes=supersedes)
    if option is not None and option.audit_id != audit.pk:
        raise ValidationError({"option": _("The option belongs to another audit.")})
    version = 1
    if supersedes is not None:
        supersedes = Document.objects.select_for_update().get(pk=supersedes.pk)
        if supersedes.audit_id != audit.pk:
            raise ValidationError({"supersedes": _("The document belongs to another audit.")})
        if supersedes.kind != kind:
            raise ValidationError(
                {"supersedes": _("A new version keeps the kind of the document it replaces.")}
            )
        if Document.objects.filter(supersedes=supersedes).exists():
            raise ValidationError(
                {"supersedes": _("A later version exists already; replace the latest one.")}
            )
        version = supersedes.version + 1
    content_type, sha256 = check_upload(file)
    document = Document(
        audit=audit,
        option=option,
        kind=kind,
        title=title or (supersedes.title if supersedes else file.name),
        original_name=file.name[:255],
        sha256=sha256,
        size=file.size,
        content_type=content_type,
        uploaded_by=actor,
        supersedes=supersedes,
        version=version,
    )
    document.file = file
    document.full_clean(exclude=["file", "supersedes"])
    document.save()
    record(
        audit=audit,
        actor=actor,
        kind=EventKind.DOCUMENT_ADDED,
        document=document.pk,
        title=document.title,
        version=version,
        supersedes=supersedes.pk if supersedes else None,
        sha256=sha256,
        document_kind=kind,
    )
    if kind in REPORT_KINDS:
        # A broker that is down loses the fingerprint (the repeated-report signal) only.
        enqueue_on_commit("audits.tasks.document_fingerprint", document.pk)
    return document


@transaction.atomic
def document_delete(*, actor, document: Document) -> None:
    """Only before the audit is submitted with it (409 after); recorded."""
    audit = Audit.objects.select_for_update().get(pk=document.audit_id)
    document = Document.objects.select_related("audit").get(pk=document.pk)
    require_document_removable(actor, document)
    storage, name = document.file.storage, document.file.name
    record(
        audit=audit,
        actor=actor,
        kind=EventKind.DOCUMENT_REMOVED,
        title=document.title,
        version=document.version,
        sha256=document.sha256,
        document_kind=document.kind,
    )
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))  # only once the row is gone


def comment_add(*, actor, audit: Audit, text: str) -> AuditComment:
    """Authorities in scope comment on the audits they supervise; the parties reply."""
    require_commenter(actor, audit)
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    return AuditComment.objects.create(audit=audit, author=actor, text=text.strip())
