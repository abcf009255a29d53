"""What the steps tests share: a province policy, an audit with its filing's
documents, a round with its panel and a meeting."""

import datetime

from django.utils import timezone

from audits import services as audit_services
from audits.choices import DocumentKind
from enterprises.models import ProvincePolicy
from procedures import services
from tests.support.audits import engaged_audit, pdf


def jiangsu_policy(**figures) -> ProvincePolicy:
    """Jiangsu's own policy (before its list is published: the list keeps it)."""
    base = ProvincePolicy.for_province("000000")
    values = {name: getattr(base, name) for name in ProvincePolicy.FIGURES} | figures
    policy, _created = ProvincePolicy.objects.update_or_create(
        province_id="320000", defaults=values
    )
    return policy


def wuhan_rules(**extra) -> ProvincePolicy:
    """The filing is the start (Wuhan), and planning needs it."""
    return jiangsu_policy(filing_is_start=True, filing_required_to_start=True, **extra)


def filing_documents(cast, audit, role="consultant", plan=True):
    actor = cast.user(role)
    documents = [
        audit_services.document_upload(
            actor=actor,
            audit=audit,
            kind=DocumentKind.CONSULTANCY_CONTRACT,
            title="Contract",
            file=pdf("contract.pdf"),
        )
    ]
    if plan:
        documents.append(
            audit_services.document_upload(
                actor=actor,
                audit=audit,
                kind=DocumentKind.WORK_PLAN,
                title="Audit plan",
                file=pdf("plan.pdf"),
            )
        )
    return documents


def filed(cast, audit=None, role="consultant"):
    audit = audit or engaged_audit(cast, published_on=timezone.localdate())
    return services.filing_submit(
        actor=cast.user(role),
        audit=audit,
        kind="start",
        documents=filing_documents(cast, audit, role),
    )


def next_working_day_after(days: int) -> datetime.date:
    from core import workdays

    return workdays.after(timezone.localdate(), days).day
