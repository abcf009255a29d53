from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.roles import require_role
from core.tasks import enqueue_on_commit

from .choices import Role
from .models import Auditor, User

USER_FIELDS = ("username", "full_name", "email", "role", "organization", "enterprise", "is_active")


@transaction.atomic
def user_create(*, actor, password: str | None = None, **fields) -> User:
    """Create an account (admins only) and mail its owner once the row is committed."""
    require_role(actor, Role.ADMIN)
    user = User(**fields)
    user.is_superuser = user.role == Role.ADMIN
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if user.email:
        # A broker that is down loses the mail, not the request that made the user.
        enqueue_on_commit("accounts.tasks.send_account_created_email", user.pk)
    return user


@transaction.atomic
def user_update(*, actor, user: User, password: str | None = None, **fields) -> User:
    require_role(actor, Role.ADMIN)
    user = User.objects.select_for_update().get(pk=user.pk)
    for name, value in fields.items():
        if name not in USER_FIELDS:
            raise ValueError(name)
        setattr(user, name, value)
    user.is_superuser = user.role == Role.ADMIN
    if password:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def _check_firm(actor, auditor: Auditor) -> None:
    if not actor.in_scope(auditor.organization.region_id):
        raise ValidationError(
            {"organization": _("This consulting firm is outside your jurisdiction.")}
        )


@transaction.atomic
def auditor_save(*, actor, auditor: Auditor | None = None, **fields) -> Auditor:
    """Register or change a certified auditor: admins, or an authority for the
    consulting firms registered in its region."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    if auditor is None:
        auditor = Auditor()
    else:
        auditor = Auditor.objects.select_for_update().get(pk=auditor.pk)
    for name, value in fields.items():
        setattr(auditor, name, value)
    _check_firm(actor, auditor)
    auditor.full_clean()
    auditor.save()
    return auditor
