"""The steps around the audit (domain.md §7, §8), their rules stated once:

- registration: the enterprise confirms its basic data and a contact person;
- filing (报备): the enterprise or its firm files the consultancy contract and the audit
  plan; the authority in scope accepts it or returns it with its reasons. Where the
  province's policy says so the accepted filing starts the audit (its date meets the
  start deadline), and planning may need it;
- the review meeting: the authority schedules it, the material is released to the panel
  the policy's working days before (core.workdays), each expert accepts or declines with
  the declaration of no conflict of interest, a decline is replaced by a recorded draw,
  experts file a pre-review opinion, the minutes and attendance are kept, and scores
  open on the meeting date;
- the cities' proposals for the province's draft list.
"""

import random
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.models import User
from assessments import services as reviews
from assessments.choices import ReviewState
from assessments.models import Review
from audits.choices import CLOSED, AuditState, DocumentKind
from audits.models import Audit, Document, audit_policy
from audits.workflow import ENTRY_GUARDS, audit_transition, can_work_on, parties
from core import workdays
from core.errors import StateConflict
from core.files import check_upload
from core.roles import has_role, require_role
from enterprises import services as lists
from enterprises.models import Enterprise, KeyEnterpriseList, ListEntry
from notifications.messages import translated
from notifications.services import notify

from . import deadlines, pool, timeline
from .choices import GONE, FilingKind, FilingState, InvitationState, ProposalState
from .models import (
    CityProposal,
    Filing,
    FilingChange,
    Invitation,
    Meeting,
    ProposalDecision,
    Registration,
    StepReminder,
)

# The documents each kind of filing carries (DocumentKind of audits).
FILED_DOCUMENTS = {
    FilingKind.START: (DocumentKind.CONSULTANCY_CONTRACT, DocumentKind.WORK_PLAN),
    FilingKind.CONTRACT: (DocumentKind.CONSULTANCY_CONTRACT,),
}


def supervises(user, audit: Audit) -> bool:
    """The authority whose region holds the enterprise (province, city or county)."""
    return has_role(user, Role.ADMIN) or (
        has_role(user, Role.AUTHORITY) and user.in_scope(audit.enterprise.region_id)
    )


def require_supervisor(user, audit: Audit) -> None:
    if not supervises(user, audit):
        raise PermissionDenied(_("Only the authority in charge decides on this."))


def _require_open_audit(audit: Audit) -> None:
    if audit.state in CLOSED:
        raise StateConflict(_("The audit is closed."), unmet=[_("The audit is closed.")])


def _audit_url(audit: Audit) -> str:
    return reverse("audit-procedures", args=[audit.pk])


# --- registration ------------------------------------------------------------------------


def can_register(user, audit: Audit) -> bool:
    """The enterprise registers itself (domain.md §8, Wuhan: its basic data)."""
    return (
        has_role(user, Role.ADMIN)
        or (has_role(user, Role.ENTERPRISE) and user.enterprise_id == audit.enterprise_id)
    ) and audit.state not in CLOSED


def require_registrant(user, audit: Audit) -> None:
    if not (
        has_role(user, Role.ADMIN)
        or (has_role(user, Role.ENTERPRISE) and user.enterprise_id == audit.enterprise_id)
    ):
        raise PermissionDenied(_("The enterprise registers itself."))


def basic_data(enterprise: Enterprise) -> dict:
    return {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "region": enterprise.region_id,
        "industry": enterprise.industry_code,
        "address": enterprise.address,
        "employees": enterprise.employees,
        "annual_sales": None if enterprise.annual_sales is None else str(enterprise.annual_sales),
        "total_assets": None if enterprise.total_assets is None else str(enterprise.total_assets),
    }


