from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import StateConflict
from core.roles import require_role
from core.tasks import enqueue_on_commit

from .choices import Role
from .models import Auditor, Organization, User

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
