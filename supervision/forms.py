from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import STAFF_ROLE_CHOICES, OrganizationKind, Role
from accounts.models import Auditor, Organization, User
from core.forms import style
from enterprises.models import Enterprise, Industry, Region
from enterprises.services import ENTERPRISE_FIELDS

from .choices import PenaltyGround, ReportKind


class UpwardReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2003, max_value=2100)
    as_of = forms.DateField(
        label=_("Figures as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: 30 June, 15 December or 31 December, by the report."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        style(self)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ReturnForm(CommentForm):
    comment = forms.CharField(
        label=_("Why it is returned"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        # Beside the receive form on one page: ids of its own.
        kwargs.setdefault("auto_id", "id_return_%s")
        super().__init__(*args, **kwargs)


class UrgeForm(forms.Form):
    text = forms.CharField(
        label=_("Urge notice"),
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=_("Complete the overdue steps of the audit without delay and report back."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PenaltyForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False
    )
    consultancy = forms.ModelChoiceField(
        label=_("Consulting firm"), queryset=Organization.objects.none(), required=False
    )
    ground = forms.ChoiceField(label=_("Ground"), choices=PenaltyGround.choices)
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    decided_on = forms.DateField(
        label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    document = forms.FileField(label=_("Decision document"), required=False)

    def __init__(self, *args, user, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).order_by("name")
        self.fields["consultancy"].queryset = firms.order_by("name")
        style(self)


class RegistrationForm(forms.Form):
    industries = forms.ModelMultipleChoiceField(
        label=_("Registered industries"),
        queryset=Industry.objects.filter(level="division").order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    region = forms.ModelChoiceField(
        label=_("Registered region"),
        queryset=Region.objects.filter(level__in=["province", "city"]).order_by("code"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.scope_prefix:
            self.fields["region"].queryset = self.fields["region"].queryset.filter(
                code__startswith=user.scope_prefix
            )
        style(self)


def firm_choices():
    return Organization.objects.filter(kind=OrganizationKind.CONSULTANCY)


class EnterpriseForm(forms.ModelForm):
    """An enterprise of the officer's region, with the figures that make it an SME."""

    class Meta:
        model = Enterprise
        fields = list(ENTERPRISE_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(retired=False).order_by("code")
        if user.scope_prefix:
            regions = regions.filter(code__startswith=user.scope_prefix)
        self.fields["region"].queryset = regions
        self.fields["industry"].queryset = Industry.objects.filter(level="division").order_by(
            "code"
        )
        style(self)

    def validate_unique(self):
        """The service checks (and reports) what the database would refuse."""


class AuditorForm(forms.ModelForm):
    """A certified auditor of a firm or an enterprise in the officer's region; renewing
    a certificate is a new issue date (its validity follows from the level)."""

    class Meta:
        model = Auditor
        fields = ["name", "certificate_no", "level", "issued_on", "valid_until", "organization"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = firms.order_by("name")
        self.fields["organization"].required = True
        self.fields["valid_until"].required = False
        self.fields["valid_until"].help_text = _("Empty: the years of its level from the issue.")
        style(self)

    def validate_unique(self):
        """The service checks (and reports) what the database would refuse."""


def seated_firms(user):
    """The consulting firms seated in the officer's region (all for an admin): whose
    staff accounts the officer manages."""
    firms = Organization.objects.filter(kind=OrganizationKind.CONSULTANCY, active=True)
    if user.role != Role.ADMIN:
        firms = firms.filter(region__code__startswith=user.scope_prefix)
    return firms.order_by("name")


class StaffAccountForm(forms.ModelForm):
    """A new account for the staff of an enterprise or a consulting firm of the region."""

    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone", "role", "enterprise", "organization"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).order_by("name")
        self.fields["organization"].queryset = seated_firms(user)
        self.fields["organization"].label = _("Consulting firm")
        self.fields["enterprise"].help_text = _("For an enterprise account.")
        self.fields["organization"].help_text = _("For a consultant account.")
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The invitation to set a password goes here.")
        style(self)

    def _post_clean(self):
        """The service validates the account (and reports what the database refuses)."""


class StaffEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