@transaction.atomic
def registration_save(
    *, actor, audit: Audit, contact_name: str, contact_phone: str, contact_email: str = ""
) -> Registration:
    """Confirm the enterprise's basic data as they stand and name a contact person;
    again later to change the contact (the first date stays the registration's)."""
    audit = Audit.objects.select_for_update().select_related("enterprise").get(pk=audit.pk)
    require_registrant(actor, audit)
    _require_open_audit(audit)
    errors = {}
    if not (contact_name or "").strip():
        errors["contact_name"] = [_("Name the contact person.")]
    if not (contact_phone or "").strip():
        errors["contact_phone"] = [_("Give the contact person's phone number.")]
    if errors:
        raise ValidationError(errors)
    registration = Registration.objects.filter(audit=audit).first() or Registration(audit=audit)
    registration.contact_name = contact_name.strip()
    registration.contact_phone = contact_phone.strip()
    registration.contact_email = (contact_email or "").strip()
    registration.confirmed_data = basic_data(audit.enterprise)
    registration.registered_by = actor
    registration.full_clean(exclude=["audit"])
    registration.save()
    return registration


# --- filing ------------------------------------------------------------------------------


def can_file(user, audit: Audit) -> bool:
    """The enterprise or its engaged firm files (Jiangsu: the enterprise files the
    consultant and the contract)."""
    return can_work_on(user, audit) and audit.state not in CLOSED


def require_filer(user, audit: Audit) -> None:
    if not can_work_on(user, audit):
        raise PermissionDenied(_("The enterprise or its engaged consulting firm files."))


def start_filing_accepted(audit: Audit):
    return audit.filings.filter(kind=FilingKind.START, state=FilingState.ACCEPTED).first()


@transaction.atomic
def filing_submit(*, actor, audit: Audit, kind: str, documents, note: str = "") -> Filing:
    """File documents of the audit (uploaded through audits.services.document_upload)
    with the authority. A kind carries the documents it names (FILED_DOCUMENTS); one
    filing of a kind waits for a decision at a time; the start is filed once accepted."""
    audit = Audit.objects.select_for_update().select_related("enterprise").get(pk=audit.pk)
    require_filer(actor, audit)
    _require_open_audit(audit)
    if kind not in FilingKind.values:
        raise ValidationError({"kind": [_("Unknown kind of filing.")]})
    documents = list(documents or [])
    foreign = [d for d in documents if d.audit_id != audit.pk]
    if foreign:
        raise ValidationError({"documents": [_("A document of another audit was given.")]})
    have = {d.kind for d in documents}
    missing = [DocumentKind(k).label for k in FILED_DOCUMENTS[kind] if k not in have]
    if missing:
        raise ValidationError(
            {
                "documents": [
                    _("The filing needs: %(kinds)s.") % {"kinds": ", ".join(map(str, missing))}
                ]
            }
        )
    if audit.filings.filter(kind=kind, state=FilingState.SUBMITTED).exists():
        raise StateConflict(
            _("A filing of this kind is waiting for the authority's decision."),
            unmet=[_("Wait for the decision on the filing already submitted.")],
        )
    if kind == FilingKind.START and start_filing_accepted(audit):
        raise StateConflict(
            _("The contract and audit plan were already accepted."),
            unmet=[_("File a later contract as a contract filing.")],
        )
    filing = Filing.objects.create(audit=audit, kind=kind, note=note.strip(), submitted_by=actor)
    filing.documents.set(documents)
    timeline.record_filing(filing, actor, timeline.FILING_SUBMITTED)
    notify(
        recipients=reviews.supervisors(audit),
        kind="filing_submitted",
        params={"enterprise": audit.enterprise.name, "kind": translated(filing.get_kind_display)},
        url=reverse("filing-detail", args=[filing.pk]),
    )
    return filing


def can_decide(user, filing: Filing) -> bool:
    return supervises(user, filing.audit) and filing.state == FilingState.SUBMITTED


def _locked_filing(actor, filing: Filing) -> Filing:
    filing = (
        Filing.objects.select_for_update(of=("self",))
        .select_related("audit__enterprise")
        .get(pk=filing.pk)
    )
    require_supervisor(actor, filing.audit)
    if filing.state != FilingState.SUBMITTED:
        raise StateConflict(
            _("The filing was already decided."),
            unmet=[_("The filing is “%(state)s”.") % {"state": FilingState(filing.state).label}],
        )
    return filing


