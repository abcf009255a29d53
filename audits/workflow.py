"""The state machines of an audit and of its options (api.md "Audits", domain.md §2):
one explicit table each, and the only place their `state` and `status` change.

Each audit guard returns the reasons it is unmet (empty when met); `GET …/transitions/`
shows them as the phase checklist, and `audit_transition` refuses with them (409). A move
is one transaction: lock the row, re-check the state and the guards, change, log (actor,
time, from, to, comment), notify. Some moves are another service's only: a review's
conclusion (`by_review`) and taking the entry off its list (`audit_cancel`).

Who may do what is stated once here, as `can_*` beside the `require_*` that refuses it;
the pages ask the `can_*` to show only what will be allowed.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from core.errors import StateConflict
from core.roles import has_role
from notifications.messages import translated
from notifications.services import notify

from .choices import (
    AFTER_ASSESSMENT,
    CLOSED,
    FROZEN,
    OPTION_CLOSED,
    OPTION_NEEDS_REASON,
    CostClass,
    DocumentKind,
    EventKind,
    OptionStatus,
)
from .choices import AuditState as S
from .choices import OptionStatus as O
from .events import record
from .models import Audit, Document, Option, OptionStatusLog, TransitionLog, audit_policy

MIN_TEAM = 2
# domain.md §2, §6; seed 004 (items 8, 9): a firm's team has at least two qualified
# auditors with valid certificates; associates, who may not audit alone, do not count.
MIN_QUALIFIED = 2


def _codes(queryset) -> str:
    return ", ".join(queryset.values_list("code", flat=True))


def _missing_documents(audit: Audit, kinds) -> list[str]:
    """A reason for each kind of document the audit has none of."""
    present = set(audit.documents.filter(kind__in=kinds).values_list("kind", flat=True))
    return [
        _("Upload the %(document)s.") % {"document": str(DocumentKind(kind).label).lower()}
        for kind in kinds
        if kind not in present
    ]


def _planning_done(audit: Audit) -> list[str]:
    """Phase 1 (domain.md §2): leadership commitment, a team with its leader, a work
    plan; with a consulting firm, two qualified auditors whose certificates are valid."""
    unmet = []
    team = list(audit.team.all())
    if len(team) < MIN_TEAM:
        unmet.append(
            _("The audit team needs at least %(n)d members; it has %(count)d.")
            % {"n": MIN_TEAM, "count": len(team)}
        )
    if audit.team_leader_id is None:
        unmet.append(_("Name the team leader, an auditor on the team."))
    elif audit.team_leader_id not in {auditor.pk for auditor in team}:
        unmet.append(_("The team leader must be on the audit team."))
    if audit.consultancy_id:
        today = timezone.localdate()
        qualified = [a for a in team if a.is_valid_on(today) and a.is_qualified]
        if len(qualified) < MIN_QUALIFIED:
            unmet.append(
                _(
                    "With a consulting firm, at least %(n)d team auditors need a "
                    "certificate valid today; %(count)d have one."
                )
                % {"n": MIN_QUALIFIED, "count": len(qualified)}
            )
        for auditor in team:
            if not auditor.is_valid_on(today):
                unmet.append(
                    _("The certificate of %(name)s (%(no)s) expired on %(date)s.")
                    % {
                        "name": auditor.name,
                        "no": auditor.certificate_no,
                        "date": auditor.valid_until.isoformat(),
                    }
                )
            elif not auditor.is_qualified:
                unmet.append(
                    _(
                        "%(name)s is an associate auditor, who does not count towards the "
                        "qualified auditors of the team."
                    )
                    % {"name": auditor.name}
                )
    unmet += _missing_documents(audit, [DocumentKind.LEADERSHIP_COMMITMENT, DocumentKind.WORK_PLAN])
    return unmet


def _pre_assessment_done(audit: Audit) -> list[str]:
    """Phase 2: the audit focus, CP targets with their baseline, near-term and long-term
    values, and the first no/low-cost options."""
    unmet = []
    if not audit.focus.strip():
        unmet.append(_("Choose the audit focus."))
    targets = list(audit.targets.all())
    if not targets:
        unmet.append(_("Set at least one CP target."))
    incomplete = [t.indicator for t in targets if None in (t.baseline, t.near_term, t.long_term)]
    if incomplete:
        unmet.append(
            _("Give each target its baseline, near-term and long-term values: %(targets)s.")
            % {"targets": ", ".join(incomplete)}
        )
    if not audit.options.filter(cost_class=CostClass.NO_LOW).exists():
        unmet.append(_("Propose the first no/low-cost options."))
    return unmet


def _focused_assessment_done(audit: Audit) -> list[str]:
    """Phase 3: the material, water or energy balance of the audit focus, closing within
    its tolerance or explaining the gap; options recorded."""
    unmet = []
    if not audit.options.exists():
        unmet.append(_("Record at least one option."))
    balances = list(audit.balances.prefetch_related("flows"))
    if not balances:
        unmet.append(_("Draw up at least one balance of the audit focus."))
    for balance in balances:
        if balance.closes is None:
            unmet.append(_("The balance “%(title)s” has no inputs.") % {"title": balance.title})
        elif not balance.closes and not balance.closure_note.strip():
            unmet.append(
                _(
                    "The balance “%(title)s” does not close (%(closure)s%% against a "
                    "tolerance of %(tolerance)s%%): close it or explain the gap in its "
                    "closure note."
                )
                % {
                    "title": balance.title,
                    "closure": f"{balance.closure_pct:.2f}",
                    "tolerance": format(balance.tolerance_pct.normalize(), "f"),
                }
            )
    return unmet


def _options_screened(audit: Audit) -> list[str]:
    """Phase 4: every option screened; the effect of the implemented no/low-cost
    options summarised (an actual benefit each)."""
    unmet = []
    if codes := _codes(audit.options.filter(status=OptionStatus.PROPOSED)):
        unmet.append(_("Screen every option; still proposed: %(codes)s.") % {"codes": codes})
    without = audit.options.filter(
        cost_class=CostClass.NO_LOW, status=OptionStatus.IMPLEMENTED
    ).exclude(benefits__actual__isnull=False)
    if codes := _codes(without):
        unmet.append(
            _(
                "Summarise the effect of each implemented no/low-cost option (an actual "
                "benefit): %(codes)s."
            )
            % {"codes": codes}
        )
    return unmet


def _ready_for_assessment(audit: Audit) -> list[str]:
    """Phase 5 done: the audit report; every retained mid/high option analysed, every
    retained no/low option implemented or abandoned (api.md "Audits")."""
    unmet = []
    if not audit.documents.filter(kind=DocumentKind.AUDIT_REPORT).exists():
        unmet.append(_("Upload the audit report."))
    undecided = audit.options.filter(cost_class=CostClass.MID_HIGH, status=OptionStatus.RETAINED)
    if codes := _codes(undecided):
        unmet.append(
            _("Analyse the feasibility of the retained mid/high-cost options: %(codes)s.")
            % {"codes": codes}
        )
    open_no_low = audit.options.filter(
        cost_class=CostClass.NO_LOW,
        status__in=[OptionStatus.RETAINED, OptionStatus.IMPLEMENTING],
    )
    if codes := _codes(open_no_low):
        unmet.append(
            _("Implement or abandon the retained no/low-cost options: %(codes)s.")
            % {"codes": codes}
        )
    return unmet


def _implemented(audit: Audit) -> list[str]:
    """Phase 6: the feasible mid/high options implemented or abandoned, actual benefits
    recorded, and how far each target was achieved."""
    unmet = []
    pending = audit.options.filter(
        cost_class=CostClass.MID_HIGH,
        status__in=[OptionStatus.FEASIBLE, OptionStatus.IMPLEMENTING],
    )
    if codes := _codes(pending):
        unmet.append(
            _("Implement or abandon the feasible mid/high-cost options: %(codes)s.")
            % {"codes": codes}
        )
    without = audit.options.filter(status=OptionStatus.IMPLEMENTED).exclude(
        benefits__actual__isnull=False
    )
    if codes := _codes(without):
        unmet.append(
            _("Record an actual benefit for each implemented option: %(codes)s.") % {"codes": codes}
        )
    unachieved = [t.indicator for t in audit.targets.all() if t.achieved is None]
    if unachieved:
        unmet.append(
            _("Record what each target achieved: %(targets)s.") % {"targets": ", ".join(unachieved)}
        )
    return unmet


def _ready_for_acceptance(audit: Audit) -> list[str]:
    """Phase 7 done: the acceptance report, the monitoring data before and after, and the
    plan for sustaining cleaner production (domain.md §2, §4)."""
    return _missing_documents(
        audit,
        [
            DocumentKind.ACCEPTANCE_REPORT,
            DocumentKind.MONITORING_REPORT,
            DocumentKind.SUSTAINING_PLAN,
        ],
    )


def _by_assessment(audit: Audit) -> list[str]:
    return [_("Only the conclusion of the assessment moves the audit on.")]


def _by_acceptance(audit: Audit) -> list[str]:
    return [_("Only the conclusion of the acceptance moves the audit on.")]


# from → {to: guard}
TRANSITIONS: dict[str, dict[str, Callable[[Audit], list[str]]]] = {
    S.NOT_STARTED: {S.PLANNING: lambda audit: []},
    S.PLANNING: {S.PRE_ASSESSMENT: _planning_done},
    S.PRE_ASSESSMENT: {S.FOCUSED_ASSESSMENT: _pre_assessment_done},
    S.FOCUSED_ASSESSMENT: {S.OPTION_GENERATION: _focused_assessment_done},
    S.OPTION_GENERATION: {S.FEASIBILITY: _options_screened},
    S.FEASIBILITY: {S.UNDER_ASSESSMENT: _ready_for_assessment},
    S.UNDER_ASSESSMENT: {S.IMPLEMENTATION: _by_assessment, S.FEASIBILITY: _by_assessment},
    S.IMPLEMENTATION: {S.SUSTAINING: _implemented},
    S.SUSTAINING: {S.UNDER_ACCEPTANCE: _ready_for_acceptance},
    S.UNDER_ACCEPTANCE: {S.COMPLETED: _by_acceptance, S.IMPLEMENTATION: _by_acceptance},
}
# Moves that only a review's conclusion makes (assessments app), never a direct request.
REVIEW_MOVES = {S.UNDER_ASSESSMENT, S.UNDER_ACCEPTANCE}
# Moves that a key list makes (audits.publishing), never a request: taking the entry off
# the list cancels an audit that has not started; a later list that the authority lets
# open a new audit cancels the open one first (one open audit per enterprise), unless a
# review is looking at it.
LIST_MOVES = {
    state: {S.CANCELLED}
    for state in S
    if state not in (*CLOSED, S.UNDER_ASSESSMENT, S.UNDER_ACCEPTANCE)
}
FIRST_REACHED = {
    S.PLANNING: "started_on",
    S.UNDER_ASSESSMENT: "report_submitted_on",
    S.UNDER_ACCEPTANCE: "acceptance_applied_on",
}
# Side effects on entering a state, registered by other apps (the review rounds).
ON_ENTER: dict[str, list[Callable]] = {}
# More guards on entering a state, registered by other apps, each returning its unmet
# reasons like the guards above: re-applying waits for the answers to the last failed
# round's rectification demands (assessments); phase 2 asks for the status survey (survey);
# starting waits for the accepted filing where the province's policy says so (procedures).
ENTRY_GUARDS: dict[str, list[Callable[[Audit], list[str]]]] = {}


# --- who may do what -------------------------------------------------------------------


def can_work_on(user, audit: Audit) -> bool:
    """The enterprise's users and the engaged consultancy's do the audit's work
    (api.md "Audits"); authorities read and comment."""
    return (
        user.role == Role.ADMIN
        or (user.role == Role.ENTERPRISE and user.enterprise_id == audit.enterprise_id)
        or (
            user.role == Role.CONSULTANT
            and audit.consultancy_id is not None
            and user.organization_id == audit.consultancy_id
        )
    )


def require_worker(user, audit: Audit) -> None:
    if not can_work_on(user, audit):
        raise PermissionDenied(
            _("Only the enterprise and its engaged consulting firm work on the audit.")
        )


def can_edit(user, audit: Audit) -> bool:
    """The workers change the audit's content until it is submitted or closed."""
    return can_work_on(user, audit) and audit.state not in FROZEN


