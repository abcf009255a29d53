from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Industry, Region


class EnterpriseFilterForm(forms.Form):
    """The enterprise list's filters; the choices stay within the user's region."""

    search = forms.CharField(label=_("Name or credit code"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    industry = forms.ModelChoiceField(
        label=_("Industry"), required=False,
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
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(
                field.widget, forms.Select) else "form-control"
