"""The authority's expert pool (domain.md §7, §8: experts drawn at random from a pool
grouped by industry): who is in it, their industries, employers and declared ties,
added and retired by the authority of the region; and each expert's record over the
concluded rounds they scored: rounds, vetoes, leniency and spread.

Leniency is the mean, over the expert's concluded rounds, of their total minus the
panel's mean total in that round: +8 scores eight points above their panels. Spread is
the standard deviation (population) of their own totals: near 0 for someone who gives
everyone 95.
"""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    StdDev,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import OrganizationKind, Role
from accounts.models import Organization, User
from assessments.choices import ReviewState
from assessments.models import ExpertProfile, PanelMember, Score
from core.roles import has_role, require_role
from core.tasks import enqueue_on_commit

from .models import ExpertDeclaration

# A tie counts for three years after it ended (the declaration of the invitation).
TIE_YEARS = 3


def pool_of(user):
    """The experts of the authority's region (an admin: all)."""
    experts = User.objects.filter(role=Role.EXPERT)
    if has_role(user, Role.ADMIN):
        return experts
    if has_role(user, Role.AUTHORITY) and user.scope_prefix:
        return experts.filter(organization__region__code__startswith=user.scope_prefix)
    return experts.none()


def expert_bodies(user):
    bodies = Organization.objects.filter(kind=OrganizationKind.EXPERT_BODY)
    if has_role(user, Role.ADMIN):
        return bodies
    return bodies.filter(region__code__startswith=user.scope_prefix or "-")


def require_pool_keeper(actor, expert: User | None = None) -> None:
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    if expert is not None and not pool_of(actor).filter(pk=expert.pk).exists():
        raise PermissionDenied(_("This expert is outside your region's pool."))


def _profile(expert, *, industries, employer, consultancy) -> ExpertProfile:
    profile, _created = ExpertProfile.objects.get_or_create(user=expert)
    profile.employer = employer
    profile.consultancy = consultancy
    profile.full_clean(exclude=["user"])
    profile.save()
    if industries is not None:
        profile.industries.set(industries)
    return profile


@transaction.atomic
def expert_add(
    *,
    actor,
    username: str,
    full_name: str,
    email: str = "",
    organization: Organization,
    industries=(),
    employer=None,
    consultancy=None,
) -> User:
    """Add an expert to the region's pool: an account of an expert body of the region
    (mailed to its owner), with industries of expertise and employers."""
    require_pool_keeper(actor)
    if not expert_bodies(actor).filter(pk=getattr(organization, "pk", None)).exists():
        raise ValidationError({"organization": [_("Choose an expert body of your region.")]})
    if not (full_name or "").strip():
        raise ValidationError({"full_name": [_("Give the expert's name.")]})
    # A pool keeper makes expert accounts only (other accounts are the admin's,
    # accounts.services.user_create).
    expert = User(
        username=username,
        full_name=full_name.strip(),
        email=email,
        role=Role.EXPERT,
        organization=organization,
    )
    expert.set_unusable_password()
    expert.full_clean(exclude=["password"])
    expert.save()
    if expert.email:
        enqueue_on_commit("accounts.tasks.send_account_created_email", expert.pk)
    _profile(expert, industries=industries, employer=employer, consultancy=consultancy)
    return expert


@transaction.atomic
def expert_update(*, actor, expert: User, industries=None, employer=None, consultancy=None):
    """Change an expert's industries of expertise and employers."""
    require_pool_keeper(actor, expert)
    return _profile(expert, industries=industries, employer=employer, consultancy=consultancy)


@transaction.atomic
def expert_retire(*, actor, expert: User, active: bool = False) -> User:
    """Retire an expert from the pool (or bring them back): never drawn while retired;
    what they judged stays as it was."""
    require_pool_keeper(actor, expert)
    expert = User.objects.select_for_update().get(pk=expert.pk)
    expert.is_active = active
    expert.save(update_fields=["is_active"])
    return expert


@transaction.atomic
def declaration_add(
    *, actor, expert: User, note: str, enterprise=None, consultancy=None, since=None, until=None
) -> ExpertDeclaration:
    """Record a tie the expert declares (the expert, or the pool's authority)."""
    if actor.pk != expert.pk:
        require_pool_keeper(actor, expert)
    errors = {}
    if enterprise is None and consultancy is None:
        errors["enterprise"] = [_("Name the enterprise or the consulting firm.")]
    if not (note or "").strip():
        errors["note"] = [_("Describe the tie.")]
    if since and until and until < since:
        errors["until"] = [_("The tie ends after it began.")]
    if errors:
        raise ValidationError(errors)
    return ExpertDeclaration.objects.create(
        expert=expert,
        enterprise=enterprise,
        consultancy=consultancy,
        note=note.strip(),
        since=since,
        until=until,
        declared_by=actor,
    )


def declared_ties(audit, today=None) -> set[int]:
    """The experts who declared a tie to the audit's enterprise or firm within the last
    three years (ending then or still open)."""
    today = today or timezone.localdate()
    horizon = today - relativedelta(years=TIE_YEARS)
    tied = Q(enterprise_id=audit.enterprise_id)
    if audit.consultancy_id:
        tied |= Q(consultancy_id=audit.consultancy_id)
    return set(
        ExpertDeclaration.objects.filter(tied)
        .filter(Q(until__isnull=True) | Q(until__gte=horizon))
        .values_list("expert_id", flat=True)
    )


def records(experts) -> dict[int, dict]:
    """Each expert's record over the concluded rounds they scored, by SQL aggregation
    (one query): rounds, vetoes raised (rounds with a veto), leniency, spread."""
    panel_mean = (
        Score.objects.filter(review=OuterRef("review"))
        .values("review")
        .annotate(mean=Avg("total"))
        .values("mean")
    )
    rows = (
        Score.objects.filter(expert__in=experts, review__state=ReviewState.CONCLUDED)
        .annotate(
            deviation=ExpressionWrapper(
                F("total") - Subquery(panel_mean),
                output_field=DecimalField(max_digits=8, decimal_places=4),
            )
        )
        .values("expert")
        .annotate(
            rounds=Count("review", distinct=True),
            vetoes=Count("pk", filter=~Q(vetoes=[])),
            leniency=Avg("deviation"),
            spread=StdDev("total"),
            mean=Avg("total"),
        )
        .order_by("expert")
    )
    return {row["expert"]: row for row in rows}


def seats(experts) -> dict[int, int]:
    """Rounds sat (panel seats, open rounds included)."""
    return dict(
        PanelMember.objects.filter(expert__in=experts)
        .values("expert")
        .annotate(n=Count("pk"))
        .values_list("expert", "n")
    )