def require_editable(user, audit: Audit) -> None:
    require_worker(user, audit)
    if audit.state in FROZEN:
        raise StateConflict(
            _("The audit cannot be changed now."),
            unmet=[_("The audit is “%(state)s”.") % {"state": S(audit.state).label}],
        )


def can_engage(user, audit: Audit) -> bool:
    """The enterprise chooses its consulting firm (domain.md "People")."""
    return can_edit(user, audit) and has_role(user, Role.ENTERPRISE, Role.ADMIN)


def require_engager(user) -> None:
    if not has_role(user, Role.ENTERPRISE, Role.ADMIN):
        raise PermissionDenied(_("The enterprise engages its consulting firm."))


def can_upload(user, audit: Audit) -> bool:
    """Documents may be added until the audit is closed."""
    return can_work_on(user, audit) and audit.state not in CLOSED


# The reports a round judges: while it is open they are not replaced (evidence for the
# verifications may still be added).
ROUND_REPORTS = {DocumentKind.AUDIT_REPORT, DocumentKind.ACCEPTANCE_REPORT}
REVIEW_STATES = {S.UNDER_ASSESSMENT, S.UNDER_ACCEPTANCE}


def require_uploader(user, audit: Audit, kind: str = "", supersedes: Document | None = None):
    """Refused (409) once closed; while a round is open, no audit or acceptance report
    and no new version of anything already submitted (issue 11)."""
    require_worker(user, audit)
    if audit.state in CLOSED:
        raise StateConflict(_("The audit is closed."), unmet=[_("The audit is closed.")])
    if audit.state in REVIEW_STATES and kind in ROUND_REPORTS:
        raise StateConflict(
            _("A report cannot be uploaded while the round is under review."),
            unmet=[_("The audit is “%(state)s”.") % {"state": S(audit.state).label}],
        )
    if audit.state in REVIEW_STATES and supersedes is not None:
        raise StateConflict(
            _("A submitted document is not replaced while the round is under review."),
            unmet=[_("The audit is “%(state)s”.") % {"state": S(audit.state).label}],
        )


