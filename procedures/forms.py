"""The pages' forms: they parse input; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import style
from enterprises.choices import Category

from .choices import FilingKind


class RegistrationForm(forms.Form):
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class FilingForm(forms.Form):
    """The filing with its documents, uploaded with it (as documents of the audit)."""

    kind = forms.ChoiceField(label=_("Filing"), choices=FilingKind.choices)
    contract = forms.FileField(label=_("Consultancy contract"), required=False)
    plan = forms.FileField(
        label=_("Audit plan"),
        required=False,
        help_text=_("Needed with the contract for the start filing."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_at = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("1", _("I accept")), ("0", _("I decline"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    no_conflict = forms.BooleanField(
        label=_(
            "I declare that in the last three years I had no tie to the enterprise or its "
            "consulting firm (employment, consultancy, shares, family)."
        ),
        required=False,
    )
    declaration = forms.CharField(
        label=_("Declaration or reason for declining"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
        self.fields["accept"].widget.attrs["class"] = "form-check-input"


class PreReviewForm(forms.Form):
    text = forms.CharField(
        label=_("Pre-review opinion"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    attended = forms.MultipleChoiceField(
        label=_("Attended"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(e.pk), str(e)) for e in experts]
        style(self)

    def clean_attended(self):
        return [int(pk) for pk in self.cleaned_data["attended"]]


class ProposalForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    categories = forms.MultipleChoiceField(
        label=_("Categories"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Evidence document"), required=False)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        style(self)


class DecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept into the draft")), ("0", _("Reject"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(label=_("Reason"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ExpertForm(forms.Form):
    """A new expert of the pool, or an expert's industries and employers (`new=False`:
    the account fields are left out)."""

    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organization = forms.ModelChoiceField(label=_("Expert body"), queryset=None)
    industries = forms.ModelMultipleChoiceField(
        label=_("Industries of expertise"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    employer = forms.ModelChoiceField(
        label=_("Employed by (enterprise)"), queryset=None, required=False
    )
    consultancy = forms.ModelChoiceField(
        label=_("Works for (consulting firm)"), queryset=None, required=False
    )

    def __init__(self, *args, bodies, industries, enterprises, firms, new=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not new:
            for name in ("username", "full_name", "email", "organization"):
                del self.fields[name]
        else:
            self.fields["organization"].queryset = bodies
        self.fields["industries"].queryset = industries
        self.fields["employer"].queryset = enterprises
        self.fields["consultancy"].queryset = firms
        style(self)


class DeclarationForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None, required=False)
    consultancy = forms.ModelChoiceField(label=_("Consulting firm"), queryset=None, required=False)
    note = forms.CharField(label=_("Tie"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    since = forms.DateField(
        label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, enterprises, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["consultancy"].queryset = firms
        style(self)