def _decide(filing: Filing, actor, to: str, reason: str) -> None:
    FilingChange.objects.create(
        filing=filing, from_state=filing.state, to_state=to, actor=actor, comment=reason
    )
    filing.state = to
    filing.reason = reason
    filing.decided_by = actor
    filing.decided_on = timezone.localdate()
    filing.save(update_fields=["state", "reason", "decided_by", "decided_on"])


@transaction.atomic
def filing_accept(*, actor, filing: Filing) -> Filing:
    """Accept the filing. Where the policy makes the filing the start (Wuhan), its date
    is the audit's start: an audit not started moves to planning that day."""
    filing = _locked_filing(actor, filing)
    _decide(filing, actor, FilingState.ACCEPTED, "")
    timeline.record_filing(filing, actor, timeline.FILING_ACCEPTED)
    audit = Audit.objects.select_for_update().get(pk=filing.audit_id)
    if filing.kind == FilingKind.START and audit_policy(audit).filing_is_start:
        if audit.started_on is None:
            audit.started_on = filing.decided_on
            audit.save(update_fields=["started_on", "updated_at"])
        if audit.state == AuditState.NOT_STARTED:
            audit_transition(
                audit=audit,
                to=AuditState.PLANNING,
                actor=actor,
                comment=_("The filing of the contract and audit plan was accepted."),
                by_filing=True,
            )
    _notify_decision(filing, "filing_accepted")
    return filing


@transaction.atomic
def filing_return(*, actor, filing: Filing, reason: str) -> Filing:
    """Return the filing with the reasons; the enterprise or its firm files again."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the filing is returned.")]})
    filing = _locked_filing(actor, filing)
    _decide(filing, actor, FilingState.RETURNED, reason.strip())
    timeline.record_filing(filing, actor, timeline.FILING_RETURNED)
    _notify_decision(filing, "filing_returned")
    return filing


def _notify_decision(filing: Filing, kind: str) -> None:
    notify(
        recipients=parties(filing.audit),
        kind=kind,
        params={
            "enterprise": filing.audit.enterprise.name,
            "kind": translated(filing.get_kind_display),
            "reason": filing.reason,
        },
        url=reverse("filing-detail", args=[filing.pk]),
    )


def _filing_guard(audit: Audit) -> list[str]:
    """Planning needs the accepted filing where the province's policy says so."""
    if not audit_policy(audit).filing_required_to_start:
        return []
    if audit.filings.filter(kind=FilingKind.START, state=FilingState.ACCEPTED).exists():
        return []
    return [_("The filing of the consultancy contract and audit plan is not accepted yet.")]


ENTRY_GUARDS.setdefault(AuditState.PLANNING, []).append(_filing_guard)


# --- the review meeting ------------------------------------------------------------------


def release_day(review: Review, held_on) -> workdays.WorkingDay:
    """The working day the panel receives the material: the policy's working days
    before the meeting (Hunan: 3)."""
    return workdays.before(held_on, audit_policy(review.audit).release_working_days)


def can_schedule(user, review: Review) -> bool:
    return reviews.supervises(user, review) and review.state != ReviewState.CONCLUDED


def _invite(meeting: Meeting, experts) -> list[Invitation]:
    invited = set(meeting.invitations.exclude(state__in=GONE).values_list("expert_id", flat=True))
    new = [
        Invitation.objects.create(meeting=meeting, expert=expert)
        for expert in experts
        if expert.pk not in invited
    ]
    if new:
        notify(
            recipients=[i.expert for i in new],
            kind="meeting_invited",
            params=_meeting_params(meeting),
            url=reverse("my-meetings"),
        )
    return new


def _meeting_params(meeting: Meeting) -> dict:
    review = meeting.review
    return {
        "review": translated(review.get_kind_display),
        "enterprise": review.audit.enterprise.name,
        "round": review.round,
        "date": meeting.held_on.isoformat(),
        "release": meeting.release_on.isoformat(),
        "place": meeting.place or meeting.link,
    }