def document_removal_unmet(document: Document) -> list[str]:
    """Why a document may not be deleted: once the audit was submitted with it, or while a
    review looks at the audit, it is part of what a panel judges (issue 11)."""
    unmet = []
    if document.audit.state in FROZEN:
        unmet.append(_("The audit is “%(state)s”.") % {"state": S(document.audit.state).label})
    if document.submitted_at is not None:
        unmet.append(_("The document was submitted for review; upload a new version instead."))
    if getattr(document, "superseded_by", None) is not None:
        unmet.append(_("A later version replaces this document; the versions stay together."))
    return unmet


def can_delete_document(user, document: Document) -> bool:
    return can_work_on(user, document.audit) and not document_removal_unmet(document)


def require_document_removable(user, document: Document) -> None:
    require_worker(user, document.audit)
    if unmet := document_removal_unmet(document):
        raise StateConflict(_("The document cannot be deleted."), unmet=unmet)


def can_comment(user, audit: Audit) -> bool:
    """Authorities in scope comment on the audits they supervise; the parties reply."""
    supervises = user.role == Role.AUTHORITY and user.in_scope(audit.enterprise.region_id)
    return user.role == Role.ADMIN or supervises or can_work_on(user, audit)


def require_commenter(user, audit: Audit) -> None:
    if not can_comment(user, audit):
        raise PermissionDenied(_("You may not comment on this audit."))


