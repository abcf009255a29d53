"""The registration and filing deadlines in the audits' overdue rules
(audits.models.register_overdue_rule): the overdue lists, the authority's deadline
board, the statistics' overdue counts and the audit's badges read them as they read the
audits' own. Owed while the audit is open and, for the registration, not registered;
for the filing, no filing of the contract and audit plan waiting or accepted."""

from django.db.models import Q

from audits.choices import CLOSED, AuditState, Deadline
from audits.models import OverdueRule, register_overdue_rule

from .choices import FilingKind, FilingState
from .models import Filing

OPEN_STATES = tuple(state for state in AuditState.values if state not in CLOSED)


# Now, both read the audit's own row (`Audit.registered_on`, `Audit.filed`, which the
# database keeps: procedures/triggers.py), so that the board's counts and the overdue
# lists probe no other table per audit (issue 13). As of a past day, the filing is read
# from its table: whether a filing stood that day is not on the audit.


def registration_pending(as_of=None) -> Q:
    """Not registered (by the end of `as_of`, when given)."""
    if as_of is None:
        return Q(registered_on__isnull=True)
    return Q(registered_on__isnull=True) | Q(registered_on__gt=as_of)


def filing_pending(as_of=None) -> Q:
    """No filing of the contract and audit plan waiting or accepted (on `as_of`: one
    submitted by then and not returned by then)."""
    if as_of is None:
        return Q(filed=False)
    # `NOT (id IN (…))`: the subquery does not depend on the row, so it is hashed once
    # per query (audit_id is never NULL).
    filed = Filing.objects.filter(kind=FilingKind.START, submitted_at__date__lte=as_of).exclude(
        state=FilingState.RETURNED, decided_on__lte=as_of
    )
    return ~Q(pk__in=filed.values("audit_id"))


RULES = (
    OverdueRule(
        Deadline.REGISTRATION,
        Deadline.REGISTRATION.field,
        OPEN_STATES,
        pending=registration_pending,
        carries_over=False,
    ),
    OverdueRule(
        Deadline.FILING,
        Deadline.FILING.field,
        OPEN_STATES,
        pending=filing_pending,
        carries_over=False,
    ),
)

for rule in RULES:
    register_overdue_rule(rule)
