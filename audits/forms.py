"""Forms of the audit screens. They only parse input: every rule is in `audits.services`
and `audits.workflow`, whose errors the views put back here."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.choices import OrganizationKind, Role
from accounts.models import Auditor, Organization
from core.forms import style
from core.regions import city_code, province_code
from enterprises.models import Industry, Region

from .choices import AuditState, DocumentKind, FlowDirection, Indicator, OptionStatus
from .models import Audit, Balance, Document, Option, Target
from .selectors import deadline_choices


def model_fields(model, names) -> dict:
    """Form fields with the model's labels, choices, lengths and required-ness."""
    return forms.fields_for_model(model, fields=names)


# --- the list --------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    """The audit list's filters, rendered here and applied by `AuditFilter`; the choices
    stay within what the user may see."""

    state = forms.ChoiceField(label=_("State"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    industry = forms.ModelChoiceField(
        label=_("Industry"),
        required=False,
        queryset=Industry.objects.filter(level="division"),
        empty_label=_("All industries"),
    )
    consultancy = forms.ModelChoiceField(
        label=_("Consulting firm"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("All firms"),
    )
    year = forms.ChoiceField(label=_("Year"), required=False)
    # AuditFilter reads "true"; a checkbox without a value would send "on".
    overdue = forms.BooleanField(
        label=_("Overdue only"), required=False, widget=forms.CheckboxInput(attrs={"value": "true"})
    )

    # The deadline board's drill-down (audits.selectors.deadline_q).
    deadline = forms.ChoiceField(label=_("Deadline"), required=False)
    search = forms.CharField(label=_("Name or credit code"), required=False)

    def __init__(self, *args, user, audits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Any state")), *AuditState.choices]
        self.fields["deadline"].choices = [("", _("Any deadline")), *deadline_choices()]
        # The industries and the years of the audits in scope, not every division of
        # GB/T 4754 (the audits' own copies of their industry and list year: one pass
        # over the scope's rows).
        audits = audits.order_by()
        pairs = set(audits.values_list("industry_code", "year").distinct())
        self.fields["industry"].queryset = Industry.objects.filter(
            pk__in={code for code, _year in pairs}
        )
        self.fields["region"].choices = [("", _("All regions"))] + [
            (region.prefix, str(region)) for region in _regions(user, audits)
        ]
        # The firms that have an audit in scope: one probe of an index per firm.
        self.fields["consultancy"].queryset = Organization.objects.filter(
            Exists(audits.filter(consultancy=OuterRef("pk"))),
            kind=OrganizationKind.CONSULTANCY,
        )
        years = sorted({year for _code, year in pairs if year is not None}, reverse=True)
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]
        style(self)
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"


def _regions(user, audits):
    """Provinces and cities to filter by: an authority's own region and what lies
    within it; anyone else's the ones where their audits are."""
    regions = Region.objects.filter(level__in=["province", "city"])
    if user.role == Role.AUTHORITY:
        return regions.filter(code__startswith=user.scope_prefix)
    if user.role == Role.ADMIN:
        return regions
    codes = set()
    for code in audits.order_by().values_list("enterprise__region_id", flat=True).distinct():
        codes.update({province_code(code), city_code(code)})
    return regions.filter(code__in=codes)


# --- the workflow and the engagement ---------------------------------------------------


class TransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class EngagementForm(forms.Form):
    """The enterprise engages its consulting firm (or none: it audits itself)."""

    consultancy = forms.ModelChoiceField(
        label=_("Consulting firm"),
        required=False,
        queryset=Organization.objects.filter(kind=OrganizationKind.CONSULTANCY),
        empty_label=_("None: the enterprise audits itself"),
    )

    def __init__(self, *args, audit: Audit, **kwargs):
        kwargs.setdefault("initial", {"consultancy": audit.consultancy_id})
        kwargs.setdefault("auto_id", "engagement-%s")
        super().__init__(*args, **kwargs)
        # Retired firms are no new choice; the one engaged stays on the list.
        self.fields["consultancy"].queryset = Organization.objects.filter(
            Q(active=True) | Q(pk=audit.consultancy_id), kind=OrganizationKind.CONSULTANCY
        )
        style(self)


