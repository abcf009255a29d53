"""Audits for tests, made and moved through the services and the workflow as the
consultant would, so that a test reads as a walk through the phases (domain.md §2).

    audit = engaged_audit(cast)            # not_started, cast.firm engaged
    bring_to(cast, audit, "feasibility")   # each phase's checklist met on the way

`bring_to` meets the guard of every state it leaves and nothing more: the audit it
leaves in a state has that state's own checklist still open (the team is set on
leaving planning, the focus and a target on leaving pre-assessment, …).
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import AuditorLevel
from accounts.models import Auditor
from audits import publishing, services
from audits.choices import (
    OPTION_NEEDS_REASON,
    AuditState,
    CostClass,
    DocumentKind,
    OptionStatus,
)
from audits.models import Audit, Option
from audits.workflow import audit_transition
from enterprises import services as lists
from enterprises.models import Region
from survey import services as survey_services

from .lists import published_list

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

# The happy path, in order. The two review states are left by a review's conclusion.
PATH = [
    AuditState.NOT_STARTED,
    AuditState.PLANNING,
    AuditState.PRE_ASSESSMENT,
    AuditState.FOCUSED_ASSESSMENT,
    AuditState.OPTION_GENERATION,
    AuditState.FEASIBILITY,
    AuditState.UNDER_ASSESSMENT,
    AuditState.IMPLEMENTATION,
    AuditState.SUSTAINING,
    AuditState.UNDER_ACCEPTANCE,
    AuditState.COMPLETED,
]
REVIEW_STATES = {AuditState.UNDER_ASSESSMENT, AuditState.UNDER_ACCEPTANCE}


def engaged_audit(cast, published_on=None) -> Audit:
    """The Nanjing enterprise's audit (state not_started, deadlines from today's
    publication), with the enterprise user having engaged `cast.firm`."""
    published_list(cast, year=2026, published_on=published_on or timezone.localdate())
    audit = Audit.objects.get(enterprise=cast.enterprise)
    return services.audit_update(
        actor=cast.user("enterprise_user"), audit=audit, consultancy=cast.firm
    )


def zhejiang_audit(cast, year=2025) -> Audit:
    """The Hangzhou enterprise's audit on Zhejiang's list (published today), no firm."""
    officer = cast.user("other_province_officer")
    key_list = lists.key_list_create(
        actor=officer, year=year, province=Region.objects.get(code="330000")
    )
    lists.entry_save(
        actor=officer,
        key_list=key_list,
        enterprise=cast.other_enterprise,
        categories=["toxic_hazardous"],
        reason="Uses benzene",
    )
    publishing.key_list_publish(actor=officer, key_list=key_list, published_on=timezone.localdate())
    return Audit.objects.get(list_entry__key_list=key_list)


def second_auditor(cast, *, valid_until=None, certificate_no="JS-0002", name="Li Na") -> Auditor:
    """Another auditor of `cast.firm`, valid for a year unless told otherwise."""
    return Auditor.objects.create(
        name=name,
        certificate_no=certificate_no,
        level=AuditorLevel.AUDITOR,
        issued_on=timezone.localdate() - datetime.timedelta(days=730),
        valid_until=valid_until or timezone.localdate() + datetime.timedelta(days=365),
        organization=cast.firm,
    )


def expired_auditor(cast) -> Auditor:
    return second_auditor(
        cast,
        name="Chen Gang",
        certificate_no="JS-0099",
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )


def pdf(name="report.pdf", content=PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(cast, audit, kind=DocumentKind.AUDIT_REPORT, title="Audit report", option=None):
    return services.document_upload(
        actor=cast.user("consultant"),
        audit=audit,
        kind=kind,
        title=title,
        file=pdf(),
        option=option,
    )


def add_option(
    cast, audit, code="N1", cost_class=CostClass.NO_LOW, investment=20_000, **fields
) -> Option:
    """A proposed option, as the consultant records it."""
    fields = {"title": f"Option {code}", "aspect": "management"} | fields
    return services.option_save(
        actor=cast.user("consultant"),
        audit=audit,
        code=code,
        cost_class=cost_class,
        investment=investment,
        **fields,
    )


# The economic analysis a mid/high option found feasible carries (issue 12): it pays back
# in 3.3 years of its 10 at 8 %.
ECONOMICS = {"annual_net_benefit": 600_000, "lifetime_years": 10, "discount_rate": "0.08"}


def move_option(cast, option, *statuses, **fields) -> Option:
    """Walk an option through `statuses` in turn (each an allowed move; a reason is
    given where one is needed, the economics to be found feasible where missing, the
    date when implemented). `fields` (e.g. benefits) go with the first move."""
    for status in statuses:
        extra = {"reason": "Given up"} if status in OPTION_NEEDS_REASON else {}
        if status == OptionStatus.FEASIBLE and option.annual_net_benefit is None:
            extra |= ECONOMICS
        if status == OptionStatus.IMPLEMENTED and option.implemented_on is None:
            extra["implemented_on"] = timezone.localdate()
        option = services.option_save(
            actor=cast.user("consultant"),
            audit=option.audit,
            option=option,
            status=status,
            **(extra | fields),
        )
        fields = {}
    return option


def prepare(cast, audit, state=None) -> None:
    """Meet the checklist for leaving `state` (default: the audit's current one), as the
    7-phase method asks (domain.md §2; issue 12)."""
    from .reviews import answer_demands

    consultant = cast.user("consultant")
    state = state or Audit.objects.get(pk=audit.pk).state
    if state == AuditState.PLANNING:
        services.audit_update(
            actor=consultant,
            audit=audit,
            team=[cast.auditor, second_auditor(cast)],
            team_leader=cast.auditor,
        )
        upload(cast, audit, kind=DocumentKind.LEADERSHIP_COMMITMENT, title="Commitment")
        upload(cast, audit, kind=DocumentKind.WORK_PLAN, title="Work plan")
    elif state == AuditState.PRE_ASSESSMENT:
        services.audit_update(actor=consultant, audit=audit, focus="Pulping and bleaching")
        services.target_save(
            actor=consultant,
            audit=audit,
            indicator="Water per tonne",
            unit="t/t",
            baseline=60,
            near_term=50,
            long_term=40,
        )
        if not audit.options.filter(cost_class=CostClass.NO_LOW).exists():
            add_option(cast, audit, code="N1")
        if not hasattr(Audit.objects.get(pk=audit.pk), "survey"):
            survey(cast, audit)
    elif state == AuditState.FOCUSED_ASSESSMENT:
        balance(cast, audit)
        if not audit.options.exists():
            add_option(cast, audit, code="N1")
    elif state == AuditState.OPTION_GENERATION:
        for option in audit.options.filter(status=OptionStatus.PROPOSED):
            move_option(cast, option, OptionStatus.RETAINED)
    elif state == AuditState.FEASIBILITY:
        answer_demands(cast, audit)
        for option in audit.options.filter(
            status=OptionStatus.RETAINED, cost_class=CostClass.NO_LOW
        ):
            move_option(
                cast,
                option,
                OptionStatus.IMPLEMENTING,
                OptionStatus.IMPLEMENTED,
                benefits=[{"indicator": "water_t", "expected": 1000, "actual": 900}],
            )
        for option in audit.options.filter(
            status=OptionStatus.RETAINED, cost_class=CostClass.MID_HIGH
        ):
            move_option(cast, option, OptionStatus.FEASIBLE)
        upload(cast, audit)
    elif state == AuditState.IMPLEMENTATION:
        for target in audit.targets.filter(achieved__isnull=True):
            services.target_save(actor=consultant, audit=audit, target=target, achieved=45)
    elif state == AuditState.SUSTAINING:
        answer_demands(cast, audit)
        upload(cast, audit, kind=DocumentKind.ACCEPTANCE_REPORT, title="Acceptance report")
        upload(cast, audit, kind=DocumentKind.MONITORING_REPORT, title="Monitoring")
        upload(cast, audit, kind=DocumentKind.SUSTAINING_PLAN, title="Sustaining plan")


# Three steady years (issue 18): 60 t of water a tonne of paper, as the target's
# baseline says, 0.06 tce of electricity a tonne; nothing for the checks to question.
CLEAN_SURVEY = [
    {"category": "output", "name": "Paper", "unit": "t", "values": [10000, 10200, 10400]},
    {"category": "water", "name": "Water", "unit": "t", "values": [600000, 612000, 624000]},
    {
        "category": "energy",
        "name": "Electricity",
        "unit": "kWh",
        "values": [5000000, 5100000, 5200000],
    },
    {
        "category": "wastewater",
        "name": "Wastewater",
        "unit": "t",
        "values": [480000, 489600, 499200],
    },
    {"category": "pollutant", "name": "COD", "unit": "t", "values": [40, 40.8, 41.6]},
]


def survey(cast, audit, lines=None, **fields):
    """The status survey of the three years before the audit, clean unless told."""
    return survey_services.survey_save(
        actor=cast.user("consultant"), audit=audit, lines=lines or CLEAN_SURVEY, **fields
    )


def balance(cast, audit):
    """The water balance of the audit focus, closing within its 5 % tolerance."""
    return services.balance_save(
        actor=cast.user("consultant"),
        audit=audit,
        kind="water",
        title="Water of the pulping line",
        unit="t/d",
        flows=[
            {"direction": "in", "name": "Fresh water", "quantity": 100},
            {"direction": "out", "name": "Wastewater", "quantity": 97},
        ],
    )


def step(cast, audit, to, comment="") -> Audit:
    """One transition: as the consultant, or, out of a review state, by concluding the
    open round (a panel, scores, verifications, the authority's conclusion)."""
    from .reviews import conclude_round

    audit = Audit.objects.get(pk=audit.pk)
    if audit.state in REVIEW_STATES:
        return conclude_round(cast, audit, to, comment)
    return audit_transition(audit=audit, to=to, actor=cast.user("consultant"), comment=comment)


def bring_to(cast, audit, state) -> Audit:
    """Walk `audit` along PATH up to `state`, meeting each checklist on the way."""
    audit = Audit.objects.get(pk=audit.pk)
    target = PATH.index(state)
    while PATH.index(audit.state) < target:
        prepare(cast, audit)
        audit = step(cast, audit, PATH[PATH.index(audit.state) + 1])
    return audit


# Role matrix rows for everything under an audit (api.md "Audits"), for the Nanjing
# enterprise's audit engaged with cast.firm. Authorities read and comment; the enterprise
# and its engaged firm do the work; experts read the audits of the rounds they sit on
# (the cast's expert sits on none here). A role that may never write gets 403 before its
# scope is looked at; a role that may, on an audit outside its scope, gets 404.
def reads(ok=200) -> dict:
    return {
        "admin": ok,
        "province_officer": ok,
        "other_province_officer": 404,
        "city_officer": ok,
        "consultant": ok,
        "other_consultant": 404,
        "enterprise_user": ok,
        "other_enterprise_user": 404,
        "expert": 404,
        "anonymous": 401,
    }


# Lists are scoped, not refused: out-of-scope readers get an empty page.
LISTS = reads() | {
    "other_province_officer": 200,
    "other_consultant": 200,
    "other_enterprise_user": 200,
    "expert": 200,
}


def writes(ok=200) -> dict:
    return reads(ok) | {
        "province_officer": 403,
        "other_province_officer": 403,
        "city_officer": 403,
        "expert": 403,
    }


def creates(ok=201) -> dict:
    """A create names its audit in the body: one outside the caller's scope reads as
    "does not exist" (400 on `audit`), as for any out-of-scope reference."""
    return writes(ok) | {"other_consultant": 400, "other_enterprise_user": 400}
