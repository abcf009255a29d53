"""The pages of the steps around the audit: registration and filing on the audit,
the filings to decide, the round's meeting, the expert's meetings, city proposals."""

from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from accounts.choices import OrganizationKind, Role
from accounts.models import Organization
from assessments.choices import ReviewState
from assessments.models import Review, Score
from audits import services as audit_services
from audits.choices import DocumentKind
from audits.models import Audit
from core.roles import role_required
from core.views import submit
from core.xlsx import export_requested, export_response
from enterprises.choices import IndustryLevel, ListStatus
from enterprises.models import Enterprise, Industry, KeyEnterpriseList

from . import pool, services
from .choices import FilingState, InvitationState
from .forms import (
    AnswerForm,
    DecisionForm,
    DeclarationForm,
    ExpertForm,
    FilingForm,
    MeetingForm,
    MinutesForm,
    PreReviewForm,
    ProposalForm,
    ReasonForm,
    RegistrationForm,
)
from .models import CityProposal, ExpertDeclaration, Filing, Invitation, Meeting, Registration
from .selectors import proposal_counts_by_city

PARTIES = (Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE)
WORKERS = (Role.ADMIN, Role.CONSULTANT, Role.ENTERPRISE)
SUPERVISORS = (Role.ADMIN, Role.AUTHORITY)
EVERYONE = (*PARTIES, Role.EXPERT)


def _audit(request, pk) -> Audit:
    return get_object_or_404(
        Audit.objects.for_user(request.user).select_related(
            "enterprise__region", "list_entry__key_list", "consultancy"
        ),
        pk=pk,
    )


# --- registration and filing, on the audit ---------------------------------------------


def _procedures_page(request, audit, *, status=200, **forms):
    user = request.user
    filings = list(
        audit.filings.select_related("submitted_by", "decided_by")
        .prefetch_related("documents")
        .order_by("-submitted_at", "-id")
    )
    registration = Registration.objects.filter(audit=audit).first()
    context = {
        "audit": audit,
        "policy": services.audit_policy(audit),
        "registration": registration,
        "filings": filings,
        "can_register": services.can_register(user, audit),
        "can_file": services.can_file(user, audit),
        "can_decide": services.supervises(user, audit),
        "registration_form": forms.get("registration_form")
        or RegistrationForm(
            initial=registration
            and {
                "contact_name": registration.contact_name,
                "contact_phone": registration.contact_phone,
                "contact_email": registration.contact_email,
            }
        ),
        "filing_form": forms.get("filing_form") or FilingForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "conflict": forms.get("conflict"),
        "today": timezone.localdate(),
    }
    return render(request, "procedures/audit_procedures.html", context, status=status)


@role_required(*PARTIES)
def audit_procedures(request, pk):
    return _procedures_page(request, _audit(request, pk))


@role_required(*WORKERS)
@require_POST
def audit_register(request, pk):
    audit = _audit(request, pk)
    form = RegistrationForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.registration_save(actor=request.user, audit=audit, **data),
        success=_("The registration was saved."),
    )
    if outcome.ok:
        return redirect("audit-procedures", audit.pk)
    return _procedures_page(
        request, audit, status=outcome.status, registration_form=form, conflict=outcome.conflict
    )


def _file(actor, audit, data):
    """Upload the filing's documents and file them, all or nothing."""
    with transaction.atomic():
        documents = [
            audit_services.document_upload(
                actor=actor, audit=audit, kind=kind, file=data[field], title=""
            )
            for field, kind in (
                ("contract", DocumentKind.CONSULTANCY_CONTRACT),
                ("plan", DocumentKind.WORK_PLAN),
            )
            if data.get(field)
        ]
        return services.filing_submit(
            actor=actor, audit=audit, kind=data["kind"], documents=documents, note=data["note"]
        )