@transaction.atomic
def meeting_schedule(
    *, actor, review: Review, held_on, starts_at=None, place: str = "", link: str = ""
) -> Meeting:
    """Schedule (or move) the round's meeting, once its panel is formed. The date leaves
    the policy's working days for the material, counted from today; the panel is
    invited, each expert to answer with a declaration."""
    reviews.require_supervisor(actor, review)
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("audit__enterprise")
        .get(pk=review.pk)
    )
    if review.state != ReviewState.PANEL_FORMED:
        raise StateConflict(
            _("The meeting is scheduled once the panel is formed and before the conclusion."),
            unmet=[_("The round is “%(state)s”.") % {"state": ReviewState(review.state).label}],
        )
    meeting = Meeting.objects.filter(review=review).first()
    if meeting and meeting.minutes:
        raise StateConflict(_("The meeting was held."), unmet=[_("Its minutes are recorded.")])
    place, link = (place or "").strip(), (link or "").strip()
    errors = {}
    if not place and not link:
        errors["place"] = [_("Give the place or the online link.")]
    today = timezone.localdate()
    if held_on is None:
        errors["held_on"] = [_("Give the meeting date.")]
    else:
        release = release_day(review, held_on)
        if release.day < today:
            days = audit_policy(review.audit).release_working_days
            earliest = workdays.after(today, days).day
            errors["held_on"] = [
                _(
                    "The panel receives the material %(days)d working days before the "
                    "meeting: the earliest date is %(date)s."
                )
                % {"days": days, "date": earliest.isoformat()}
            ]
    if errors:
        raise ValidationError(errors)
    meeting = meeting or Meeting(review=review, scheduled_by=actor)
    moved = meeting.pk is not None and meeting.held_on != held_on
    meeting.held_on, meeting.starts_at = held_on, starts_at
    meeting.place, meeting.link = place, link
    meeting.release_on, meeting.release_estimated = release
    if meeting.release_on > today:
        meeting.released_at = None
    meeting.full_clean(exclude=["review", "scheduled_by"])
    meeting.save()
    timeline.record_meeting(
        meeting,
        actor,
        timeline.MEETING_SCHEDULED,
        moved=moved,
        place=meeting.place or meeting.link,
        release=meeting.release_on,
    )
    panel = [member.expert for member in review.panel.select_related("expert")]
    new = _invite(meeting, panel)
    if moved:
        others = [
            i.expert
            for i in meeting.invitations.exclude(state__in=GONE)
            .exclude(pk__in=[i.pk for i in new])
            .select_related("expert")
        ]
        notify(
            recipients=others,
            kind="meeting_moved",
            params=_meeting_params(meeting),
            url=reverse("my-meetings"),
        )
    if meeting.is_released(today) and meeting.released_at is None:
        _release(meeting)
    return meeting


def _release(meeting: Meeting) -> None:
    """Tell the panel its material is there (once); on the audit's record in the name
    of whoever scheduled the meeting (the daily task releases it)."""
    meeting.released_at = timezone.now()
    meeting.save(update_fields=["released_at"])
    timeline.record_meeting(meeting, meeting.scheduled_by, timeline.MEETING_RELEASED)
    experts = User.objects.filter(
        pk__in=meeting.invitations.exclude(state__in=[*GONE, InvitationState.DECLINED]).values(
            "expert_id"
        )
    )
    notify(
        recipients=experts,
        kind="meeting_released",
        params=_meeting_params(meeting),
        url=reverse("my-meetings"),
    )


