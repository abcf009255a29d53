"""The steps bureaus run around each audit (domain.md §7, §8): registration on the
platform, the filing (报备) of the contract and audit plan, the review meeting with its
invitations, and the cities' proposals for the province's draft list."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.choices import Role
from assessments.models import PanelMember, Review
from audits.models import Audit
from core.files import EXTENSIONS
from core.models import StateChange
from core.regions import province_code
from enterprises.choices import Category

from .choices import FilingKind, FilingState, InvitationState, ProposalState


class OfAuditQuerySet(models.QuerySet):
    """Visible exactly when the audit is, to the audit's parties and its authorities;
    experts reach the audits of their rounds, not these steps."""

    def for_user(self, user):
        if getattr(user, "role", None) in (None, Role.EXPERT):
            return self.none()
        return self.filter(audit__in=Audit.objects.for_user(user))


class Registration(models.Model):
    """The enterprise's registration on the platform after publication: its basic data
    confirmed as they stood, and a contact person, by `Audit.registration_due`."""

    audit = models.OneToOneField(
        Audit, on_delete=models.CASCADE, related_name="registration", verbose_name=_("audit")
    )
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # The enterprise's basic data as confirmed (name, credit code, address, size).
    confirmed_data = models.JSONField(_("basic data confirmed"), default=dict, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OfAuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self):
        return f"{self.audit} · {self.contact_name}"

    @property
    def late(self) -> bool:
        due = self.audit.registration_due
        return bool(due and self.registered_on > due)


class Filing(models.Model):
    """A filing (报备) with the authority: the consultancy contract and the audit plan,
    which the authority accepts or returns with its reasons. A returned filing stays as
    it was; the enterprise or its firm files again (a new filing)."""

    audit = models.ForeignKey(
        Audit, on_delete=models.PROTECT, related_name="filings", verbose_name=_("audit")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=FilingKind.choices, default=FilingKind.START
    )
    documents = models.ManyToManyField(
        "audits.Document", related_name="filings", verbose_name=_("documents")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=FilingState.choices, default=FilingState.SUBMITTED
    )
    note = models.TextField(_("note"), blank=True)
    # Why it was returned; empty when accepted.
    reason = models.TextField(_("reason"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(
        pgettext_lazy("time submitted", "submitted"), auto_now_add=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    objects = OfAuditQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        constraints = [
            # One filing of a kind waiting for a decision at a time.
            models.UniqueConstraint(
                fields=["audit", "kind"],
                condition=Q(state=FilingState.SUBMITTED),
                name="filing_one_waiting",
            ),
            models.CheckConstraint(
                condition=Q(state=FilingState.SUBMITTED, decided_on__isnull=True)
                | (~Q(state=FilingState.SUBMITTED) & Q(decided_on__isnull=False)),
                name="filing_decided_has_date",
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"], name="filing_state_submitted")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.audit}"


class FilingChange(StateChange):
    """One row per change of a filing's state: who, when, from, to, why."""

    filing = models.ForeignKey(
        Filing, on_delete=models.CASCADE, related_name="changes", verbose_name=_("filing")
    )
    from_state = models.CharField(_("from"), max_length=10, choices=FilingState.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=FilingState.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("filing decision")
        verbose_name_plural = _("filing decisions")


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        """Visible as the round is (experts: the rounds they sit on or were invited to)."""
        if getattr(user, "role", None) == Role.EXPERT:
            return self.filter(
                Q(review__in=Review.objects.for_user(user)) | Q(invitations__expert=user)
            ).distinct()
        return self.filter(review__in=Review.objects.for_user(user))


class Meeting(models.Model):
    """A round's review meeting: where and when the panel meets, the day its material is
    released to the panel (the policy's working days before), minutes and attendance."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="meeting", verbose_name=_("review round")
    )
    held_on = models.DateField(_("meeting date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    link = models.URLField(_("online link"), blank=True)
    # Computed from `held_on` and the policy (core.workdays): the report and documents
    # reach the panel on this day and not earlier.
    release_on = models.DateField(_("material released on"), editable=False)
    release_estimated = models.BooleanField(
        _("release day estimated"),
        default=False,
        editable=False,
        help_text=_("The holiday calendar does not know the year yet: weekdays were counted."),
    )
    released_at = models.DateTimeField(_("release notified"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    scheduled_at = models.DateTimeField(_("scheduled"), auto_now_add=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minutes by"),
    )
    minutes_at = models.DateTimeField(_("minutes recorded"), null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="", link=""), name="meeting_has_place_or_link"
            ),
        ]

    def __str__(self):
        return f"{self.review} · {self.held_on}"

    def is_released(self, today=None) -> bool:
        return (today or timezone.localdate()) >= self.release_on

    def scores_open(self, today=None) -> bool:
        return (today or timezone.localdate()) >= self.held_on


class InvitationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The expert's own; the round's authorities all of its meeting's."""
        role = getattr(user, "role", None)
        if role == Role.EXPERT:
            return self.filter(expert=user)
        if role in (Role.ADMIN, Role.AUTHORITY):
            return self.filter(meeting__review__in=Review.objects.for_user(user))
        return self.none()

    def seated(self):
        """Invitations of experts still on the panel."""
        return self.filter(
            Exists(
                PanelMember.objects.filter(
                    review=OuterRef("meeting__review"), expert=OuterRef("expert")
                )
            )
        )


class Invitation(models.Model):
    """An expert's invitation to a round's meeting, answered with the declaration of
    no conflict of interest (回避声明): no tie to the enterprise or its consulting firm
    in the last three years. A decline or a declared conflict is replaced by a draw
    from the pool, recorded on this row."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("meeting")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("expert"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=InvitationState.choices, default=InvitationState.INVITED
    )
    conflict = models.BooleanField(_("declares a conflict of interest"), default=False)
    declaration = models.TextField(_("declaration"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    pre_review = models.TextField(_("pre-review opinion"), blank=True)
    pre_review_at = models.DateTimeField(_("pre-review filed"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    # The replacement draw: seed, pool, matching, drawn (as assessments' panel draws).
    draw = models.JSONField(_("replacement draw"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "created_at", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "expert"],
                condition=~Q(state=InvitationState.REPLACED),
                name="invitation_once_per_expert",
            ),
        ]

    def __str__(self):
        return f"{self.expert} · {self.meeting}"

    @property
    def needs_replacement(self) -> bool:
        return self.state == InvitationState.DECLINED or (
            self.state == InvitationState.ACCEPTED and self.conflict
        )


class ProposalQuerySet(models.QuerySet):
    def for_user(self, user):
        """A city sees its own proposals (enterprises in its region); the province all
        proposals for its lists."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            if len(user.scope_prefix) <= 2:
                return self.filter(key_list__province_id=province_code(user.scope_prefix))
            return self.filter(enterprise__region__code__startswith=user.scope_prefix)
        return self.none()


def evidence_path(proposal, filename):
    return f"proposals/{uuid.uuid4().hex}.{EXTENSIONS.get(proposal.evidence_content_type, 'bin')}"


class CityProposal(models.Model):
    """A city's proposal of an entry for the province's draft list (cities propose, the
    province publishes): accepted, it becomes an entry with the city's reason."""

    key_list = models.ForeignKey(
        "enterprises.KeyEnterpriseList",
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("list"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("enterprise"),
    )
    categories = models.JSONField(_("categories"), default=list)
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    evidence_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    evidence_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    entry = models.OneToOneField(
        "enterprises.ListEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("list entry"),
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("city proposal")
        verbose_name_plural = _("city proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["key_list", "enterprise"],
                condition=Q(state=ProposalState.PROPOSED),
                name="proposal_once_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} → {self.key_list}"

    def get_categories_display(self) -> list[str]:
        return [str(c.label) for c in Category if c.value in self.categories]


class ProposalDecision(StateChange):
    proposal = models.ForeignKey(
        CityProposal, on_delete=models.CASCADE, related_name="changes", verbose_name=_("proposal")
    )
    from_state = models.CharField(_("from"), max_length=10, choices=ProposalState.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=ProposalState.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("proposal decision")
        verbose_name_plural = _("proposal decisions")


class DeclarationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The authorities of the expert's region; the expert their own."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            return self.filter(expert__organization__region__code__startswith=user.scope_prefix)
        if role == Role.EXPERT:
            return self.filter(expert=user)
        return self.none()


class ExpertDeclaration(models.Model):
    """A standing declaration of an expert's ties (回避): to an enterprise or a
    consulting firm, from `since` to `until` (open when still tied). A tie within the
    last three years keeps the expert off that enterprise's or firm's rounds when a
    replacement is drawn."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=_("expert"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    consultancy = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "consultancy"},
        verbose_name=_("consulting firm"),
    )
    note = models.TextField(_("tie"))
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("declaration of ties")
        verbose_name_plural = _("declarations of ties")
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | Q(consultancy__isnull=False),
                name="declaration_names_a_tie",
            ),
        ]

    def __str__(self):
        return f"{self.expert}: {self.enterprise or self.consultancy}"


class StepReminder(models.Model):
    """A reminder of a registration or filing deadline, sent once (procedures.services
    .step_reminders): `stage` is "soon" (a week before) or "passed"."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="+", verbose_name=_("audit")
    )
    kind = models.CharField(_("deadline"), max_length=16)
    stage = models.CharField(_("stage"), max_length=8)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("step reminder")
        verbose_name_plural = _("step reminders")
        constraints = [
            models.UniqueConstraint(fields=["audit", "kind", "stage"], name="step_reminder_once")
        ]

    def __str__(self):
        return f"{self.audit_id} {self.kind} {self.stage}"