@role_required(*WORKERS)
@require_POST
def audit_file(request, pk):
    audit = _audit(request, pk)
    form = FilingForm(request.POST, request.FILES)
    outcome = submit(
        request,
        form,
        lambda data: _file(request.user, audit, data),
        success=_("The filing was submitted to the authority."),
    )
    if outcome.ok:
        return redirect("audit-procedures", audit.pk)
    return _procedures_page(
        request, audit, status=outcome.status, filing_form=form, conflict=outcome.conflict
    )


# --- the filings to decide -------------------------------------------------------------


FILINGS_SHOWN = 200  # the page lists the latest 200; its export the same


@role_required(*PARTIES)
def filing_list(request):
    state = request.GET.get("state") or (
        FilingState.SUBMITTED if request.user.role == Role.AUTHORITY else ""
    )
    filings = (
        Filing.objects.for_user(request.user)
        .select_related("audit__enterprise", "submitted_by", "decided_by")
        .order_by("-submitted_at", "-id")
    )
    if state in FilingState.values:
        filings = filings.filter(state=state)
    shown = list(filings[:FILINGS_SHOWN])
    if export_requested(request):
        return export_response(
            request,
            name="filings",
            title=_("Filings"),
            header=[
                _("Enterprise"),
                _("Filing"),
                pgettext("time submitted", "Submitted"),
                _("Due"),
                _("State"),
            ],
            items=shown,
            row=lambda filing: [
                filing.audit.enterprise.name,
                filing.get_kind_display(),
                filing.submitted_at,
                filing.audit.filing_due,
                filing.get_state_display(),
            ],
        )
    return render(
        request,
        "procedures/filing_list.html",
        {"filings": shown, "state": state, "states": FilingState.choices},
    )


def _filing(request, pk) -> Filing:
    return get_object_or_404(
        Filing.objects.for_user(request.user).select_related(
            "audit__enterprise", "submitted_by", "decided_by"
        ),
        pk=pk,
    )


def _filing_page(request, filing, *, status=200, form=None, conflict=None):
    return render(
        request,
        "procedures/filing_detail.html",
        {
            "filing": filing,
            "audit": filing.audit,
            "documents": filing.documents.all(),
            "changes": filing.changes.select_related("actor"),
            "can_decide": services.can_decide(request.user, filing),
            "reason_form": form or ReasonForm(),
            "conflict": conflict,
        },
        status=status,
    )


@role_required(*PARTIES)
def filing_detail(request, pk):
    return _filing_page(request, _filing(request, pk))


@role_required(*SUPERVISORS)
@require_POST
def filing_decide(request, pk):
    filing = _filing(request, pk)
    form = ReasonForm(request.POST)
    if request.POST.get("decision") == "accept":
        outcome = submit(
            request,
            None,
            lambda: services.filing_accept(actor=request.user, filing=filing),
            success=_("The filing was accepted."),
        )
    else:
        outcome = submit(
            request,
            form,
            lambda data: services.filing_return(
                actor=request.user, filing=filing, reason=data["reason"]
            ),
            success=_("The filing was returned with your reasons."),
        )
    if outcome.ok:
        return redirect("filing-detail", filing.pk)
    return _filing_page(
        request, filing, status=outcome.status, form=form, conflict=outcome.conflict
    )


# --- the round's meeting ---------------------------------------------------------------


def _review(request, pk) -> Review:
    return get_object_or_404(
        Review.objects.for_user(request.user).select_related(
            "audit__enterprise", "audit__consultancy"
        ),
        pk=pk,
    )