def _panel_changed(*, review: Review, actor, added, removed, drawn: bool) -> None:
    """The meeting's invitations follow its panel (assessments.services.PANEL_HOOKS):
    an expert seated after the meeting was scheduled is invited (and told); one who
    left has their invitation withdrawn, by whom, when and why (and is told)."""
    meeting = (
        Meeting.objects.filter(review=review).select_related("review__audit__enterprise").first()
    )
    if meeting is None or meeting.minutes:
        return
    if added:
        new = _invite(meeting, User.objects.filter(pk__in=added).order_by("pk"))
        if new and meeting.released_at is not None:
            notify(
                recipients=[i.expert for i in new],
                kind="meeting_released",
                params=_meeting_params(meeting),
                url=reverse("my-meetings"),
            )
    leaving = list(
        meeting.invitations.filter(expert_id__in=removed)
        .exclude(state__in=GONE)
        .select_related("expert")
    )
    if not leaving:
        return
    # Kept in the actor's language on the invitation, in both in the notification.
    said = (
        gettext_lazy("The panel was drawn again; the expert is no longer on it.")
        if drawn
        else gettext_lazy("The expert was taken off the panel.")
    )
    reason = str(said)
    now = timezone.now()
    for invitation in leaving:
        invitation.state = InvitationState.WITHDRAWN
        invitation.withdrawn_by, invitation.withdrawn_at = actor, now
        invitation.withdrawal_reason = reason
        invitation.save(
            update_fields=["state", "withdrawn_by", "withdrawn_at", "withdrawal_reason"]
        )
    notify(
        recipients=[i.expert for i in leaving],
        kind="meeting_withdrawn",
        params=_meeting_params(meeting) | {"reason": translated(said)},
        url=reverse("my-meetings"),
    )


reviews.PANEL_HOOKS.append(_panel_changed)


def _declared_ties(audit: Audit, experts) -> dict[int, list[str]]:
    """The ties declared to the audit's enterprise or firm in the last three years keep
    an expert off its panels (assessments.services.CONFLICT_SOURCES): the panel draw,
    a replacement's and seating by hand alike."""
    tied = pool.declared_ties(audit)
    reason = _("declared a tie to the enterprise or its firm in the last three years")
    return {expert.pk: [reason] for expert in experts if expert.pk in tied}


reviews.CONFLICT_SOURCES.append(_declared_ties)


def meetings_release(today=None) -> int:
    """The daily task: release the material of the meetings whose day has come."""
    today = today or timezone.localdate()
    count = 0
    for meeting in Meeting.objects.filter(
        release_on__lte=today, released_at__isnull=True, held_on__gte=today
    ).select_related("review__audit__enterprise"):
        with transaction.atomic():
            _release(meeting)
        count += 1
    return count


def _scores_open(review: Review) -> list[str]:
    """Scores open on the meeting date, where the round has a meeting."""
    meeting = Meeting.objects.filter(review=review).first()
    if meeting is None or meeting.scores_open():
        return []
    return [_("Scores open on the meeting date, %(date)s.") % {"date": meeting.held_on.isoformat()}]


reviews.SCORE_GUARDS.append(_scores_open)


def _own_invitation(actor, invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("meeting__review__audit__enterprise")
        .get(pk=invitation.pk)
    )
    if invitation.expert_id != actor.pk:
        raise PermissionDenied(_("Only the invited expert answers the invitation."))
    if invitation.state == InvitationState.REPLACED:
        raise StateConflict(
            _("The invitation was replaced."), unmet=[_("Another expert took the seat.")]
        )
    if invitation.state == InvitationState.WITHDRAWN:
        raise StateConflict(_("The invitation was withdrawn."), unmet=[_("You left the panel.")])
    if invitation.meeting.minutes:
        raise StateConflict(_("The meeting was held."), unmet=[_("Its minutes are recorded.")])
    return invitation


