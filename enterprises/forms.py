"""The forms of the enterprise, key-list, policy and public pages. They only parse
input: every rule is in the services (`enterprises.services`, `enterprises.imports`,
`audits.publishing`), whose errors `core.forms.add_service_errors` puts back here."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import style

from . import services
from .choices import AmendmentAction, Category, ListStatus
from .models import (
    DisclosedPollutant,
    Enterprise,
    Industry,
    KeyEnterpriseList,
    ListEntry,
    ProvincePolicy,
    Region,
)

DOCUMENT_ACCEPT = ".pdf,.png,.jpg,.jpeg,.xlsx,.docx"

# --- enterprises --------------------------------------------------------------------


class EnterpriseFilterForm(forms.Form):
    """The enterprise list's filters; the choices stay within the user's region."""

    search = forms.CharField(label=_("Name or credit code"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    industry = forms.ModelChoiceField(
        label=_("Industry"),
        required=False,
        queryset=Industry.objects.filter(level="division"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cities = Region.objects.filter(level__in=["province", "city"])
        if user.scope_prefix:
            cities = cities.filter(code__startswith=user.scope_prefix)
        self.fields["region"].choices = [("", _("All regions"))] + [
            (region.prefix, str(region)) for region in cities
        ]
        # The industries present in the user's region, not every division.
        self.fields["industry"].queryset = Industry.objects.filter(
            pk__in=Enterprise.objects.for_user(user).order_by().values("industry_id")
        )
        style(self)


# --- key lists and the policy -------------------------------------------------------


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enterprise):
        return f"{enterprise.name} ({enterprise.credit_code})"


def enterprise_choices(user, key_list):
    """The enterprises the user may put on this list: in their scope and the list's
    province (the service checks both again)."""
    return Enterprise.objects.for_user(user).filter(
        region__code__startswith=key_list.province_id[:2]
    )


class KeyListFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2003, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ListStatus.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class KeyListCreateForm(forms.Form):
    """A new draft list. An officer's list is for their own province; an admin picks one."""

    year = forms.IntegerField(label=_("Year"), min_value=2003, max_value=2100)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the standard title."),
    )
    province = forms.ModelChoiceField(
        label=pgettext_lazy("a province, not its level", "Province"),
        queryset=Region.objects.filter(level="province"),
    )

    def __init__(self, *args, ask_province: bool, taken_years=(), **kwargs):
        # The first year from this one on that has no list yet: a first click that
        # submits the default creates a list, not a uniqueness error.
        year = timezone.localdate().year
        while year in taken_years:
            year += 1
        kwargs.setdefault("initial", {"year": year})
        # The list page has a year filter too: ids of their own (id="create_year").
        kwargs.setdefault("auto_id", "create_%s")
        super().__init__(*args, **kwargs)
        if not ask_province:
            del self.fields["province"]
        style(self)


class EntryForm(forms.Form):
    """An entry of a draft list: enterprise, categories and the reason."""

    enterprise = EnterpriseChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    # Required-ness is the service's rule ("Give at least one category.").
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        required=False,
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, key_list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprise_choices(user, key_list)
        style(self)


class AmendmentAddForm(EntryForm):
    """Add an enterprise to a published list; the reason is required (by the service)."""

    action = forms.CharField(widget=forms.HiddenInput, initial=AmendmentAction.ADD)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "amend-add-%s")
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _("Required: the reason is kept in the list's history.")


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, entry):
        return f"{entry.enterprise.name} ({entry.enterprise.credit_code})"


