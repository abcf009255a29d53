"""Enforcement and the registry (issue 16, items 2 and 3; domain.md §7, §8): urge
notices about overdue audits, penalty decisions against enterprises and consulting firms,
the firms' registered industries and region, and the check an engagement passes."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import OrganizationKind, Role
from accounts.models import Organization, User
from audits.choices import Deadline
from audits.models import Audit
from core.errors import StateConflict
from core.files import check_upload
from core.regions import province_code
from notifications.messages import translated
from notifications.services import notify

from . import exports
from .choices import OutsideIndustry
from .models import ConsultancyRegistration, Penalty, SupervisionPolicy, UpwardReport, Urge
from .workflow import reports_to_render

SUPERVISORS = (Role.ADMIN, Role.AUTHORITY)


def can_supervise(actor, region_code: str) -> bool:
    """Authorities over the region (and admins) urge, penalise and keep the registry."""
    return getattr(actor, "role", None) in SUPERVISORS and actor.in_scope(region_code)


def require_supervisor(actor, region_code: str) -> None:
    if not can_supervise(actor, region_code):
        raise PermissionDenied(_("Only the authorities over this region may do this."))


def _parties(audit: Audit):
    """The enterprise's staff and the engaged firm's."""
    users = User.objects.filter(enterprise_id=audit.enterprise_id)
    if audit.consultancy_id:
        users = users | User.objects.filter(organization_id=audit.consultancy_id)
    return users


# --- urges --------------------------------------------------------------------------------


@transaction.atomic
def urge_send(*, actor, audit: Audit, text: str) -> Urge:
    """An urge notice about an overdue audit, to the enterprise and its firm (催办): the
    deadlines overdue today are recorded with it. 409 when nothing is overdue."""
    audit = (
        Audit.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=audit.pk)
    )
    require_supervisor(actor, audit.enterprise.region_id)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write what the enterprise is urged to do.")})
    overdue = audit.overdue_kinds()
    if not overdue:
        raise StateConflict(
            _("Only an overdue audit is urged."), unmet=[_("No deadline of this audit has passed.")]
        )
    urge = Urge.objects.create(audit=audit, text=text.strip(), overdue=overdue, sent_by=actor)
    notify(
        recipients=_parties(audit),
        kind="urge",
        params={
            "enterprise": audit.enterprise.name,
            "round": audit.round,
            "deadlines": translated(lambda: ", ".join(str(Deadline(k).label) for k in overdue)),
            "text": urge.text,
        },
        url=reverse("audit-detail", args=[audit.pk]),
    )
    return urge


# --- penalties ----------------------------------------------------------------------------


@transaction.atomic
def penalty_record(
    *,
    actor,
    ground: str,
    legal_basis: str,
    decided_on: datetime.date,
    enterprise=None,
    consultancy=None,
    audit: Audit | None = None,
    amount: Decimal | None = None,
    document=None,
) -> Penalty:
    """A penalty decision against an enterprise or a consulting firm (one of them), in
    the actor's region, decided on a day not in the future; the decision's document
    checked by content. The party's staff are told."""
    errors = {}
    if (enterprise is None) == (consultancy is None):
        errors["enterprise"] = _("A penalty is decided against an enterprise or a consulting firm.")
    if consultancy is not None and consultancy.kind != OrganizationKind.CONSULTANCY:
        errors["consultancy"] = _("Choose a consulting firm.")
    if decided_on and decided_on > timezone.localdate():
        errors["decided_on"] = _("A decision is recorded once it is taken, not in advance.")
    if amount is not None and amount < 0:
        errors["amount"] = _("An amount is not negative.")
    if audit is not None and (
        (enterprise is not None and audit.enterprise_id != enterprise.pk)
        or (consultancy is not None and audit.consultancy_id != consultancy.pk)
    ):
        errors["audit"] = _("The audit is not the penalised party's.")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _("Name the legal basis of the decision.")
    if errors:
        raise ValidationError(errors)
    party = enterprise or consultancy
    require_supervisor(actor, party.region_id)
    penalty = Penalty(
        enterprise=enterprise,
        consultancy=consultancy,
        audit=audit,
        ground=ground,
        legal_basis=legal_basis.strip(),
        amount=amount,
        decided_on=decided_on,
        recorded_by=actor,
    )
    if document is not None:
        penalty.document_content_type, penalty.document_sha256 = check_upload(
            document, field="document"
        )
        penalty.document.save("decision", ContentFile(document.read()), save=False)
    penalty.full_clean()
    penalty.save()
    staff = (
        User.objects.filter(enterprise=enterprise)
        if enterprise is not None
        else User.objects.filter(organization=consultancy)
    )
    notify(
        recipients=staff,
        kind="penalty",
        params={
            "party": str(party),
            "date": decided_on.isoformat(),
            "amount": str(amount) if amount is not None else "",
            "basis": penalty.legal_basis,
        },
        url=reverse("audit-detail", args=[audit.pk]) if audit else "",
    )
    return penalty


# --- the registry -------------------------------------------------------------------------


@transaction.atomic
def registration_save(
    *, actor, organization: Organization, industries, region
) -> ConsultancyRegistration:
    """A firm's registered industries and region, kept by the authorities over the firm's
    seat (and admins)."""
    if organization.kind != OrganizationKind.CONSULTANCY:
        raise ValidationError({"organization": _("Only consulting firms are registered.")})
    require_supervisor(actor, organization.region_id)
    if not industries:
        raise ValidationError({"industries": _("Register at least one industry.")})
    registration, _created = ConsultancyRegistration.objects.update_or_create(
        organization=organization, defaults={"region": region, "updated_by": actor}
    )
    registration.industries.set(industries)
    return registration


def registry_check(*, audit, consultancy) -> list[str]:
    """The check of an engagement (audits.engagement): a firm not registered, or not for
    the enterprise's industry, is warned of, or refused where the province's policy says
    so (domain.md §8: Jiangsu forbids work outside the registered industries)."""
    enterprise = audit.enterprise
    registration = (
        ConsultancyRegistration.objects.filter(organization=consultancy)
        .prefetch_related("industries")
        .first()
    )
    if registration is None:
        problem = _("%(firm)s is not in the registry of consulting firms.") % {
            "firm": consultancy.name
        }
    elif not registration.covers(enterprise.industry_code):
        problem = _(
            "%(firm)s is not registered for the industry %(industry)s (registered: %(codes)s)."
        ) % {
            "firm": consultancy.name,
            "industry": enterprise.industry_code,
            "codes": ", ".join(registration.industry_codes),
        }
    else:
        return []
    policy = SupervisionPolicy.for_province(province_code(enterprise.region_id))
    if policy.outside_industry == OutsideIndustry.REFUSE:
        raise ValidationError({"consultancy": problem})
    return [problem]


# --- the PDF of a report upward ----------------------------------------------------------


@transaction.atomic
def upward_report_render(*, report_id: int) -> bool:
    """Render the PDF of a frozen report once (a re-run finds it made and does nothing)."""
    report = (
        UpwardReport.objects.select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=report_id)
        .first()
    )
    if report is None or not report.is_frozen or report.pdf:
        return False
    report.pdf.save(f"report-{report.pk}.pdf", ContentFile(exports.report_pdf(report)), save=False)
    report.save(update_fields=["pdf"])
    return True


def upward_reports_sweep() -> int:
    """Render the PDFs a lost task left missing; the number rendered."""
    return sum(upward_report_render(report_id=pk) for pk in reports_to_render())