class TeamForm(forms.Form):
    """The audit team and its leader: certified auditors of the engaged firm and of the
    enterprise's own staff (a self-audit: its staff only; the service's rule)."""

    team = forms.ModelMultipleChoiceField(
        label=_("Audit team"),
        required=False,
        queryset=Auditor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    team_leader = forms.ModelChoiceField(
        label=_("Team leader"),
        required=False,
        queryset=Auditor.objects.none(),
        help_text=_("An auditor on the team."),
    )

    def __init__(self, *args, audit: Audit, **kwargs):
        # audit.team is prefetched by the page.
        kwargs.setdefault(
            "initial",
            {
                "team": [auditor.pk for auditor in audit.team.all()],
                "team_leader": audit.team_leader_id,
            },
        )
        kwargs.setdefault("auto_id", "team-%s")
        super().__init__(*args, **kwargs)
        staff = Q(enterprise_id=audit.enterprise_id)
        if audit.consultancy_id:
            staff |= Q(organization_id=audit.consultancy_id)
        # Retired auditors are no new choice; those on the team stay on the list.
        current = [auditor.pk for auditor in audit.team.all()]
        choices = (
            Auditor.objects.filter(staff)
            .filter(Q(active=True) | Q(pk__in=current))
            .order_by("name", "pk")
        )
        self.fields["team"].queryset = choices
        self.fields["team_leader"].queryset = choices
        style(self)


class FocusForm(forms.Form):
    focus = forms.CharField(
        label=_("Audit focus"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The part of the plant the focused assessment looks at, and why."),
    )

    def __init__(self, *args, audit: Audit, **kwargs):
        kwargs.setdefault("initial", {"focus": audit.focus})
        kwargs.setdefault("auto_id", "focus-%s")
        super().__init__(*args, **kwargs)
        style(self)


# --- targets and balances --------------------------------------------------------------


TARGET_FIELDS = ["indicator", "unit", "baseline", "near_term", "long_term", "achieved"]


class TargetForm(forms.Form):
    def __init__(self, *args, target: Target | None = None, **kwargs):
        if target is not None:
            kwargs.setdefault("initial", {name: getattr(target, name) for name in TARGET_FIELDS})
        kwargs.setdefault("prefix", f"target-{target.pk}" if target else "new-target")
        super().__init__(*args, **kwargs)
        self.fields.update(model_fields(Target, TARGET_FIELDS))
        style(self)


def parse_flows(text: str) -> list[dict]:
    """One flow per line: `in|out; name; quantity` (a tab or a full-width ； also
    separates, as pasted from a spreadsheet or typed with a Chinese keyboard)."""
    flows, errors = [], []
    directions = {
        "in": FlowDirection.INPUT,
        "out": FlowDirection.OUTPUT,
        "input": FlowDirection.INPUT,
        "output": FlowDirection.OUTPUT,
        "入": FlowDirection.INPUT,
        "出": FlowDirection.OUTPUT,
    }
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.replace("；", ";").replace("\t", ";").strip()
        if not line:
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 3:
            errors.append(_("Line %(n)d: write “in|out; name; quantity”.") % {"n": number})
            continue
        direction, name, quantity = parts
        if direction.lower() not in directions:
            errors.append(
                _("Line %(n)d: the direction is “in” or “out”, not “%(value)s”.")
                % {"n": number, "value": direction}
            )
            continue
        if not name:
            errors.append(_("Line %(n)d: the flow needs a name.") % {"n": number})
            continue
        try:
            amount = Decimal(quantity.replace(",", ""))
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                _("Line %(n)d: “%(value)s” is not a quantity.") % {"n": number, "value": quantity}
            )
            continue
        flows.append({"direction": directions[direction.lower()], "name": name, "quantity": amount})
    if errors:
        raise ValidationError(errors)
    return flows


BALANCE_FIELDS = ["kind", "title", "unit", "tolerance_pct", "closure_note"]


class AmountField(forms.DecimalField):
    """A number as typed or pasted from a spreadsheet: thousands separators allowed."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").strip()
        return super().to_python(value)


class FlowForm(forms.Form):
    """One row of the balance's grid: in or out, what, how much. A blank row is none."""

    direction = forms.ChoiceField(
        label=pgettext_lazy("balance flow", "Direction"),
        required=False,
        choices=[("", "—"), *FlowDirection.choices],
    )
    name = forms.CharField(
        label=pgettext_lazy("balance flow", "Flow"), required=False, max_length=120
    )
    quantity = AmountField(
        label=pgettext_lazy("balance flow", "Quantity"),
        required=False,
        max_digits=18,
        decimal_places=4,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
        for field in self.fields.values():
            field.widget.attrs["class"] += (
                " form-select-sm" if isinstance(field.widget, forms.Select) else " form-control-sm"
            )

    def clean(self):
        data = super().clean()
        # A row without name and quantity is blank (clearing them removes the flow).
        if data.get("name") or data.get("quantity") is not None:
            for name in ("direction", "name", "quantity"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("Needed for the flow."))
        return data

    def flow(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return {"direction": data["direction"], "name": data["name"], "quantity": data["quantity"]}


FlowFormSet = forms.formset_factory(FlowForm, extra=4, max_num=200)


class BalanceForm(forms.Form):
    """The balance, its flows as a grid (one row each, blank rows to add), and for a
    paste from a spreadsheet the old lines `in; Coal; 1200` too, added to the grid's."""

    flows = forms.CharField(
        label=_("Or paste flows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One flow per line: “in” or “out”, the name, the quantity, separated "
            "by semicolons, e.g. “in; Coal; 1200”."
        ),
    )

    def __init__(self, *args, balance: Balance | None = None, **kwargs):
        if balance is not None:
            kwargs.setdefault("initial", {name: getattr(balance, name) for name in BALANCE_FIELDS})
        kwargs.setdefault("prefix", f"balance-{balance.pk}" if balance else "new-balance")
        super().__init__(*args, **kwargs)
        fields = model_fields(Balance, BALANCE_FIELDS)
        self.fields = {**fields, "flows": self.fields["flows"]}
        style(self)
        rows = [
            {"direction": f.direction, "name": f.name, "quantity": f.quantity.normalize()}
            for f in (balance.flows.all() if balance is not None else [])
        ]
        grid = f"{self.prefix}-grid"
        # A post without the grid (the lines only, as before it) keeps to its lines.
        posted = self.is_bound and f"{grid}-TOTAL_FORMS" in self.data
        # Bound, no initial rows: a row equal to its initial one is still read.
        self.grid = FlowFormSet(
            self.data if posted else None, initial=None if posted else rows, prefix=grid
        )
        self.grid_posted = posted

    def clean_flows(self):
        return parse_flows(self.cleaned_data["flows"])

    def clean(self):
        data = super().clean()
        if not self.grid_posted:
            return data
        if not self.grid.is_valid():
            raise ValidationError(_("Correct the flows marked in the grid."))
        rows = [form.flow() for form in self.grid.forms]
        data["flows"] = [row for row in rows if row] + data.get("flows", [])
        return data


# --- options ---------------------------------------------------------------------------


NEW_OPTION_FIELDS = [
    "code",
    "title",
    "aspect",
    "cost_class",
    "investment",
    "annual_net_benefit",
    "lifetime_years",
    "discount_rate",
    "description",
    "end_of_pipe",
]
OPTION_FIELDS = [
    *NEW_OPTION_FIELDS[:5],
    "status",
    "reason",
    "implemented_on",
    *NEW_OPTION_FIELDS[5:],
]


class OptionForm(forms.Form):
    """A new option (it starts as proposed), or an existing one whose status select
    offers the current status and the next steps of its chain (domain.md §2). Any
    status is accepted here, so that the service's refusal is the one the user reads."""

    def __init__(self, *args, option: Option | None = None, next_statuses=(), **kwargs):
        names = OPTION_FIELDS if option else NEW_OPTION_FIELDS
        if option is not None:
            kwargs.setdefault("initial", {name: getattr(option, name) for name in names})
        kwargs.setdefault("prefix", f"option-{option.pk}" if option else "new-option")
        super().__init__(*args, **kwargs)
        self.fields.update(model_fields(Option, [n for n in names if n != "status"]))
        if option is not None:
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"), choices=OptionStatus.choices
            )
            offered = {option.status, *next_statuses}
            self.fields["status"].widget.choices = [
                (value, label) for value, label in OptionStatus.choices if value in offered
            ]
            self.fields = {name: self.fields[name] for name in names}
            self.fields["reason"].help_text = _(
                "Required to screen out, reject as infeasible or abandon an option."
            )
            self.fields["reason"].widget.attrs["rows"] = 2
            if option.status != OptionStatus.PROPOSED:
                # The service's rule: the cost class is fixed once the option is screened.
                self.fields["cost_class"].disabled = True
        self.fields["description"].widget.attrs["rows"] = 2
        # The page takes a percentage (8 for 8 %); the service keeps a fraction (0.08).
        self.fields["discount_rate"] = forms.DecimalField(
            label=_("Discount rate (%)"),
            required=False,
            min_value=0,
            max_value=Decimal("99.99"),
            decimal_places=2,
            help_text=_("A percentage: 8 for 8 %."),
        )
        if option is not None and option.discount_rate is not None and not self.is_bound:
            self.initial["discount_rate"] = (option.discount_rate * 100).normalize()
        if option is not None:
            self.fields["implemented_on"].widget = forms.DateInput(
                attrs={"type": "date"}, format="%Y-%m-%d"
            )
        style(self)

    def clean_discount_rate(self):
        percent = self.cleaned_data["discount_rate"]
        return None if percent is None else percent / 100


class BenefitForm(forms.Form):
    indicator = forms.ChoiceField(choices=Indicator.choices, widget=forms.HiddenInput)
    expected = forms.DecimalField(
        label=_("expected"), required=False, max_digits=18, decimal_places=4
    )
    actual = forms.DecimalField(label=_("actual"), required=False, max_digits=18, decimal_places=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("expected", "actual"):
            self.fields[name].widget.attrs.update(
                {"class": "form-control form-control-sm", "step": "any"}
            )

    @property
    def indicator_label(self):
        # The formset gives every form its indicator as initial data, bound or not.
        return Indicator(self.initial["indicator"]).label


class BaseBenefitFormSet(forms.BaseFormSet):
    """One row per indicator (api.md "Audits"); an empty row is no benefit."""

    def benefits(self) -> list[dict]:
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if data.get("expected") is not None or data.get("actual") is not None:
                rows.append(
                    {
                        "indicator": data["indicator"],
                        "expected": data.get("expected"),
                        "actual": data.get("actual"),
                    }
                )
        return rows


BenefitFormSet = forms.formset_factory(
    BenefitForm,
    formset=BaseBenefitFormSet,
    extra=0,
    min_num=len(Indicator.values),
    max_num=len(Indicator.values),
    validate_min=True,
    validate_max=True,
)


def benefit_formset(data=None, *, option: Option | None = None) -> BaseBenefitFormSet:
    # option.benefits is prefetched by the page and the edit views.
    existing = {b.indicator: b for b in option.benefits.all()} if option else {}
    initial = [
        {
            "indicator": value,
            "expected": getattr(existing.get(value), "expected", None),
            "actual": getattr(existing.get(value), "actual", None),
        }
        for value in Indicator.values
    ]
    prefix = f"option-{option.pk}-benefits" if option else "new-option-benefits"
    # extra=0 and min_num=14: exactly one form per indicator, in Indicator's order.
    return BenefitFormSet(data, initial=initial, prefix=prefix)


class OptionMoveForm(forms.Form):
    """Several options of the audit, ticked in its option table, moved to one status."""

    options = forms.ModelMultipleChoiceField(
        label=_("Options"), queryset=Option.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label=_("Move the chosen options to"), choices=OptionStatus.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        help_text=_("Required to screen out, reject as infeasible or abandon options."),
    )
    implemented_on = forms.DateField(
        label=_("Implemented on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, audit: Audit, **kwargs):
        kwargs.setdefault("auto_id", "move-%s")
        super().__init__(*args, **kwargs)
        self.fields["options"].queryset = audit.options.all()
        self.fields["options"].error_messages["required"] = _("Choose the options to move.")
        style(self)


class OptionBulkForm(forms.Form):
    text = forms.CharField(
        label=_("Rows pasted from a spreadsheet"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Columns: code, title, aspect, cost_class, investment, description; "
            "tab- or comma-separated, with or without the heading row. A heading row "
            "may name the columns in English or Chinese, in any order, and add more."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        style(self)
        self.fields["text"].widget.attrs["class"] += " font-monospace"


# --- documents and comments ------------------------------------------------------------


class OptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, option):
        return f"{option.code} {option.title}"


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the file name."),
    )
    option = OptionChoiceField(
        label=_("Option"),
        required=False,
        queryset=Option.objects.none(),
        empty_label=_("None: a document of the whole audit"),
    )
    supersedes = forms.ModelChoiceField(
        label=_("New version of"),
        required=False,
        queryset=Document.objects.none(),
        empty_label=_("None: a new document"),
        help_text=_("A changed file is a new version; the earlier one stays downloadable."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, XLSX or DOCX."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.xlsx,.docx"}),
    )

    def __init__(self, *args, audit: Audit, **kwargs):
        kwargs.setdefault("auto_id", "document-%s")
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = audit.options.order_by("code")
        # Only the latest version of each document is replaced.
        self.fields["supersedes"].queryset = audit.documents.filter(
            superseded_by__isnull=True
        ).order_by("kind", "title", "pk")
        self.fields["supersedes"].label_from_instance = lambda d: (
            _("%(title)s (version %(version)s)") % {"title": d.title, "version": d.version}
        )
        style(self)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "comment-%s")
        super().__init__(*args, **kwargs)
        style(self)
