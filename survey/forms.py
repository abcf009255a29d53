from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import MonitoringSource


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
