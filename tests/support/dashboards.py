"""Audits late and due soon, for the dashboards' work queue and deadline board."""

import datetime

from django.utils import timezone

from audits import services
from audits.choices import AuditState
from audits.models import Audit

from .audits import step
from .lists import published_list


def late_list(cast, steps_done=True):
    """Jiangsu's list published 80 days ago (the start was due two months later, some
    20 days ago: `days_late`), the Nanjing and the Suzhou audits both engaged with
    cast.firm; Nanjing's started and its report due in 10 days, the Suzhou one not
    started. Both registered and filed their contract and plan (procedures), unless
    `steps_done` is false: those deadlines passed too. Returns (nanjing, suzhou)."""
    today = timezone.localdate()
    published_list(
        cast, categories=("toxic_hazardous",), published_on=today - datetime.timedelta(days=80)
    )
    for company in (cast.enterprise, cast.suzhou_enterprise):
        services.audit_update(
            actor=cast.user("admin"),
            audit=Audit.objects.get(enterprise=company),
            consultancy=cast.firm,
        )
    if steps_done:
        for company in (cast.enterprise, cast.suzhou_enterprise):
            _register_and_file(cast, Audit.objects.get(enterprise=company))
    nanjing = step(cast, Audit.objects.get(enterprise=cast.enterprise), AuditState.PLANNING)
    Audit.objects.filter(pk=nanjing.pk).update(report_due=today + datetime.timedelta(days=10))
    return Audit.objects.get(pk=nanjing.pk), Audit.objects.get(enterprise=cast.suzhou_enterprise)


def _register_and_file(cast, audit) -> None:
    from procedures import services as steps
    from tests.procedures.support import filing_documents

    enterprise_user = next(
        (u for u in cast.users.values() if u and u.enterprise_id == audit.enterprise_id), None
    ) or cast.user("admin")
    steps.registration_save(
        actor=enterprise_user, audit=audit, contact_name="Contact", contact_phone="025-0000"
    )
    steps.filing_submit(
        actor=cast.user("consultant"),
        audit=audit,
        kind="start",
        documents=filing_documents(cast, audit),
    )


def days_late(audit) -> int:
    return (timezone.localdate() - audit.start_due).days
