"""Reads of supervision: the firms in an authority's view, a firm's record (issue 16,
item 3; domain.md §6), the overdue audits to urge, the public list of penalised firms."""

import datetime

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import OrganizationKind, Role
from accounts.models import Auditor, Organization
from audits.choices import AuditState
from audits.models import Audit
from core.regions import province_code
from reporting.statistics import consultancy_records, firm_signals, scope_prefix

from .models import ConsultancyRegistration, Penalty, SupervisionPolicy, Urge

EXPIRY_WARNING_DAYS = 90


def firms_for(user):
    """The consulting firms an authority watches: seated in its region, or engaged on
    audits there; admins every firm; other roles none."""
    firms = Organization.objects.filter(kind=OrganizationKind.CONSULTANCY)
    role = getattr(user, "role", None)
    if role == Role.ADMIN:
        return firms
    if role == Role.AUTHORITY and user.scope_prefix:
        engaged = Audit.objects.for_user(user).values("consultancy_id")
        return firms.filter(Q(region__code__startswith=user.scope_prefix) | Q(pk__in=engaged))
    return firms.none()


def firm_for(user, pk: int) -> Organization:
    firm = firms_for(user).select_related("region").filter(pk=pk).first()
    if firm is None:
        raise Http404
    return firm


def firm_rows(*, user, region: str | None = None) -> list[dict]:
    """Each firm's record in the caller's jurisdiction (reporting.statistics'), with the
    urge notices about its audits there and the penalties against it (two more queries)."""
    records = consultancy_records(user=user, region=region)
    prefix = scope_prefix(user=user, region=region) or ""
    _add_enforcement(
        records,
        urges=Urge.objects.filter(
            audit__consultancy__isnull=False, audit__enterprise__region__code__startswith=prefix
        ),
        penalties=Penalty.objects.filter(consultancy__isnull=False),
    )
    return records


def _add_enforcement(records: list[dict], *, urges, penalties) -> None:
    """Each firm's record gets the number of `urges` about its audits and of `penalties`
    against it (one grouped query each)."""
    by_firm = [
        dict(queryset.values_list(field).annotate(n=Count("pk")).order_by())
        for queryset, field in ((urges, "audit__consultancy_id"), (penalties, "consultancy_id"))
    ]
    for record in records:
        record["urges"] = by_firm[0].get(record["id"], 0)
        record["penalties"] = by_firm[1].get(record["id"], 0)


def firm_record(*, user, firm: Organization, today: datetime.date | None = None) -> dict:
    """The record of one firm as the caller sees it (domain.md §6): its audits by state,
    the first-time pass rate and mean scores, the token-compliance signals its concluded
    rounds were concluded with, the urges and penalties, its auditors and their
    certificates (expired, or expiring within 90 days), its registration. A fixed number
    of queries, whatever the number of audits."""
    today = today or timezone.localdate()
    audits = Audit.objects.for_user(user).filter(consultancy=firm)
    by_state = dict.fromkeys(AuditState.values, 0)
    for state, n in audits.values_list("state").annotate(n=Count("pk")).order_by():
        by_state[state] = n
    record = next(
        (row for row in consultancy_records(user=user) if row["id"] == firm.pk),
        {
            "audits": 0,
            "first_round_concluded": 0,
            "first_round_passed": 0,
            "first_time_pass_pct": None,
            "assessment_mean_score": None,
            "acceptance_mean_score": None,
        },
    )
    signals = firm_signals(audits).get(firm.pk, {})
    soon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    auditors = [
        {
            "id": auditor.pk,
            "name": auditor.name,
            "certificate_no": auditor.certificate_no,
            "level": auditor.level,
            "issued_on": auditor.issued_on,
            "valid_until": auditor.valid_until,
            "expired": auditor.valid_until < today,
            "expiring": today <= auditor.valid_until <= soon,
        }
        for auditor in Auditor.objects.filter(organization=firm).order_by("valid_until", "name")
    ]
    registration = (
        ConsultancyRegistration.objects.filter(organization=firm)
        .select_related("region")
        .prefetch_related("industries")
        .first()
    )
    return {
        "id": firm.pk,
        "name": firm.name,
        "region": firm.region_id,
        "registration": registration,
        "audits_by_state": by_state,
        "audits": sum(by_state.values()),
        "first_round_concluded": record["first_round_concluded"],
        "first_round_passed": record["first_round_passed"],
        "first_time_pass_pct": record["first_time_pass_pct"],
        "assessment_mean_score": record["assessment_mean_score"],
        "acceptance_mean_score": record["acceptance_mean_score"],
        "signals": signals,
        "urges": list(
            Urge.objects.filter(audit__in=audits)
            .select_related("audit__enterprise", "sent_by")
            .order_by("-sent_at", "-id")
        ),
        "penalties": list(
            Penalty.objects.filter(consultancy=firm).select_related("recorded_by", "audit")
        ),
        "auditors": auditors,
    }