# --- the audit's states ----------------------------------------------------------------


def _unmet(audit: Audit, to: str) -> list[str]:
    """The move's own guard, then those other apps add for entering `to`."""
    unmet = list(TRANSITIONS[audit.state][to](audit))
    for guard in ENTRY_GUARDS.get(to, []):
        unmet += guard(audit)
    return unmet


def available_transitions(audit: Audit) -> list[dict]:
    """Every move from the current state with its unmet guards (the phase checklist)."""
    return [
        {"to": to, "allowed": not (unmet := _unmet(audit, to)), "unmet": [str(u) for u in unmet]}
        for to in TRANSITIONS.get(audit.state, {})
    ]


def audit_transition(
    *,
    audit: Audit,
    to: str,
    actor,
    comment: str = "",
    by_review: bool = False,
    by_filing: bool = False,
) -> Audit:
    """Move `audit` to `to`. Refused (409) from the wrong state, with unmet guards, or
    out of a review state unless `by_review` (the review's conclusion calls it so).
    `by_filing`: the authority's acceptance of the filing that starts the audit
    (procedures), with the guards as for anyone."""
    if not (by_review or by_filing):
        require_worker(actor, audit)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        moves = TRANSITIONS.get(audit.state, {})
        if to not in moves:
            raise StateConflict(
                _("The audit cannot move from “%(from)s” to “%(to)s”.")
                % {"from": S(audit.state).label, "to": S(to).label if to in S.values else to},
                unmet=[_("Not a step from the current state.")],
            )
        unmet = [] if by_review and audit.state in REVIEW_MOVES else _unmet(audit, to)
        if unmet:
            raise StateConflict(_("Some conditions are not met yet."), unmet=unmet)
        from_state = _move(audit, to, actor, comment)
        _notify_parties(audit, actor, from_state)
    return audit


