from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import LineCategory, MonitoringSource


class PasteForm(forms.Form):
    table = forms.CharField(
        label=_("Table pasted from a spreadsheet"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text=_(
            "Copy the rows from Excel or WPS and paste them here: category, name, unit, "
            "the three years' values, and a reason where a year moves. A first row with "
            "the three years sets them."
        ),
    )
    first_year = forms.IntegerField(
        label=_("First year"), required=False, min_value=1990, max_value=2100
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False)


class MonitoringForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=MonitoringSource.choices)
    file = forms.FileField(
        label=_("Monitoring export (.xlsx or .csv)"),
        help_text=_(
            "Columns: pollutant, date or year, quantity, unit; the rows of a year are summed."
        ),
    )


class SystemChoiceForm(forms.Form):
    system = forms.TypedChoiceField(label=_("Evaluation indicator system"), coerce=int)

    def __init__(self, *args, systems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].choices = [(s.pk, str(s)) for s in systems]


class SurveyLineForm(forms.Form):
    """One line of the grid, edited in place or added (survey.services.survey_line_save
    checks it as it checks a pasted row)."""

    category = forms.ChoiceField(label=_("Category"), choices=LineCategory.choices)
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=120)
    unit = forms.CharField(label=_("Unit"), max_length=40)
    # As typed ("1,234.5"; blank for none): the service reads them as a paste's cells.
    value_1 = forms.CharField(label=_("First year"), required=False, max_length=40)
    value_2 = forms.CharField(label=_("Second year"), required=False, max_length=40)
    value_3 = forms.CharField(label=_("Third year"), required=False, max_length=40)
    line_reason = forms.CharField(label=_("Why a year moves"), required=False, max_length=1000)
    reason = forms.CharField(label=_("Reason for the change"), max_length=1000)

    # The service's field names (survey.services._line) → this form's.
    FIELDS = {
        "category": "category",
        "name": "name",
        "unit": "unit",
        "values[0]": "value_1",
        "values[1]": "value_2",
        "values[2]": "value_3",
        "reason": "reason",
    }

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        for number, year in enumerate(years, start=1):
            self.fields[f"value_{number}"].label = str(year)
        for name, field in self.fields.items():
            field.widget.attrs.update(
                {
                    "form": "line-form",
                    "class": "form-select form-select-sm"
                    if name == "category"
                    else "form-control form-control-sm",
                }
            )

    def line_data(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "name": data["name"],
            "unit": data["unit"],
            "values": [data["value_1"], data["value_2"], data["value_3"]],
            "reason": data["line_reason"],
        }

    def add_row_errors(self, errors: list[dict]) -> None:
        for error in errors:
            field = self.FIELDS.get(error["field"])
            self.add_error(field if field in self.fields else None, error["message"])

    @staticmethod
    def initial_for(line) -> dict:
        def text(value):
            return "" if value is None else format(value.normalize(), "f")

        return {
            "category": line.category,
            "name": line.name,
            "unit": line.unit,
            "value_1": text(line.value_1),
            "value_2": text(line.value_2),
            "value_3": text(line.value_3),
            "line_reason": line.reason,
        }
