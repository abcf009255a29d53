"""Forms of the public pages and of the emission disclosure (domain.md §1)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import DisclosedPollutant, KeyEnterpriseList, Region

DOCUMENT_ACCEPT = ".pdf,.png,.jpg,.jpeg,.xlsx,.docx"


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class PublicSearchForm(forms.Form):
    """The search box of every public page."""

    q = forms.CharField(label=_("Enterprise name or credit code"), required=False,
                        max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def search(self) -> str:
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""


class PublicListFilterForm(PublicSearchForm):
    """Filters of the published lists: the provinces and years that have one."""

    province = forms.ChoiceField(label=pgettext_lazy("province name", "Province"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int,
                                  empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published = KeyEnterpriseList.objects.published()
        # One query each, whatever the number of lists.
        provinces = Region.objects.filter(
            pk__in=published.values("province_id")).order_by("code")
        years = published.order_by("-year").values_list("year", flat=True).distinct()
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (region.code, region.name) for region in provinces]
        self.fields["year"].choices = [("", _("All years"))] + [
            (year, year) for year in years]

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
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class PollutantForm(forms.ModelForm):
    """One row of the pollutant table; labels and limits come from the model."""

    class Meta:
        model = DisclosedPollutant
        fields = ["pollutant", "discharge_mode", "concentration", "concentration_unit",
                  "total_emitted_t", "standard", "standard_limit", "quota_t"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        for field in self.fields.values():
            field.widget.attrs["class"] += " form-control-sm" if not isinstance(
                field.widget, forms.Select) else " form-select-sm"
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
        return [form.cleaned_data for form in self.forms
                if form.has_changed() and form.cleaned_data]


PollutantFormSet = forms.formset_factory(
    PollutantForm, formset=BasePollutantFormSet, extra=3, max_num=50, validate_max=True)


def add_service_errors(form: forms.Form, formset, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the
    form has it, the pollutant rows' errors above the table, the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, messages)
        elif field == "pollutants" or field in PollutantForm.Meta.fields:
            formset.non_form_errors().extend(messages)
        else:
            form.add_error(None, messages)
