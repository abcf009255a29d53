"""Helpers every app's services share."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_role(actor, *roles) -> None:
    """Services check the role themselves, so the API and the HTML views get the
    same rule (design.md "Roles and scoping")."""
    if getattr(actor, "role", None) not in roles:
        raise PermissionDenied(_("Your role may not do this."))