@transaction.atomic
def invitation_answer(
    *, actor, invitation: Invitation, accept: bool, no_conflict: bool, declaration: str = ""
) -> Invitation:
    """Accept, declaring no tie to the enterprise or its firm in the last three years
    (回避声明), or decline (a conflict declared is a decline) with the reason. The
    authority is told of a decline, to draw a replacement."""
    invitation = _own_invitation(actor, invitation)
    declaration = (declaration or "").strip()
    if accept and not no_conflict:
        raise ValidationError(
            {
                "no_conflict": [
                    _(
                        "Accepting needs the declaration: no tie to the enterprise or its "
                        "consulting firm in the last three years. Otherwise decline."
                    )
                ]
            }
        )
    if not accept and not declaration:
        raise ValidationError({"declaration": [_("Say why you decline (a conflict, or else).")]})
    invitation.state = InvitationState.ACCEPTED if accept else InvitationState.DECLINED
    invitation.conflict = not no_conflict
    invitation.declaration = declaration
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["state", "conflict", "declaration", "answered_at"])
    if not accept:
        review = invitation.meeting.review
        notify(
            recipients=reviews.supervisors(review.audit),
            kind="invitation_declined",
            params=_meeting_params(invitation.meeting) | {"expert": str(actor)},
            url=reverse("review-detail", args=[review.pk]),
        )
    return invitation


@transaction.atomic
def invitation_replace(*, actor, invitation: Invitation, seed: int | None = None) -> Invitation:
    """Replace a declined expert by a draw from the province's pool under the rules of
    the panel draw (assessments.services.panel_draw): independent experts not on the
    panel and not yet invited, those of the enterprise's industry first. The seed, the
    pool and the draw are recorded on the declined invitation."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("meeting__review__audit__enterprise")
        .get(pk=invitation.pk)
    )
    review = invitation.meeting.review
    reviews.require_supervisor(actor, review)
    if invitation.state != InvitationState.DECLINED:
        raise StateConflict(
            _("Only a declined invitation is replaced."),
            unmet=[
                _("The invitation is “%(state)s”.")
                % {"state": InvitationState(invitation.state).label}
            ],
        )
    if review.state == ReviewState.CONCLUDED:
        raise StateConflict(
            _("The review is concluded."), unmet=[_("A concluded round does not change.")]
        )
    # The rule of every draw (assessments.services.drawable): independent experts of
    # the pool, declared ties included; here not on the panel and never invited.
    invited = set(invitation.meeting.invitations.values_list("expert_id", flat=True))
    seated = list(review.panel.values_list("expert_id", flat=True))
    matching, others = reviews.drawable(review, exclude=invited | set(seated))
    if not matching and not others:
        raise StateConflict(
            _("No independent expert is left in the pool to draw from."),
            unmet=[_("Add experts to the pool, or seat one by hand.")],
        )
    seed = secrets.randbelow(2**31) if seed is None else seed
    rng = random.Random(seed)
    drawn = rng.choice(matching or others)
    # The seat changes hands: the declined invitation is replaced first, so that the
    # panel's change (PANEL_HOOKS, below) invites the drawn expert and leaves it be.
    invitation.state = InvitationState.REPLACED
    invitation.save(update_fields=["state"])
    kept = [pk for pk in seated if pk != invitation.expert_id]
    reviews.panel_set(actor=actor, review=review, expert_ids=[*kept, drawn])
    replacement = invitation.meeting.invitations.exclude(state__in=GONE).get(expert_id=drawn)
    invitation.replaced_by = replacement
    invitation.draw = {
        "seed": seed,
        "pool": sorted(matching + others),
        "matching": matching,
        "drawn": drawn,
    }
    invitation.save(update_fields=["state", "replaced_by", "draw"])
    return replacement


@transaction.atomic
def pre_review_submit(*, actor, invitation: Invitation, text: str) -> Invitation:
    """An expert who accepted files a pre-review opinion once the material is released
    and until the meeting."""
    invitation = _own_invitation(actor, invitation)
    meeting = invitation.meeting
    today = timezone.localdate()
    if invitation.state != InvitationState.ACCEPTED or invitation.conflict:
        raise StateConflict(
            _("Accept the invitation first."), unmet=[_("The invitation is not accepted.")]
        )
    if not (meeting.release_on <= today <= meeting.held_on):
        raise StateConflict(
            _("A pre-review opinion is filed between the release and the meeting."),
            unmet=[
                _("The material is released on %(release)s; the meeting is on %(date)s.")
                % {"release": meeting.release_on.isoformat(), "date": meeting.held_on.isoformat()}
            ],
        )
    if not (text or "").strip():
        raise ValidationError({"text": [_("Write the opinion.")]})
    invitation.pre_review = text.strip()
    invitation.pre_review_at = timezone.now()
    invitation.save(update_fields=["pre_review", "pre_review_at"])
    return invitation


@transaction.atomic
def minutes_record(*, actor, meeting: Meeting, minutes: str, attended) -> Meeting:
    """On or after the meeting date: the minutes, and who of the panel attended."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("review__audit__enterprise")
        .get(pk=meeting.pk)
    )
    reviews.require_supervisor(actor, meeting.review)
    if timezone.localdate() < meeting.held_on:
        raise StateConflict(
            _("The minutes are recorded once the meeting is held."),
            unmet=[_("The meeting is on %(date)s.") % {"date": meeting.held_on.isoformat()}],
        )
    if not (minutes or "").strip():
        raise ValidationError({"minutes": [_("Write the minutes.")]})
    present = {getattr(a, "pk", a) for a in attended or []}
    seats = meeting.invitations.filter(
        state__in=[InvitationState.ACCEPTED, InvitationState.INVITED]
    )
    unknown = present - set(seats.values_list("expert_id", flat=True))
    if unknown:
        raise ValidationError({"attended": [_("Only the invited experts of the panel attend.")]})
    for invitation in seats:
        invitation.attended = invitation.expert_id in present
        invitation.save(update_fields=["attended"])
    meeting.minutes = minutes.strip()
    meeting.minutes_by = actor
    meeting.minutes_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_by", "minutes_at"])
    timeline.record_meeting(
        meeting,
        actor,
        timeline.MEETING_HELD,
        attended=len(present),
        invited=len(seats),
    )
    return meeting


