"""The audit's record (issue 11; domain.md §7: who did what, when, on what evidence).

Every service that changes an audit or one of its parts calls `record` inside its own
transaction, so the change and its event commit or roll back together. An event keeps
codes and titles (`params`), never a rendered sentence: `summary` renders it in the
reader's language, so the timeline reads the same in English and Chinese.
"""

from django.utils.translation import gettext as _

from .choices import AuditState, DocumentKind, EventKind, OptionStatus
from .models import Audit, AuditEvent


def record(*, audit: Audit | int, actor, kind: str, **params) -> AuditEvent:
    """Write one event (call it inside the transaction of the change)."""
    audit_id = audit if isinstance(audit, int) else audit.pk
    return AuditEvent.objects.create(
        audit_id=audit_id, actor=actor, kind=kind, params=_plain(params)
    )


def _plain(value):
    """JSON-ready: dates and decimals as text, lists and dicts kept."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "—")


def _fields(params) -> str:
    return ", ".join(params.get("fields") or []) or "—"


def summary(event: AuditEvent) -> str:
    """The event as one sentence in the active language."""
    p = event.params or {}
    kind = event.kind
    if kind == EventKind.TRANSITION:
        text = _("From “%(from)s” to “%(to)s”.") % {
            "from": _label(AuditState, p.get("from")),
            "to": _label(AuditState, p.get("to")),
        }
        return f"{text} {p['comment']}" if p.get("comment") else text
    if kind == EventKind.CONSULTANCY_CHANGED:
        return _("Consulting firm: %(before)s → %(after)s.") % {
            "before": p.get("before") or "—",
            "after": p.get("after") or "—",
        }
    if kind == EventKind.TEAM_CHANGED:
        return _("Team: joined %(added)s; left %(removed)s; leader %(leader)s.") % {
            "added": ", ".join(p.get("added") or []) or "—",
            "removed": ", ".join(p.get("removed") or []) or "—",
            "leader": p.get("leader") or "—",
        }
    if kind == EventKind.FOCUS_CHANGED:
        return _("Audit focus: %(focus)s") % {"focus": p.get("after") or "—"}
    if kind == EventKind.TARGET_CHANGED:
        if p.get("removed"):
            return _("Target %(indicator)s removed.") % {"indicator": p.get("indicator")}
        return _("Target %(indicator)s saved (%(fields)s).") % {
            "indicator": p.get("indicator"),
            "fields": _fields(p),
        }
    if kind == EventKind.BALANCE_CHANGED:
        if p.get("removed"):
            return _("Balance %(title)s removed.") % {"title": p.get("title")}
        return _("Balance %(title)s saved (%(fields)s).") % {
            "title": p.get("title"),
            "fields": _fields(p),
        }
    if kind == EventKind.OPTION_ADDED:
        return _("Option %(code)s added: %(title)s.") % {
            "code": p.get("code"),
            "title": p.get("title"),
        }
    if kind == EventKind.OPTION_CHANGED:
        return _("Option %(code)s changed (%(fields)s).") % {
            "code": p.get("code"),
            "fields": _fields(p),
        }
    if kind == EventKind.OPTION_STATUS:
        text = _("Option %(code)s: “%(from)s” → “%(to)s”.") % {
            "code": p.get("code"),
            "from": _label(OptionStatus, p.get("from")),
            "to": _label(OptionStatus, p.get("to")),
        }
        return f"{text} {p['reason']}" if p.get("reason") else text
    if kind == EventKind.OPTION_REMOVED:
        return _("Option %(code)s removed.") % {"code": p.get("code")}
    if kind == EventKind.DOCUMENT_ADDED:
        return _("%(kind)s “%(title)s” added (version %(version)s, SHA-256 %(sha)s).") % {
            "kind": _label(DocumentKind, p.get("document_kind")),
            "title": p.get("title"),
            "version": p.get("version", 1),
            "sha": (p.get("sha256") or "")[:12],
        }
    if kind == EventKind.DOCUMENT_REMOVED:
        return _("%(kind)s “%(title)s” deleted (SHA-256 %(sha)s).") % {
            "kind": _label(DocumentKind, p.get("document_kind")),
            "title": p.get("title"),
            "sha": (p.get("sha256") or "")[:12],
        }
    if kind == EventKind.PANEL_CHANGED:
        text = _("%(review)s round %(round)s panel: joined %(added)s; left %(removed)s.") % {
            "review": _review(p),
            "round": p.get("round"),
            "added": ", ".join(p.get("added") or []) or "—",
            "removed": ", ".join(p.get("removed") or []) or "—",
        }
        if p.get("seed") is not None:
            text = f"{text} {_('Drawn at random, seed %(seed)s.') % {'seed': p['seed']}}"
        return text
    if kind == EventKind.SCORE_SUBMITTED:
        return _("%(review)s round %(round)s: an expert submitted a score.") % {
            "review": _review(p),
            "round": p.get("round"),
        }
    if kind == EventKind.SCORE_REPLACED:
        return _("%(review)s round %(round)s: an expert replaced their score.") % {
            "review": _review(p),
            "round": p.get("round"),
        }
    if kind == EventKind.VERIFIED:
        return _("Option %(code)s verified on site: %(found)s.") % {
            "code": p.get("code"),
            "found": _("implemented") if p.get("implemented") else _("not implemented"),
        }
    if kind == EventKind.CONCLUDED:
        return _("%(review)s round %(round)s concluded: %(result)s, %(score)s points.") % {
            "review": _review(p),
            "round": p.get("round"),
            "result": _("passed") if p.get("result") == "passed" else _("failed"),
            "score": p.get("score"),
        }
    if kind == EventKind.DEMAND_ANSWERED:
        return _("Rectification demand answered: %(text)s") % {"text": p.get("text")}
    return str(kind)


# --- the timeline: this app's events and those of the rooms above ----------------------
#
# Supervision (a room above) keeps its own records about an audit, the urge notices and
# the penalty decisions; this room cannot import them, so a provider registers here as
# its app starts: `provider(audit) -> list[dict]`, each row shaped like `entry` makes
# them (`at`, `actor`, `actor_name`, `kind`, `label`, `summary`, `params`), in a fixed
# number of queries whatever the number of rows.

_providers = []


def register_provider(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def entry(*, at, actor, kind: str, label, summary: str, params: dict | None = None) -> dict:
    """One row of the timeline, the same for every source."""
    return {
        "at": at,
        "actor": getattr(actor, "username", "") or "",
        "actor_name": str(actor) if actor is not None else "",
        "kind": kind,
        "label": str(label),
        "summary": summary,
        "params": _plain(params or {}),
    }


def timeline(audit: Audit) -> list[dict]:
    """The audit's whole record, oldest first, in the reader's language: its own events
    and every registered provider's rows, merged by time (`GET /api/v1/audits/{id}/events/`
    and the audit page's "Record" read the same stream)."""
    rows = [
        entry(
            at=event.at,
            actor=event.actor,
            kind=event.kind,
            label=event.get_kind_display(),
            summary=summary(event),
            params=event.params,
        )
        for event in audit.events.select_related("actor").order_by("at", "id")
    ]
    for provider in _providers:
        rows += provider(audit)
    return sorted(rows, key=lambda row: row["at"])  # stable: ties keep their order


def _review(params) -> str:
    return _("Acceptance") if params.get("review") == "acceptance" else _("Assessment")


def changed_fields(instance, before: dict, names) -> list[str]:
    """The names among `names` whose value differs from `before` (a dict of old values)."""
    return [name for name in names if before.get(name) != getattr(instance, name, None)]