def _meeting_page(request, review, *, status=200, conflict=None, **forms):
    user = request.user
    meeting = Meeting.objects.filter(review=review).select_related("minutes_by").first()
    invitations = (
        list(meeting.invitations.select_related("expert").order_by("created_at", "id"))
        if meeting
        else []
    )
    mine = next(
        (i for i in invitations if i.expert_id == user.pk and i.state != InvitationState.REPLACED),
        None,
    )
    supervisor = services.can_schedule(user, review)
    seated = [
        i.expert
        for i in invitations
        if i.state in (InvitationState.INVITED, InvitationState.ACCEPTED)
    ]
    show_invitations = user.role in SUPERVISORS
    context = {
        "review": review,
        "audit": review.audit,
        "meeting": meeting,
        "invitations": invitations if show_invitations else [],
        "mine": mine,
        "can_schedule": supervisor,
        "documents": services.released_documents(meeting, user) if meeting else [],
        "released": meeting.is_released() if meeting else False,
        "meeting_form": forms.get("meeting_form")
        or MeetingForm(
            initial=meeting
            and {
                "held_on": meeting.held_on,
                "starts_at": meeting.starts_at,
                "place": meeting.place,
                "link": meeting.link,
            }
        ),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "pre_review_form": forms.get("pre_review_form")
        or PreReviewForm(initial={"text": mine.pre_review if mine else ""}),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(
            experts=seated,
            initial=meeting
            and {
                "minutes": meeting.minutes,
                "attended": [str(i.expert_id) for i in invitations if i.attended],
            },
        ),
        "policy": services.audit_policy(review.audit),
        "conflict": conflict,
        "today": timezone.localdate(),
    }
    return render(request, "procedures/meeting.html", context, status=status)


@role_required(*EVERYONE)
def review_meeting(request, pk):
    return _meeting_page(request, _review(request, pk))


def _meeting_post(request, review, form, call, success, form_name):
    """A form of the meeting page: its service, then back to the page (or the page
    again with the form's errors or the conflict)."""
    outcome = submit(request, form, call, success=success)
    if outcome.ok:
        return redirect("review-meeting", review.pk)
    forms = {form_name: form} if form is not None else {}
    return _meeting_page(request, review, status=outcome.status, conflict=outcome.conflict, **forms)


@role_required(*SUPERVISORS)
@require_POST
def review_meeting_schedule(request, pk):
    review = _review(request, pk)
    return _meeting_post(
        request,
        review,
        MeetingForm(request.POST),
        lambda data: services.meeting_schedule(actor=request.user, review=review, **data),
        _("The meeting was scheduled and the panel invited."),
        "meeting_form",
    )


@role_required(*SUPERVISORS)
@require_POST
def meeting_minutes(request, pk):
    review = _review(request, pk)
    meeting = get_object_or_404(Meeting, review=review)
    seated = [
        i.expert
        for i in meeting.invitations.filter(
            state__in=[InvitationState.INVITED, InvitationState.ACCEPTED]
        ).select_related("expert")
    ]
    return _meeting_post(
        request,
        review,
        MinutesForm(request.POST, experts=seated),
        lambda data: services.minutes_record(actor=request.user, meeting=meeting, **data),
        _("The minutes were recorded."),
        "minutes_form",
    )


def _invitation(request, pk) -> Invitation:
    return get_object_or_404(
        Invitation.objects.for_user(request.user).select_related("meeting__review"), pk=pk
    )


@role_required(Role.EXPERT)
@require_POST
def invitation_answer(request, pk):
    invitation = _invitation(request, pk)
    return _meeting_post(
        request,
        _review(request, invitation.meeting.review_id),
        AnswerForm(request.POST),
        lambda data: services.invitation_answer(actor=request.user, invitation=invitation, **data),
        _("Your answer was recorded."),
        "answer_form",
    )


@role_required(Role.EXPERT)
@require_POST
def invitation_pre_review(request, pk):
    invitation = _invitation(request, pk)
    return _meeting_post(
        request,
        _review(request, invitation.meeting.review_id),
        PreReviewForm(request.POST),
        lambda data: services.pre_review_submit(
            actor=request.user, invitation=invitation, text=data["text"]
        ),
        _("Your pre-review opinion was filed."),
        "pre_review_form",
    )


@role_required(*SUPERVISORS)
@require_POST
def invitation_replace(request, pk):
    invitation = _invitation(request, pk)
    return _meeting_post(
        request,
        _review(request, invitation.meeting.review_id),
        None,
        lambda: services.invitation_replace(actor=request.user, invitation=invitation),
        lambda new: _("%(expert)s was drawn to replace the seat.") % {"expert": new.expert},
        "",
    )