def released_documents(meeting: Meeting, user):
    """The documents the panel reads: the audit's, from the release day on (the
    authority sees them whenever), by the documents' own scope (audits.models
    .withheld_audits: neither the files nor their titles before the release)."""
    return (
        Document.objects.for_user(user)
        .filter(audit_id=meeting.review.audit_id)
        .select_related("uploaded_by")
    )


# --- the cities' proposals ---------------------------------------------------------------


def is_city_officer(user, key_list: KeyEnterpriseList) -> bool:
    """An authority below the province (a city or a county) of the list's province."""
    return (
        has_role(user, Role.AUTHORITY)
        and len(user.scope_prefix) > 2
        and user.scope_prefix[:2] == key_list.province_id[:2]
    )


def can_propose(user, key_list: KeyEnterpriseList) -> bool:
    return is_city_officer(user, key_list) and key_list.is_draft


@transaction.atomic
def proposal_submit(
    *,
    actor,
    key_list: KeyEnterpriseList,
    enterprise: Enterprise,
    categories,
    reason: str,
    evidence=None,
) -> CityProposal:
    """A city proposes an enterprise of its region for the province's draft list, with
    its categories, the reason and an evidence document; the province decides."""
    require_role(actor, Role.AUTHORITY)
    key_list = KeyEnterpriseList.objects.select_for_update().get(pk=key_list.pk)
    if not is_city_officer(actor, key_list):
        raise PermissionDenied(_("A city or county authority proposes entries."))
    lists.require_draft(key_list)
    lists.check_enterprise(actor, key_list, enterprise)
    categories = lists.clean_categories(categories)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the proposal.")]})
    if ListEntry.objects.active().filter(key_list=key_list, enterprise=enterprise).exists():
        raise ValidationError({"enterprise": [_("This enterprise is already on the list.")]})
    if key_list.proposals.filter(enterprise=enterprise, state=ProposalState.PROPOSED).exists():
        raise ValidationError(
            {"enterprise": [_("This enterprise is already proposed for the list.")]}
        )
    proposal = CityProposal(
        key_list=key_list,
        enterprise=enterprise,
        categories=categories,
        reason=reason.strip(),
        proposed_by=actor,
    )
    if evidence is not None:
        content_type, sha256 = check_upload(evidence)
        proposal.evidence_content_type, proposal.evidence_sha256 = content_type, sha256
        proposal.evidence_name = evidence.name[:255]
        proposal.evidence = evidence
    proposal.save()
    notify(
        recipients=User.objects.filter(
            role=Role.AUTHORITY, is_active=True, organization__region_id=key_list.province_id
        ),
        kind="proposal_submitted",
        params={"enterprise": enterprise.name, "list": key_list.title, "city": str(actor)},
        url=reverse("proposal-list") + f"?key_list={key_list.pk}",
    )
    return proposal


