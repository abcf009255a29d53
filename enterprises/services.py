from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import Role
from cpaudit.services import require_role

from .credit_code import normalize
from .models import Enterprise

ENTERPRISE_FIELDS = (
    "name", "credit_code", "region", "industry", "address", "employees", "annual_sales",
    "total_assets",
)


def _check_region(actor, enterprise: Enterprise) -> None:
    if not actor.in_scope(enterprise.region_id):
        raise ValidationError({"region": _("This region is outside your jurisdiction.")})


@transaction.atomic
def enterprise_create(*, actor, **fields) -> Enterprise:
    """Register an enterprise. Authorities only within their region (design.md)."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    fields["credit_code"] = normalize(fields.get("credit_code", ""))
    enterprise = Enterprise(**fields)
    _check_region(actor, enterprise)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, **fields) -> Enterprise:
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if "credit_code" in fields:
        fields["credit_code"] = normalize(fields["credit_code"])
    for name, value in fields.items():
        if name not in ENTERPRISE_FIELDS:
            raise ValueError(name)
        setattr(enterprise, name, value)
    _check_region(actor, enterprise)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_delete(*, actor, enterprise: Enterprise) -> None:
    """An enterprise still referred to (users, list entries, audits) is protected; the
    API answers that with 409."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    enterprise.delete()
