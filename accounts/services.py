from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import StateConflict
from core.roles import require_role
from core.tasks import enqueue_on_commit

from .choices import STAFF_ROLES, AccountAction, Role
from .models import AccountChange, Auditor, Organization, User

USER_FIELDS = (
    "username",
    "full_name",
    "email",
    "phone",
    "role",
    "organization",
    "enterprise",
    "is_active",
)


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


# --- the staff accounts an authority manages (issue 16, item 4) --------------------------

STAFF_FIELDS = ("full_name", "email", "phone", "is_active")


def _record(*, actor, user: User, action: str, fields=()) -> AccountChange:
    return AccountChange.objects.create(user=user, actor=actor, action=action, fields=list(fields))


def require_staff_manager(actor) -> None:
    """Admins, and authorities over a region, manage the staff accounts."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    if actor.role == Role.AUTHORITY and not actor.scope_prefix:
        raise PermissionDenied


def _check_staff_holder(actor, user: User) -> None:
    """The account is an enterprise's or a firm's, seated in the actor's region."""
    if user.role not in STAFF_ROLES:
        raise ValidationError(
            {"role": _("Only enterprise and consultant accounts are managed here.")}
        )
    enterprise = user.enterprise if user.role == Role.ENTERPRISE else None
    if enterprise is not None and not actor.in_scope(enterprise.region_id):
        raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})
    firm = user.organization if user.role == Role.CONSULTANT else None
    if firm is not None and not actor.in_scope(firm.region_id):
        raise ValidationError(
            {"organization": _("This consulting firm is outside your jurisdiction.")}
        )


@transaction.atomic
def staff_create(*, actor, **fields) -> User:
    """An account for the staff of an enterprise or a consulting firm of the actor's
    region (`username`, `role`, `enterprise` or `organization`, `full_name`, `email`,
    `phone`), without a password: its owner sets one through the invitation mailed once
    the row is committed. Recorded with the actor and the time."""
    require_staff_manager(actor)
    user = User(**fields)
    user.is_superuser = False
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    _check_staff_holder(actor, user)
    user.save()
    _record(actor=actor, user=user, action=AccountAction.CREATED, fields=sorted(fields))
    if user.email:
        _record(actor=actor, user=user, action=AccountAction.INVITED)
        enqueue_on_commit("accounts.tasks.send_invitation_email", user.pk)
    return user


@transaction.atomic
def staff_update(*, actor, user: User, **fields) -> User:
    """Change a staff account's name, email or phone, or deactivate / reactivate it
    (`is_active`); each change recorded with the actor and the time."""
    require_staff_manager(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_staff_holder(actor, user)
    before = {name: getattr(user, name) for name in STAFF_FIELDS}
    for name, value in fields.items():
        if name not in STAFF_FIELDS:
            raise ValueError(name)
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    changed = [name for name in STAFF_FIELDS if before[name] != getattr(user, name)]
    details = [name for name in changed if name != "is_active"]
    if details:
        _record(actor=actor, user=user, action=AccountAction.CHANGED, fields=details)
    if "is_active" in changed:
        action = AccountAction.REACTIVATED if user.is_active else AccountAction.DEACTIVATED
        _record(actor=actor, user=user, action=action)
    return user


@transaction.atomic
def staff_invite(*, actor, user: User) -> User:
    """Mail the account's owner a new link to set their password (the earlier links stop
    working once a password is set). An inactive account or one without an email is not
    invited (400)."""
    require_staff_manager(actor)
    _check_staff_holder(actor, user)
    if not user.is_active:
        raise ValidationError(_("The account is deactivated; reactivate it first."))
    if not user.email:
        raise ValidationError({"email": _("The account has no email address to invite.")})
    _record(actor=actor, user=user, action=AccountAction.INVITED)
    enqueue_on_commit("accounts.tasks.send_invitation_email", user.pk)
    return user


def _check_employer(actor, auditor: Auditor) -> None:
    if auditor.organization_id and not actor.in_scope(auditor.organization.region_id):
        raise ValidationError(
            {"organization": _("This consulting firm is outside your jurisdiction.")}
        )
    if auditor.enterprise_id and not actor.in_scope(auditor.enterprise.region_id):
        raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})


@transaction.atomic
def auditor_save(*, actor, auditor: Auditor | None = None, **fields) -> Auditor:
    """Register or change a certified auditor of a consulting firm or of an enterprise
    (its own staff): admins, or an authority for the firms and enterprises of its region.
    Without `valid_until`, the certificate runs the years of its level from its issue
    (seed 004)."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    if auditor is None:
        auditor = Auditor()
    else:
        auditor = Auditor.objects.select_for_update().get(pk=auditor.pk)
    for name, value in fields.items():
        setattr(auditor, name, value)
    if ("level" in fields or "issued_on" in fields) and "valid_until" not in fields:
        auditor.valid_until = None  # recomputed from the new issue date or level
    auditor.full_clean()
    _check_employer(actor, auditor)
    auditor.save()
    return auditor


def _in_use(detail, references: list[str]) -> None:
    if references:
        raise StateConflict(detail, unmet=references)


def auditor_references(auditor: Auditor) -> list[str]:
    """The submitted audits whose team or lead the auditor is on (the audits app's
    reverse relations): what a panel judged names them."""
    submitted = {"report_submitted_on__isnull": False}
    audits = set(auditor.audits.filter(**submitted).values_list("pk", flat=True))
    audits |= set(auditor.led_audits.filter(**submitted).values_list("pk", flat=True))
    return [
        _("The team of audit %(id)s, which was submitted for review.") % {"id": pk}
        for pk in sorted(audits)
    ]


@transaction.atomic
def auditor_delete(*, actor, auditor: Auditor) -> None:
    """An auditor on the team of a submitted audit is not deleted (409 naming the audits);
    retire them (`active: false`) instead (issue 11)."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    auditor = Auditor.objects.select_for_update().get(pk=auditor.pk)
    _in_use(
        _("The auditor is on the record of a submitted audit; retire them instead."),
        auditor_references(auditor),
    )
    auditor.delete()


def organization_references(organization: Organization) -> list[str]:
    """The audits the firm was engaged for and the users it employs."""
    found = [
        _("Audit %(id)s (its consulting firm).") % {"id": pk}
        for pk in organization.audits.values_list("pk", flat=True).order_by("pk")[:20]
    ]
    found += [
        _("User %(username)s.") % {"username": name}
        for name in organization.users.values_list("username", flat=True).order_by("username")[:20]
    ]
    found += [
        _("Auditor %(name)s.") % {"name": name}
        for name in organization.auditors.values_list("name", flat=True).order_by("name")[:20]
    ]
    return found


@transaction.atomic
def organization_delete(*, actor, organization: Organization) -> None:
    """An organisation that an audit, a user or an auditor refers to is not deleted (409
    naming them); retire it (`active: false`) instead."""
    require_role(actor, Role.ADMIN)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _in_use(
        _("The organisation is on the record; retire it instead."),
        organization_references(organization),
    )
    organization.delete()
