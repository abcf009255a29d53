"""Forms of the review screens. They only parse input: every rule (points within an
item's maximum, independent experts, a sheet summing to 100, …) is in
`assessments.services`, whose errors the views put back here."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audits.choices import Indicator
from audits.models import Document
from core.forms import style
from enterprises.models import Region

from .choices import QueueStage, ReviewKind
from .compliance import TITLES as SIGNAL_TITLES
from .models import localized

# --- the queue -------------------------------------------------------------------------


class ReviewFilterForm(forms.Form):
    """The queue's filters; `stage` and `overdue` are applied by the view's selector."""

    search = forms.CharField(label=_("Name or credit code"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    kind = forms.ChoiceField(label=_("Review"), required=False)
    # The view reads "true"; a checkbox without a value would send "on".
    overdue = forms.BooleanField(
        label=_("Overdue only"), required=False, widget=forms.CheckboxInput(attrs={"value": "true"})
    )
    # The rounds behind a count of the statistics' signals by firm and city (issue 18):
    # the rounds that raised `signal`, of a consulting firm (its id, or "none" for the
    # self-audits), in a region (a six-digit code: its city's or county's prefix) and of
    # a key list's year. Rounds outside the caller's scope are never in the list.
    signal = forms.ChoiceField(label=_("Signal raised"), required=False)
    consultancy = forms.RegexField(
        r"^(\d{1,18}|none)$", label=_("Consulting firm"), required=False, widget=forms.HiddenInput
    )
    region = forms.RegexField(
        r"^\d{6}$", label=_("Region"), required=False, widget=forms.HiddenInput
    )
    year = forms.IntegerField(
        label=_("Year of the key list"),
        required=False,
        min_value=2003,
        max_value=2100,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, signals: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            ("", _("Any stage")),
            ("open", pgettext_lazy("review stage", "Open")),
            *QueueStage.choices,
        ]
        self.fields["kind"].choices = [("", _("Assessment and acceptance")), *ReviewKind.choices]
        if signals:
            self.fields["signal"].choices = [
                ("", _("Any or none")),
                *[(code, title) for code, title in SIGNAL_TITLES.items()],
            ]
        else:
            # The signals are the panel's and the authority's (domain.md §7): the list
            # of a firm or an enterprise is not narrowed by them.
            del self.fields["signal"]
        style(self)
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"

    def filters(self) -> dict:
        """The valid filters, by name; nothing when the query string is wrong."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


# --- the panel -------------------------------------------------------------------------