@role_required(Role.EXPERT)
def my_meetings(request):
    """The expert's invitations: the meeting, the release day, what is due."""
    invitations = (
        Invitation.objects.for_user(request.user)
        .exclude(state=InvitationState.REPLACED)
        .select_related("meeting__review__audit__enterprise")
        .order_by("-meeting__held_on", "-id")
    )
    return render(
        request,
        "procedures/my_meetings.html",
        {"invitations": invitations, "today": timezone.localdate()},
    )


# --- city proposals ----------------------------------------------------------------------


def _draft_lists(user):
    return KeyEnterpriseList.objects.for_user(user).filter(status=ListStatus.DRAFT)


def _proposals_page(request, *, status=200, form=None, conflict=None, key_list=None):
    user = request.user
    lists = list(_draft_lists(user))
    key_list = key_list or next(
        (k for k in lists if str(k.pk) == request.GET.get("key_list")), lists[0] if lists else None
    )
    proposals = CityProposal.objects.for_user(user).select_related(
        "enterprise__region", "proposed_by__organization", "decided_by", "key_list"
    )
    if key_list:
        proposals = proposals.filter(key_list=key_list)
    can_propose = bool(key_list) and services.can_propose(user, key_list)
    by_city = proposal_counts_by_city(key_list, user) if key_list else []
    return render(
        request,
        "procedures/proposals.html",
        {
            "lists": lists,
            "key_list": key_list,
            "proposals": proposals,
            "by_city": by_city,
            "can_propose": can_propose,
            "can_decide": bool(key_list)
            and services.lists.is_province_officer(user, key_list.province_id),
            "form": form
            or (
                ProposalForm(enterprises=Enterprise.objects.for_user(user)) if can_propose else None
            ),
            "decision_form": DecisionForm(),
            "conflict": conflict,
        },
        status=status,
    )


@role_required(*SUPERVISORS)
def proposal_list(request):
    return _proposals_page(request)


@role_required(Role.AUTHORITY)
@require_POST
def proposal_create(request, list_pk):
    key_list = get_object_or_404(_draft_lists(request.user), pk=list_pk)
    form = ProposalForm(
        request.POST, request.FILES, enterprises=Enterprise.objects.for_user(request.user)
    )
    outcome = submit(
        request,
        form,
        lambda data: services.proposal_submit(actor=request.user, key_list=key_list, **data),
        success=_("The proposal was sent to the province."),
    )
    if outcome.ok:
        return redirect(reverse("proposal-list") + f"?key_list={key_list.pk}")
    return _proposals_page(
        request, status=outcome.status, form=form, conflict=outcome.conflict, key_list=key_list
    )


@role_required(*SUPERVISORS)
@require_POST
def proposal_decide(request, pk):
    proposal = get_object_or_404(CityProposal.objects.for_user(request.user), pk=pk)
    form = DecisionForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.proposal_decide(actor=request.user, proposal=proposal, **data),
        success=_("The decision was recorded."),
    )
    if outcome.ok:
        return redirect(reverse("proposal-list") + f"?key_list={proposal.key_list_id}")
    return _proposals_page(
        request, status=outcome.status, conflict=outcome.conflict, key_list=proposal.key_list
    )


# --- the expert pool ---------------------------------------------------------------------


def _expert_form(request, data=None, *, new=True, initial=None):
    user = request.user
    return ExpertForm(
        data,
        new=new,
        initial=initial,
        bodies=pool.expert_bodies(user),
        industries=Industry.objects.filter(level=IndustryLevel.DIVISION),
        enterprises=Enterprise.objects.for_user(user),
        firms=Organization.objects.filter(kind=OrganizationKind.CONSULTANCY).order_by("name"),
    )