class AmendmentRemoveForm(forms.Form):
    """Take an entry off a published list."""

    action = forms.CharField(widget=forms.HiddenInput, initial=AmendmentAction.REMOVE)
    entry = EntryChoiceField(label=_("Entry"), queryset=ListEntry.objects.none())
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, key_list, **kwargs):
        kwargs.setdefault("auto_id", "amend-remove-%s")
        super().__init__(*args, **kwargs)
        # the enterprise names of the choices come in the same query.
        self.fields["entry"].queryset = (
            ListEntry.objects.for_user(user)
            .active()
            .filter(key_list=key_list)
            .select_related("enterprise")
            .order_by("enterprise__name", "pk")
        )
        style(self)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        validators=[FileExtensionValidator(["xlsx", "csv"])],
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PublishForm(forms.Form):
    published_on = forms.DateField(
        label=_("Publication date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The deadlines count from this date."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"published_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        style(self)


INDUSTRY_LISTS = ("heavy_metal_industries", "overcapacity_industries")


class PolicyForm(forms.Form):
    """Every figure of ProvincePolicy.FIGURES, with the model's labels; the two
    industry lists as comma-separated GB/T 4754 division codes."""

    def __init__(self, *args, policy: ProvincePolicy, **kwargs):
        initial = {name: getattr(policy, name) for name in ProvincePolicy.FIGURES}
        for name in INDUSTRY_LISTS:
            initial[name] = ", ".join(initial[name])
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(
            ProvincePolicy, fields=[f for f in ProvincePolicy.FIGURES if f not in INDUSTRY_LISTS]
        )
        for name in ProvincePolicy.FIGURES:
            if name in INDUSTRY_LISTS:
                label = ProvincePolicy._meta.get_field(name).verbose_name
                self.fields[name] = forms.CharField(
                    label=capfirst(label),
                    required=False,
                    help_text=_(
                        "GB/T 4754 codes at any level, separated by commas: a division "
                        "(32), a group (321) or a class (3360); an enterprise matches a "
                        "code its own begins with."
                    ),
                )
            else:
                self.fields[name] = model_fields[name]
        style(self)

    def _clean_divisions(self, name):
        """The codes typed, in order, once each, checked by the service's rule (so that
        a wrong code shows beside the other errors of the form)."""
        text = self.cleaned_data.get(name, "").replace("，", ",")
        codes = [code.strip() for code in text.split(",") if code.strip()]
        # a spreadsheet habit: 6 for 06 (the divisions 01–09)
        codes = ["0" + c if c.isdigit() and len(c) == 1 else c for c in codes]
        try:
            return services.clean_industry_codes(codes, field=name)
        except ValidationError as error:
            raise ValidationError(error.message_dict[name]) from error

    def clean_heavy_metal_industries(self):
        return self._clean_divisions("heavy_metal_industries")

    def clean_overcapacity_industries(self):
        return self._clean_divisions("overcapacity_industries")


# --- public pages and the disclosure ------------------------------------------------


class PublicSearchForm(forms.Form):
    """The search box of every public page."""

    q = forms.CharField(label=_("Enterprise name or credit code"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def search(self) -> str:
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""


class PublicListFilterForm(PublicSearchForm):
    """Filters of the published lists: the provinces and years that have one."""

    province = forms.ChoiceField(label=pgettext_lazy("province name", "Province"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published = KeyEnterpriseList.objects.published()
        # One query each, whatever the number of lists.
        provinces = Region.objects.filter(pk__in=published.values("province_id")).order_by("code")
        years = published.order_by("-year").values_list("year", flat=True).distinct()
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (region.code, region.name) for region in provinces
        ]
        self.fields["year"].choices = [("", _("All years"))] + [(year, year) for year in years]

    def filters(self) -> dict:
        """The valid filters; an invalid one is left out rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in ("province", "year") if data.get(name)}


class DisclosureForm(forms.Form):
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=300)
    document = forms.FileField(
        label=_("Supporting document"),
        help_text=_("PDF, PNG, JPEG, XLSX or DOCX, e.g. the monitoring report."),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PollutantForm(forms.ModelForm):
    """One row of the pollutant table; labels and limits come from the model."""

    class Meta:
        model = DisclosedPollutant
        fields = [
            "pollutant",
            "discharge_mode",
            "concentration",
            "concentration_unit",
            "total_emitted_t",
            "standard",
            "standard_limit",
            "quota_t",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
        for field in self.fields.values():
            field.widget.attrs["class"] += (
                " form-control-sm"
                if not isinstance(field.widget, forms.Select)
                else " form-select-sm"
            )
            # The column header is the visible label.
            field.widget.attrs["aria-label"] = field.label


class BasePollutantFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.rows():
            raise ValidationError(_("Disclose at least one major pollutant."))

    def rows(self) -> list[dict]:
        """The filled-in rows, as `disclosure_submit` takes them."""
        return [
            form.cleaned_data for form in self.forms if form.has_changed() and form.cleaned_data
        ]


PollutantFormSet = forms.formset_factory(
    PollutantForm, formset=BasePollutantFormSet, extra=3, max_num=50, validate_max=True
)
