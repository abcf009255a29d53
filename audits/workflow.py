"""The audit state machine (api.md "Audits"): one explicit transition table.

Each guard returns the reasons it is unmet (empty when met); `GET …/transitions/` shows
them as the phase checklist, and `audit_transition` refuses with them (409). A move is
one transaction: lock the row, re-check the state and the guards, change, log, notify.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from cpaudit.errors import StateConflict
from reporting.services import notify

from .choices import AuditState as S
from .choices import CostClass, DocumentKind, OptionStatus
from .models import Audit, TransitionLog

MIN_TEAM = 2
MIN_CERTIFIED = 2  # domain.md §6: a firm's team has at least two certified auditors


def _team(audit: Audit) -> list[str]:
    unmet = []
    team = list(audit.team.all())
    if len(team) < MIN_TEAM:
        unmet.append(_("The audit team needs at least %(n)d members; it has %(count)d.")
                     % {"n": MIN_TEAM, "count": len(team)})
    if audit.consultancy_id:
        today = timezone.localdate()
        valid = [a for a in team if a.is_valid_on(today)]
        if len(valid) < MIN_CERTIFIED:
            unmet.append(_("With a consulting firm, at least %(n)d team auditors need a "
                           "certificate valid today; %(count)d have one.")
                         % {"n": MIN_CERTIFIED, "count": len(valid)})
        for auditor in team:
            if not auditor.is_valid_on(today):
                unmet.append(_("The certificate of %(name)s (%(no)s) expired on %(date)s.")
                             % {"name": auditor.name, "no": auditor.certificate_no,
                                "date": auditor.valid_until.isoformat()})
    return unmet


def _focus_and_targets(audit: Audit) -> list[str]:
    unmet = []
    if not audit.focus.strip():
        unmet.append(_("Choose the audit focus."))
    if not audit.targets.exists():
        unmet.append(_("Set at least one CP target."))
    return unmet


def _has_option(audit: Audit) -> list[str]:
    return [] if audit.options.exists() else [_("Record at least one option.")]


def _none_proposed(audit: Audit) -> list[str]:
    codes = list(audit.options.filter(status=OptionStatus.PROPOSED)
                 .values_list("code", flat=True))
    if codes:
        return [_("Screen every option; still proposed: %(codes)s.")
                % {"codes": ", ".join(codes)}]
    return []


def _ready_for_assessment(audit: Audit) -> list[str]:
    unmet = []
    if not audit.documents.filter(kind=DocumentKind.AUDIT_REPORT).exists():
        unmet.append(_("Upload the audit report."))
    undecided = list(audit.options.filter(
        cost_class=CostClass.MID_HIGH, status=OptionStatus.RETAINED).values_list("code", flat=True))
    if undecided:
        unmet.append(_("Analyse the feasibility of the retained mid/high-cost options: "
                       "%(codes)s.") % {"codes": ", ".join(undecided)})
    open_no_low = list(audit.options.filter(
        cost_class=CostClass.NO_LOW,
        status__in=[OptionStatus.RETAINED, OptionStatus.IMPLEMENTING],
    ).values_list("code", flat=True))
    if open_no_low:
        unmet.append(_("Implement or abandon the retained no/low-cost options: %(codes)s.")
                     % {"codes": ", ".join(open_no_low)})
    return unmet


def _implemented(audit: Audit) -> list[str]:
    unmet = []
    pending = list(audit.options.filter(
        cost_class=CostClass.MID_HIGH,
        status__in=[OptionStatus.FEASIBLE, OptionStatus.IMPLEMENTING],
    ).values_list("code", flat=True))
    if pending:
        unmet.append(_("Implement or abandon the feasible mid/high-cost options: %(codes)s.")
                     % {"codes": ", ".join(pending)})
    without = list(audit.options.filter(status=OptionStatus.IMPLEMENTED)
                   .exclude(benefits__actual__isnull=False).values_list("code", flat=True))
    if without:
        unmet.append(_("Record an actual benefit for each implemented option: %(codes)s.")
                     % {"codes": ", ".join(without)})
    return unmet


def _acceptance_report(audit: Audit) -> list[str]:
    if audit.documents.filter(kind=DocumentKind.ACCEPTANCE_REPORT).exists():
        return []
    return [_("Upload the acceptance report.")]


def _by_assessment(audit: Audit) -> list[str]:
    return [_("Only the conclusion of the assessment moves the audit on.")]


def _by_acceptance(audit: Audit) -> list[str]:
    return [_("Only the conclusion of the acceptance moves the audit on.")]


# from → {to: guard}
TRANSITIONS: dict[str, dict[str, Callable[[Audit], list[str]]]] = {
    S.NOT_STARTED: {S.PLANNING: lambda audit: []},
    S.PLANNING: {S.PRE_ASSESSMENT: _team},
    S.PRE_ASSESSMENT: {S.FOCUSED_ASSESSMENT: _focus_and_targets},
    S.FOCUSED_ASSESSMENT: {S.OPTION_GENERATION: _has_option},
    S.OPTION_GENERATION: {S.FEASIBILITY: _none_proposed},
    S.FEASIBILITY: {S.UNDER_ASSESSMENT: _ready_for_assessment},
    S.UNDER_ASSESSMENT: {S.IMPLEMENTATION: _by_assessment, S.FEASIBILITY: _by_assessment},
    S.IMPLEMENTATION: {S.SUSTAINING: _implemented},
    S.SUSTAINING: {S.UNDER_ACCEPTANCE: _acceptance_report},
    S.UNDER_ACCEPTANCE: {S.COMPLETED: _by_acceptance, S.IMPLEMENTATION: _by_acceptance},
}
# Moves that only a review's conclusion makes (assessments app), never a direct request.
REVIEW_MOVES = {S.UNDER_ASSESSMENT, S.UNDER_ACCEPTANCE}
# Side effects on entering a state, registered by other apps (the review rounds).
ON_ENTER: dict[str, list[Callable]] = {}


def can_work_on(user, audit: Audit) -> bool:
    """The enterprise's users and the engaged consultancy's do the audit's work
    (api.md "Audits"); authorities read and comment."""
    return (user.role == Role.ADMIN
            or (user.role == Role.ENTERPRISE and user.enterprise_id == audit.enterprise_id)
            or (user.role == Role.CONSULTANT and audit.consultancy_id is not None
                and user.organization_id == audit.consultancy_id))


def require_worker(user, audit: Audit) -> None:
    if not can_work_on(user, audit):
        raise PermissionDenied(_("Only the enterprise and its engaged consulting firm work on "
                                 "the audit."))


def available_transitions(audit: Audit) -> list[dict]:
    """Every move from the current state with its unmet guards (the phase checklist)."""
    return [
        {"to": to, "allowed": not (unmet := guard(audit)), "unmet": [str(u) for u in unmet]}
        for to, guard in TRANSITIONS.get(audit.state, {}).items()
    ]


def audit_transition(*, audit: Audit, to: str, actor, comment: str = "",
                     by_review: bool = False) -> Audit:
    """Move `audit` to `to`. Refused (409) from the wrong state, with unmet guards, or
    out of a review state unless `by_review` (the review's conclusion calls it so)."""
    if not by_review:
        require_worker(actor, audit)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        moves = TRANSITIONS.get(audit.state, {})
        if to not in moves:
            raise StateConflict(
                _("The audit cannot move from “%(from)s” to “%(to)s”.")
                % {"from": S(audit.state).label, "to": S(to).label if to in S.values else to},
                unmet=[_("Not a step from the current state.")])
        unmet = [] if by_review and audit.state in REVIEW_MOVES else moves[to](audit)
        if unmet:
            raise StateConflict(_("Some conditions are not met yet."), unmet=unmet)
        from_state = audit.state
        audit.state = to
        fields = ["state", "updated_at"]
        if to == S.PLANNING and audit.started_on is None:
            audit.started_on = timezone.localdate()
            fields.append("started_on")
        audit.save(update_fields=fields)
        TransitionLog.objects.create(audit=audit, from_state=from_state, to_state=to,
                                     actor=actor, comment=comment)
        for effect in ON_ENTER.get(to, []):
            effect(audit=audit, actor=actor)
        _notify_parties(audit, actor, from_state)
    return audit


def parties(audit: Audit):
    """The enterprise's users and the engaged consultancy's users."""
    condition = Q(enterprise_id=audit.enterprise_id)
    if audit.consultancy_id:
        condition |= Q(organization_id=audit.consultancy_id)
    return User.objects.filter(condition, is_active=True)


def _notify_parties(audit: Audit, actor, from_state: str) -> None:
    recipients = parties(audit).exclude(pk=actor.pk)
    notify(recipients=recipients, kind="audit_moved",
           params={"enterprise": audit.enterprise.name, "round": audit.round,
                   "from": from_state, "to": audit.state, "actor": str(actor)},
           url=reverse("audit-detail", args=[audit.pk]))