def _pool_page(request, *, status=200, form=None):
    experts = list(
        pool.pool_of(request.user)
        .select_related("organization", "expert_profile__employer", "expert_profile__consultancy")
        .prefetch_related("expert_profile__industries")
        .order_by("-is_active", "full_name", "username")
    )
    figures = pool.records(experts)
    seats = pool.seats(experts)
    rows = [
        {"expert": e, "record": figures.get(e.pk, {}), "seats": seats.get(e.pk, 0)} for e in experts
    ]
    return render(
        request,
        "procedures/pool.html",
        {"rows": rows, "form": form or _expert_form(request)},
        status=status,
    )


@role_required(*SUPERVISORS)
def expert_pool(request):
    if request.method == "POST":
        form = _expert_form(request, request.POST)
        outcome = submit(
            request,
            form,
            lambda data: pool.expert_add(actor=request.user, **data),
            success=_("The expert was added to the pool."),
        )
        if outcome.ok:
            return redirect("expert-record", outcome.result.pk)
        return _pool_page(request, status=outcome.status, form=form)
    return _pool_page(request)


def _pool_expert(request, pk):
    return get_object_or_404(pool.pool_of(request.user).select_related("organization"), pk=pk)


def _record_page(request, expert, *, status=200, form=None, declaration_form=None):
    user = request.user
    profile = getattr(expert, "expert_profile", None)
    firms = Organization.objects.filter(kind=OrganizationKind.CONSULTANCY).order_by("name")
    scores = (
        Score.objects.filter(expert=expert, review__state=ReviewState.CONCLUDED)
        .select_related("review__audit__enterprise")
        .order_by("-review__concluded_on", "-id")
    )
    return render(
        request,
        "procedures/expert_record.html",
        {
            "expert": expert,
            "profile": profile,
            "record": pool.records([expert]).get(expert.pk, {}),
            "seats": pool.seats([expert]).get(expert.pk, 0),
            "scores": scores,
            "declarations": ExpertDeclaration.objects.for_user(user)
            .filter(expert=expert)
            .select_related("enterprise", "consultancy", "declared_by"),
            "form": form
            or _expert_form(
                request,
                new=False,
                initial=profile
                and {
                    "industries": list(profile.industries.all()),
                    "employer": profile.employer,
                    "consultancy": profile.consultancy,
                },
            ),
            "declaration_form": declaration_form
            or DeclarationForm(enterprises=Enterprise.objects.for_user(user), firms=firms),
        },
        status=status,
    )


@role_required(*SUPERVISORS)
def expert_record(request, pk):
    expert = _pool_expert(request, pk)
    if request.method == "POST":
        form = _expert_form(request, request.POST, new=False)
        outcome = submit(
            request,
            form,
            lambda data: pool.expert_update(actor=request.user, expert=expert, **data),
            success=_("The expert's industries and employers were saved."),
        )
        if outcome.ok:
            return redirect("expert-record", expert.pk)
        return _record_page(request, expert, status=outcome.status, form=form)
    return _record_page(request, expert)


@role_required(*SUPERVISORS)
@require_POST
def expert_retire(request, pk):
    expert = _pool_expert(request, pk)
    active = request.POST.get("active") == "1"
    submit(
        request,
        None,
        lambda: pool.expert_retire(actor=request.user, expert=expert, active=active),
        success=_("The expert is back in the pool.") if active else _("The expert was retired."),
    )
    return redirect("expert-record", expert.pk)


@role_required(*SUPERVISORS)
@require_POST
def expert_declare(request, pk):
    expert = _pool_expert(request, pk)
    firms = Organization.objects.filter(kind=OrganizationKind.CONSULTANCY)
    form = DeclarationForm(
        request.POST, enterprises=Enterprise.objects.for_user(request.user), firms=firms
    )
    outcome = submit(
        request,
        form,
        lambda data: pool.declaration_add(actor=request.user, expert=expert, **data),
        success=_("The declaration was recorded."),
    )
    if outcome.ok:
        return redirect("expert-record", expert.pk)
    return _record_page(request, expert, status=outcome.status, declaration_form=form)
