"""Role checks. Services check the role themselves, so that the API and the pages get
the same rule (design.md "Roles and scoping"); scope stays with the querysets (an
object outside it is a 404)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def has_role(actor, *roles) -> bool:
    return getattr(actor, "role", None) in roles


def require_role(actor, *roles) -> None:
    if not has_role(actor, *roles):
        raise PermissionDenied(_("Your role may not do this."))


def role_required(*roles):
    """Pages: log in first, then 403 for a role that may not use the page."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
