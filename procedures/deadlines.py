"""The registration and filing deadlines in the audits' overdue rules
(audits.models.register_overdue_rule): the overdue lists, the authority's deadline
board, the statistics' overdue counts and the audit's badges read them as they read the
audits' own. Owed while the audit is open and, for the registration, not registered;
for the filing, no filing of the contract and audit plan waiting or accepted."""

from django.db.models import Q

from audits.choices import CLOSED, AuditState, Deadline
from audits.models import OverdueRule, register_overdue_rule

from .choices import FilingKind, FilingState
from .models import Filing, Registration

OPEN_STATES = tuple(state for state in AuditState.values if state not in CLOSED)


# Both read as `NOT (id IN (SELECT audit_id ...))`, not a correlated NOT EXISTS: the
# subquery does not depend on the row, so PostgreSQL hashes it once per query, where a
# NOT EXISTS inside the board's FILTER counts and the list's ORDER BY ran once per audit
# (issue 13: 30k index probes per rule at 20,000 enterprises). audit_id is never NULL.


def registration_pending(as_of=None) -> Q:
    """Not registered (by the end of `as_of`, when given)."""
    registered = Registration.objects.all()
    if as_of is not None:
        registered = registered.filter(registered_on__lte=as_of)
    return ~Q(pk__in=registered.values("audit_id"))


def filing_pending(as_of=None) -> Q:
    """No filing of the contract and audit plan waiting or accepted (on `as_of`: one
    submitted by then and not returned by then)."""
    start = Filing.objects.filter(kind=FilingKind.START)
    if as_of is None:
        filed = start.filter(state__in=[FilingState.SUBMITTED, FilingState.ACCEPTED])
    else:
        filed = start.filter(submitted_at__date__lte=as_of).exclude(
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