@transaction.atomic
def proposal_decide(
    *, actor, proposal: CityProposal, accept: bool, reason: str = ""
) -> CityProposal:
    """The province accepts a proposal into its draft (an entry with the city's reason,
    proposed by the city's officer) or rejects it with its reason."""
    proposal = (
        CityProposal.objects.select_for_update(of=("self",))
        .select_related("key_list", "enterprise", "proposed_by")
        .get(pk=proposal.pk)
    )
    lists.require_province_officer(actor, proposal.key_list.province_id)
    if proposal.state != ProposalState.PROPOSED:
        raise StateConflict(
            _("The proposal was already decided."),
            unmet=[
                _("The proposal is “%(state)s”.") % {"state": ProposalState(proposal.state).label}
            ],
        )
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": [_("Say why the proposal is rejected.")]})
    to = ProposalState.ACCEPTED if accept else ProposalState.REJECTED
    if accept:
        entry = lists.entry_save(
            actor=actor,
            key_list=proposal.key_list,
            enterprise=proposal.enterprise,
            categories=proposal.categories,
            reason=proposal.reason,
        )
        entry.proposed_by = proposal.proposed_by
        entry.save(update_fields=["proposed_by"])
        proposal.entry = entry
    ProposalDecision.objects.create(
        proposal=proposal, from_state=proposal.state, to_state=to, actor=actor, comment=reason
    )
    proposal.state = to
    proposal.decision_reason = reason
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["state", "decision_reason", "decided_by", "decided_at", "entry"])
    notify(
        recipients=[proposal.proposed_by],
        kind="proposal_decided",
        params={
            "enterprise": proposal.enterprise.name,
            "list": proposal.key_list.title,
            "state": translated(ProposalState(to).label),
            "reason": reason,
        },
        url=reverse("proposal-list"),
    )
    return proposal


# --- reminders of what is due ------------------------------------------------------------

REMIND_DAYS = 7


def _owing(today):
    """(kind, audits that still owe it, due field): the registration, and the filing of
    the contract and audit plan, by their overdue rules (procedures.deadlines)."""
    return [(rule.kind, Audit.objects.filter(rule.owed()), rule.field) for rule in deadlines.RULES]


def step_reminders(today=None) -> int:
    """The daily reminders: a week before the registration or filing deadline and once
    it has passed, the enterprise (and, for the filing, its firm) is told; each once."""
    today = today or timezone.localdate()
    sent = 0
    for kind, audits, field in _owing(today):
        for stage, condition in (
            (
                "soon",
                Q(**{f"{field}__gte": today, f"{field}__lte": today + timedelta(REMIND_DAYS)}),
            ),
            ("passed", Q(**{f"{field}__lt": today})),
        ):
            due = (
                audits.filter(condition)
                .exclude(
                    pk__in=StepReminder.objects.filter(kind=kind, stage=stage).values("audit_id")
                )
                .select_related("enterprise")
            )
            for audit in due:
                with transaction.atomic():
                    _, created = StepReminder.objects.get_or_create(
                        audit=audit, kind=kind, stage=stage
                    )
                    if not created:
                        continue
                    recipients = (
                        User.objects.filter(enterprise_id=audit.enterprise_id, is_active=True)
                        if kind == "registration"
                        else parties(audit)
                    )
                    notify(
                        recipients=recipients,
                        kind=f"{kind}_{stage}",
                        params={
                            "enterprise": audit.enterprise.name,
                            "due": getattr(audit, field).isoformat(),
                        },
                        url=_audit_url(audit),
                    )
                    sent += 1
    return sent
