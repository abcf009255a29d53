"""Read queries and read-side rules of the audits app."""

from .choices import BEFORE_REPORT, AuditState, Deadline


def enterprise_timeline(audit, *, disclosed: bool, today) -> list[dict]:
    """The enterprise's deadlines by date (design.md "Web UI"): each `done`, `overdue`
    (by the same rule as `Audit.overdue_kinds`), `next` (the first one still ahead) or
    `open`."""
    state = audit.state
    cancelled = state == AuditState.CANCELLED
    overdue = set(audit.overdue_kinds(today))
    done = {
        Deadline.START: state != AuditState.NOT_STARTED and not cancelled,
        Deadline.DISCLOSURE: disclosed,
        Deadline.REPORT: state not in BEFORE_REPORT and not cancelled,
        Deadline.ACCEPTANCE: state in (AuditState.UNDER_ACCEPTANCE, AuditState.COMPLETED),
    }
    deadlines = [(kind, getattr(audit, kind.field), finished) for kind, finished in done.items()]
    timeline = []
    for kind, due, finished in sorted((d for d in deadlines if d[1]), key=lambda d: d[1]):
        status = "done" if finished else "overdue" if kind in overdue else "open"
        timeline.append({"kind": kind.value, "label": kind.label, "due": due, "status": status})
    if not cancelled:
        ahead = [item for item in timeline if item["status"] == "open"]
        if ahead:
            ahead[0]["status"] = "next"
    return timeline