def overdue_audits(user):
    """The overdue audits the caller may urge, with what the urge page shows."""
    return (
        Audit.objects.for_user(user)
        .overdue()
        .select_related("enterprise__region", "consultancy")
        .with_pending()
        .annotate(urge_count=Count("urges"))
        .order_by("enterprise__region_id", "enterprise__name", "id")
    )


def public_penalised_firms():
    """Penalties against consulting firms, public where the firm's province says so."""
    policies = {policy.province_id: policy for policy in SupervisionPolicy.objects.all()}
    default = policies.get(None)
    hidden = [
        code
        for code, policy in policies.items()
        if code is not None and not policy.publish_penalised_firms
    ]
    penalties = Penalty.objects.filter(consultancy__isnull=False).select_related(
        "consultancy__region"
    )
    if default is not None and not default.publish_penalised_firms:
        shown = [
            code for code, policy in policies.items() if code and policy.publish_penalised_firms
        ]
        return penalties.filter(consultancy__region__code__regex=_prefixes(shown))
    if hidden:
        penalties = penalties.exclude(consultancy__region__code__regex=_prefixes(hidden))
    return penalties


def _prefixes(provinces: list[str]) -> str:
    if not provinces:
        return r"^$"
    return "^(" + "|".join(province_code(code)[:2] for code in provinces) + ")"


def audit_events(audit) -> list[dict]:
    """The urges and penalties of `audit` as rows of its timeline (audits.events.entry:
    `at`, `actor`, `kind`, `summary`, `params`), which `GET /api/v1/audits/{id}/events/`
    and the audit page merge with the audit's own events (two queries). Registered with
    audits.events in this app's `ready`."""
    from audits.events import entry

    events = [
        entry(
            at=urge.sent_at,
            actor=urge.sent_by,
            kind="urge",
            label=_("Urge notice"),
            summary=_("Urge notice: %(text)s") % {"text": urge.text},
            params={"text": urge.text, "overdue": urge.overdue, "sent_on": urge.sent_at.date()},
        )
        for urge in Urge.objects.filter(audit=audit).select_related("sent_by")
    ]
    events += [
        entry(
            at=penalty.recorded_at,
            actor=penalty.recorded_by,
            kind="penalty",
            label=_("Penalty"),
            summary=_("Penalty decided on %(date)s against %(party)s: %(basis)s")
            % {"date": penalty.decided_on, "party": penalty.party, "basis": penalty.legal_basis}
            + (
                " " + _("Amount: %(amount)s yuan.") % {"amount": penalty.amount}
                if penalty.amount is not None
                else ""
            ),
            params={
                "decided_on": penalty.decided_on,
                "party": str(penalty.party),
                "ground": penalty.ground,
                "legal_basis": penalty.legal_basis,
                "amount": penalty.amount,
            },
        )
        for penalty in Penalty.objects.filter(audit=audit).select_related(
            "recorded_by", "enterprise", "consultancy"
        )
    ]
    return sorted(events, key=lambda event: event["at"])


def record_extension(records: list[dict], *, audits) -> dict:
    """The urge notices about each firm's `audits` and the penalties against it, for the
    firms' records of the statistics XLSX and PDF (reporting.statistics.firm_records;
    counted as `firm_record` counts them). Two queries."""
    ids = [record["id"] for record in records if record["id"] is not None]
    _add_enforcement(
        records,
        urges=Urge.objects.filter(audit__in=audits, audit__consultancy_id__in=ids),
        penalties=Penalty.objects.filter(consultancy_id__in=ids),
    )
    return {"urges": _("Urge notices"), "penalties": _("Penalties")}