@transaction.atomic
def audit_cancel(*, audit: Audit, actor, reason: str) -> Audit:
    """Cancel an audit because of a key list (audits.publishing): its entry taken off the
    list before it started, or a later list opening a new audit in its place. A
    transition with its history row, the reason as its comment; the enterprise is told
    by the list's own notification."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if S.CANCELLED not in LIST_MOVES.get(audit.state, ()):
        raise StateConflict(
            _("The audit cannot be cancelled."),
            unmet=[_("The audit is in the state “%(state)s”.") % {"state": S(audit.state).label}],
        )
    _move(audit, S.CANCELLED, actor, reason)
    return audit


def _move(audit: Audit, to: str, actor, comment: str) -> str:
    """Change the locked audit's state, log it and run the effects of entering `to`;
    the state it came from."""
    from_state = audit.state
    audit.state = to
    fields = ["state", "updated_at"]
    # The first time the audit starts, submits its report, applies for acceptance: the
    # dates that meet (or miss) its deadlines (`Audit.late`).
    for state, field in FIRST_REACHED.items():
        if to == state and getattr(audit, field) is None:
            if field == "started_on" and audit_policy(audit).filing_is_start:
                continue  # the accepted filing's date meets the start deadline (procedures)
            setattr(audit, field, timezone.localdate())
            fields.append(field)
    audit.save(update_fields=fields)
    TransitionLog.objects.create(
        audit=audit, from_state=from_state, to_state=to, actor=actor, comment=comment
    )
    record(
        audit=audit,
        actor=actor,
        kind=EventKind.TRANSITION,
        **{"from": from_state, "to": to, "comment": comment},
    )
    if to in REVIEW_MOVES:
        # Submitted: from now on these documents are what a panel judges (never deleted).
        audit.documents.filter(submitted_at__isnull=True).update(submitted_at=timezone.now())
    for effect in ON_ENTER.get(to, []):
        effect(audit=audit, actor=actor)
    return from_state


def parties(audit: Audit):
    """The enterprise's users and the engaged consultancy's users."""
    condition = Q(enterprise_id=audit.enterprise_id)
    if audit.consultancy_id:
        condition |= Q(organization_id=audit.consultancy_id)
    return User.objects.filter(condition, is_active=True)


def _notify_parties(audit: Audit, actor, from_state: str) -> None:
    recipients = parties(audit).exclude(pk=actor.pk)
    notify(
        recipients=recipients,
        kind="audit_moved",
        params={
            "enterprise": audit.enterprise.name,
            "round": audit.round,
            "from": translated(S(from_state).label),
            "to": translated(S(audit.state).label),
            "actor": str(actor),
        },
        url=reverse("audit-detail", args=[audit.pk]),
    )


# --- the options' statuses (domain.md §2) --------------------------------------------

# The status chain: proposed → screened out | retained; a retained no/low-cost option →
# implementing → implemented; a retained mid/high-cost one → feasible | infeasible, and a
# feasible one → implementing → implemented. Any open option may also be abandoned.
OPTION_MOVES = {
    O.PROPOSED: {O.SCREENED_OUT, O.RETAINED},
    O.FEASIBLE: {O.IMPLEMENTING},
    O.IMPLEMENTING: {O.IMPLEMENTED},
}
RETAINED_MOVES = {
    CostClass.NO_LOW: {O.IMPLEMENTING},
    CostClass.MID_HIGH: {O.FEASIBLE, O.INFEASIBLE},
}


def next_statuses(option: Option) -> set[str]:
    if option.status == O.RETAINED:
        moves = set(RETAINED_MOVES.get(option.cost_class, ()))
    else:
        moves = set(OPTION_MOVES.get(option.status, set()))
    if option.status not in OPTION_CLOSED:
        moves.add(O.ABANDONED)
    return moves


def option_status_change(option: Option, to: str) -> str | None:
    """Move the option (in memory; its service saves it) along the chain, or refuse
    with a ValidationError on `status` (or `reason`, when the move needs one). Returns
    the status it left, or None when it stays."""
    if to is None or to == option.status:
        return None
    if to not in next_statuses(option):
        raise ValidationError(
            {
                "status": _("An option that is “%(from)s” cannot become “%(to)s”.")
                % {"from": O(option.status).label, "to": O(to).label if to in O.values else to}
            }
        )
    if to in OPTION_NEEDS_REASON and not option.reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    if to == O.FEASIBLE:
        _require_feasibility(option)
    if option.cost_class == CostClass.MID_HIGH and to in (O.IMPLEMENTING, O.IMPLEMENTED):
        _require_assessment_passed(option)
    if to == O.IMPLEMENTED and option.implemented_on is None:
        raise ValidationError(
            {"implemented_on": _("Give the date on which the option was implemented.")}
        )
    from_status, option.status = option.status, to
    return from_status


def _require_feasibility(option: Option) -> None:
    """A mid/high option found feasible has its economic analysis (domain.md §2, phase
    5): investment, annual net benefit, lifetime and discount rate; a negative NPV or a
    payback beyond its lifetime needs the reason it is feasible all the same."""
    missing = {
        name: _("Needed to find the option feasible (the economic analysis).")
        for name in ("annual_net_benefit", "lifetime_years", "discount_rate")
        if getattr(option, name) is None
    }
    if not option.investment:
        missing["investment"] = _("Needed to find the option feasible (the economic analysis).")
    if missing:
        raise ValidationError(missing)
    uneconomic = (option.npv is not None and option.npv < 0) or (
        option.payback_years is None or option.payback_years > option.lifetime_years
    )
    if uneconomic and not option.reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "The NPV is negative or the investment does not pay back within the "
                    "lifetime: give the reason the option is feasible all the same."
                )
            }
        )


def _require_assessment_passed(option: Option) -> None:
    """Mid/high-cost options are implemented after the assessment has passed (domain.md
    §3: the assessment comes before they are implemented). A measure taken before the
    audit started may be recorded as implemented, with its date: the token-compliance
    signals flag it (assessments.compliance)."""
    audit = option.audit
    if audit.state in AFTER_ASSESSMENT:
        return
    predates = (
        option.implemented_on is not None
        and audit.started_on is not None
        and option.implemented_on < audit.started_on
    )
    if not predates:
        raise ValidationError(
            {
                "status": _(
                    "A mid/high-cost option is implemented only after the assessment has "
                    "passed (a measure taken before the audit started is recorded as "
                    "implemented with its date)."
                )
            }
        )


def option_status_logged(option: Option, from_status: str | None, actor) -> None:
    """The history row of a saved status change (same transaction)."""
    if from_status is not None:
        reason = option.reason if option.status in OPTION_NEEDS_REASON else ""
        OptionStatusLog.objects.create(
            option=option,
            from_state=from_status,
            to_state=option.status,
            actor=actor,
            comment=reason,
        )
        record(
            audit=option.audit_id,
            actor=actor,
            kind=EventKind.OPTION_STATUS,
            code=option.code,
            reason=reason,
            **{"from": from_status, "to": option.status},
        )