class IdListField(forms.Field):
    """User ids as the checkboxes post them. Which of them may sit on the panel is the
    service's to say (it names each refused expert)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose the experts from the list.")}

    def to_python(self, value):
        try:
            return [int(item) for item in value or []]
        except (TypeError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class PanelForm(forms.Form):
    experts = IdListField(label=_("Experts"), required=False)


class DrawForm(forms.Form):
    size = forms.IntegerField(
        label=_("Panel size"), required=False, initial=3, min_value=1, max_value=99
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text=_(
            "Leave empty for a fresh random draw; give an earlier draw's seed to repeat it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


# --- scoring ---------------------------------------------------------------------------


class ScoreForm(forms.Form):
    """One points field per item of the round's sheet, the sheet's veto items and a
    comment. Points are passed on as typed: the service checks 0..max and two decimals,
    and its messages are put back next to the items they name."""

    vetoes = forms.MultipleChoiceField(
        label=_("Veto items raised"), required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.item_fields = []
        for item in sheet.items:
            name = self.item_name(item["code"])
            self.fields[name] = forms.CharField(
                label=localized(item),
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": item["max_points"],
                        "step": "0.01",
                        "inputmode": "decimal",
                        "data-points": "",
                    }
                ),
            )
            self.item_fields.append((item, name))
        self.fields["vetoes"].choices = [(veto["code"], localized(veto)) for veto in sheet.vetoes]
        # Items first, in the sheet's order, then the vetoes and the comment.
        self.order_fields([name for _item, name in self.item_fields])
        style(self)
        self.fields["vetoes"].widget.attrs["data-veto"] = ""

    @staticmethod
    def item_name(code: str) -> str:
        return f"item_{code}"

    def items(self) -> dict:
        """{code: points as typed} for the service."""
        return {
            item["code"]: self.cleaned_data.get(name, "").strip() for item, name in self.item_fields
        }

    def item_rows(self) -> list[dict]:
        """The sheet's items with their bound fields, for the template."""
        return [
            {"item": item, "title": localized(item), "field": self[name]}
            for item, name in self.item_fields
        ]

    def add_service_errors(self, error: ValidationError) -> None:
        """The service names an item in each of its messages (“code”: …, as the API
        shows them): such a message goes next to that item, with the item's title in
        place of its code; any other above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for field, messages in error.message_dict.items():
            for message in messages:
                name, message = self._field_of(field, message)
                self.add_error(name, message)

    def _field_of(self, key: str, message: str) -> tuple[str | None, str]:
        if key == "items":
            for item, name in self.item_fields:
                quoted = f"“{item['code']}”"
                if quoted in message:
                    return name, message.replace(quoted, f"“{localized(item)}”")
            return None, message
        return (key if key in self.fields and key != NON_FIELD_ERRORS else None), message


# --- verification (acceptance) ---------------------------------------------------------


class VerificationForm(forms.Form):
    """The panel's on-site check of one mid/high-cost option: implemented or not, a
    verified figure per indicator (empty: not verified), a note and the evidence.
    Prefixed with the option, as the page has one form per option."""

    implemented = forms.TypedChoiceField(
        label=_("Found on site"),
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Implemented")), ("no", _("Not implemented"))],
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.ModelChoiceField(
        label=_("Evidence"), required=False, queryset=None, empty_label=_("No document")
    )

    def __init__(self, *args, option, documents, claimed: dict, **kwargs):
        kwargs.setdefault("prefix", f"verify-{option.pk}")
        super().__init__(*args, **kwargs)
        self.option = option
        self.claimed = claimed
        self.fields["evidence"].queryset = documents
        for indicator in Indicator:
            self.fields[self.benefit_name(indicator)] = forms.CharField(
                label=indicator.label,
                required=False,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
        style(self)
        self.fields["implemented"].widget.attrs["class"] = "form-check-input"

    @staticmethod
    def benefit_name(indicator: str) -> str:
        return f"benefit_{indicator}"

    def benefit_rows(self) -> tuple[list[dict], list[dict]]:
        """The indicators the option claims (shown first, with the claim), then the
        others (folded away on the page)."""
        claimed, others = [], []
        for indicator in Indicator:
            row = {
                "field": self[self.benefit_name(indicator)],
                "indicator": indicator.value,
                "claimed": self.claimed.get(indicator.value),
            }
            (claimed if indicator.value in self.claimed else others).append(row)
        return claimed, others

    def verified_benefits(self) -> list[dict]:
        return [
            {"indicator": indicator.value, "value": value}
            for indicator in Indicator
            if (value := self.cleaned_data.get(self.benefit_name(indicator), "").strip())
        ]


# --- conclusion ------------------------------------------------------------------------


class ConclusionForm(forms.Form):
    # Not required here: the service says what the opinion must hold.
    opinion = forms.CharField(
        label=_("Opinion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The written assessment or acceptance opinion; when the review fails, "
            "the rectification demands."
        ),
    )
    demands = forms.CharField(
        label=_("Rectification demands"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One demand a line; at least one when the review fails, none when it passes. "
            "The enterprise answers each before it re-applies."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean_demands(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["demands"].splitlines() if line.strip()]


class DemandResponseForm(forms.Form):
    """The enterprise's or its firm's answer to one rectification demand."""

    response = forms.CharField(
        label=_("Response"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.ModelChoiceField(
        label=_("Document"),
        required=False,
        queryset=Document.objects.none(),
        empty_label=_("None"),
        help_text=_("The document of the audit that shows the rectification, if any."),
    )

    def __init__(self, *args, demand, **kwargs):
        kwargs.setdefault("prefix", f"demand-{demand.pk}")
        kwargs.setdefault("initial", {"response": demand.response, "document": demand.document_id})
        super().__init__(*args, **kwargs)
        self.demand_id = demand.pk
        self.fields["document"].queryset = Document.objects.filter(
            audit_id=demand.review.audit_id
        ).order_by("-uploaded_at", "-id")
        style(self)


# --- scoring sheets --------------------------------------------------------------------


class SheetScopeForm(forms.Form):
    """Whose sheets the admin looks at: a province's, or the national default."""

    province = forms.ModelChoiceField(
        label=_("Province"),
        required=False,
        empty_label=_("National default"),
        queryset=Region.objects.filter(level="province").order_by("code"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class SheetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Review"), choices=ReviewKind.choices)
    # Passed on as typed: the service checks 0..100.
    pass_mark = forms.CharField(
        label=_("Pass mark"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.01"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class SheetEntryForm(forms.Form):
    code = forms.CharField(label=_("Code"), required=False, max_length=40)
    title_zh = forms.CharField(label=_("Title (Chinese)"), required=False, max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
        for field in self.fields.values():
            field.widget.attrs["class"] += " form-control-sm"

    def entry(self) -> dict | None:
        """The row as the service takes it; None for a row left empty."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "DELETE"}
        if self.cleaned_data.get("DELETE") or not any(str(v).strip() for v in data.values()):
            return None
        return data


class SheetItemForm(SheetEntryForm):
    max_points = forms.CharField(
        label=_("Max points"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.01"}),
    )


class BaseEntryFormSet(forms.BaseFormSet):
    def entries(self) -> list[dict]:
        return [entry for form in self.forms if (entry := form.entry()) is not None]

    def add_service_errors(self, messages) -> None:
        self._non_form_errors = self.error_class(
            [*self.non_form_errors(), *messages], error_class="nonform"
        )


SheetItemFormSet = forms.formset_factory(
    SheetItemForm,
    formset=BaseEntryFormSet,
    extra=2,
    can_delete=True,
    max_num=60,
    absolute_max=60,
    validate_max=True,
)
SheetVetoFormSet = forms.formset_factory(
    SheetEntryForm,
    formset=BaseEntryFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    absolute_max=30,
    validate_max=True,
)
