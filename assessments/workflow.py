"""The states of a review round (api.md "Reviews"; design.md "Workflow"): applied →
panel formed → concluded, one table with its guards, and the only place `Review.state`
changes. Each move is a `ReviewTransition` row (actor, time, from, to, comment), written
in the transaction of the service that makes it: seating a panel, concluding the round.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from audits.choices import CostClass
from core.errors import StateConflict

from .choices import ReviewKind, ReviewState
from .models import VERIFIABLE_OPTIONS, Review, ReviewTransition

MIN_PANEL = 3  # domain.md §3: at least 3 experts


def _panel_seated(review: Review) -> list[str]:
    seated = review.panel.count()
    if seated < MIN_PANEL:
        return [
            _("A panel has at least %(n)d experts; %(count)d were named.")
            % {"n": MIN_PANEL, "count": seated}
        ]
    return []


def conclusion_unmet(review: Review) -> list[str]:
    """What stops the authority concluding: a panel, every panel expert's scores and, at
    acceptance, a verification of every feasible mid/high option (api.md "Reviews")."""
    if review.state == ReviewState.CONCLUDED:
        return [_("The review is concluded.")]
    if review.state == ReviewState.APPLIED:
        return [_("Form the panel.")]
    unmet = []
    waiting = [
        str(member.expert)
        for member in review.panel.select_related("expert").exclude(
            expert__in=review.scores.values("expert")
        )
    ]
    if waiting:
        unmet.append(_("Waiting for the scores of: %(names)s.") % {"names": ", ".join(waiting)})
    if review.kind == ReviewKind.ACCEPTANCE:
        codes = list(
            review.audit.options.filter(
                cost_class=CostClass.MID_HIGH, status__in=VERIFIABLE_OPTIONS
            )
            .exclude(verifications__review=review)
            .values_list("code", flat=True)
        )
        if codes:
            unmet.append(
                _("Verify the mid/high-cost options: %(codes)s.") % {"codes": ", ".join(codes)}
            )
    return unmet


# from → {to: guard}
TRANSITIONS: dict[str, dict[str, Callable[[Review], list[str]]]] = {
    ReviewState.APPLIED: {ReviewState.PANEL_FORMED: _panel_seated},
    ReviewState.PANEL_FORMED: {ReviewState.CONCLUDED: conclusion_unmet},
}


def review_move(*, review: Review, to: str, actor, comment: str = "") -> None:
    """Move a locked round to `to` once its guard is met, saving what the calling
    service changed with it (a conclusion's result, score and snapshot), and log it."""
    guard = TRANSITIONS.get(review.state, {}).get(to)
    if guard is None:
        raise StateConflict(
            _("The review cannot move from “%(from)s” to “%(to)s”.")
            % {
                "from": ReviewState(review.state).label,
                "to": ReviewState(to).label if to in ReviewState.values else to,
            },
            unmet=[_("Not a step from the current state.")],
        )
    if unmet := guard(review):
        raise StateConflict(_("Some conditions are not met yet."), unmet=unmet)
    from_state, review.state = review.state, to
    review.save()
    ReviewTransition.objects.create(
        review=review, from_state=from_state, to_state=to, actor=actor, comment=comment
    )
