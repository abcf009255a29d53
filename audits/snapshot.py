"""What a panel judges of an audit, as plain JSON (domain.md §7: keep what was judged, and
by whom, exactly as it was). The review rounds freeze it when they open and when they
conclude (assessments.services); `changes` compares two of them (the diff a panel reads
against the failed round before).

Everything is text, numbers as decimal strings, so that a stored snapshot reads back
exactly as it was written, whatever is edited afterwards.
"""

from django.db.models import Prefetch

from .models import Audit, BalanceFlow, Document, OptionBenefit


def _text(value):
    return None if value is None else str(value)


def audit_content(audit: Audit) -> dict:
    """The audit as the panel judges it: team (names, certificates, levels, validity,
    employer), consulting firm, focus, targets, balances with their flows and closure,
    options with every figure and benefit, documents (id, kind, title, version,
    sha256, size). A fixed number of queries, whatever the audit's size."""
    audit = (
        Audit.objects.select_related("enterprise", "consultancy", "team_leader")
        .prefetch_related("team__organization", "team__enterprise")
        .get(pk=audit.pk)
    )
    balances = audit.balances.prefetch_related(
        Prefetch("flows", queryset=BalanceFlow.objects.order_by("direction", "id"))
    ).order_by("id")
    options = audit.options.prefetch_related(
        Prefetch("benefits", queryset=OptionBenefit.objects.order_by("indicator"))
    ).order_by("code")
    documents = Document.objects.filter(audit=audit).select_related("option").order_by("id")
    firm = audit.consultancy
    return {
        "audit": {
            "id": audit.pk,
            "enterprise": audit.enterprise.name,
            "credit_code": audit.enterprise.credit_code,
            "round": audit.round,
            "state": audit.state,
            "focus": audit.focus,
            "started_on": _text(audit.started_on),
        },
        "consultancy": firm and {"id": firm.pk, "name": firm.name, "credit_code": firm.credit_code},
        "team_leader": audit.team_leader_id,
        "team": [
            {
                "id": a.pk,
                "name": a.name,
                "certificate_no": a.certificate_no,
                "level": a.level,
                "issued_on": _text(a.issued_on),
                "valid_until": _text(a.valid_until),
                "employer": (a.organization.name if a.organization_id else a.enterprise.name),
                "leader": a.pk == audit.team_leader_id,
            }
            for a in sorted(audit.team.all(), key=lambda a: a.pk)
        ],
        "targets": [
            {
                "indicator": t.indicator,
                "unit": t.unit,
                "baseline": _text(t.baseline),
                "near_term": _text(t.near_term),
                "long_term": _text(t.long_term),
                "achieved": _text(t.achieved),
            }
            for t in audit.targets.order_by("id")
        ],
        "balances": [
            {
                "kind": b.kind,
                "title": b.title,
                "unit": b.unit,
                "tolerance_pct": _text(b.tolerance_pct),
                "flows": [
                    {"direction": f.direction, "name": f.name, "quantity": _text(f.quantity)}
                    for f in b.flows.all()
                ],
                "inputs": _text(b.totals()[0]),
                "outputs": _text(b.totals()[1]),
                "closure_pct": _text(b.closure_pct),
                "closes": b.closes,
                "closure_note": b.closure_note,
            }
            for b in balances
        ],
        "options": [
            {
                "code": o.code,
                "title": o.title,
                "description": o.description,
                "aspect": o.aspect,
                "cost_class": o.cost_class,
                "status": o.status,
                "reason": o.reason,
                "investment": _text(o.investment),
                "annual_net_benefit": _text(o.annual_net_benefit),
                "lifetime_years": o.lifetime_years,
                "discount_rate": _text(o.discount_rate),
                "payback_years": _text(o.payback_years),
                "npv": _text(o.npv),
                "irr": _text(o.irr),
                "implemented_on": _text(o.implemented_on),
                "benefits": [
                    {
                        "indicator": b.indicator,
                        "expected": _text(b.expected),
                        "actual": _text(b.actual),
                    }
                    for b in o.benefits.all()
                ],
            }
            for o in options
        ],
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "title": d.title,
                "version": d.version,
                "supersedes": d.supersedes_id,
                "sha256": d.sha256,
                "size": d.size,
                "option": d.option.code if d.option_id else None,
                "uploaded_at": d.uploaded_at.isoformat(),
            }
            for d in documents
        ],
    }


def _by(rows, key):
    return {row[key]: row for row in rows or []}


def _compare(before_rows, after_rows, key) -> dict:
    before, after = _by(before_rows, key), _by(after_rows, key)
    changed = []
    for name in sorted(before.keys() & after.keys()):
        fields = sorted(
            field
            for field in before[name].keys() | after[name].keys()
            if before[name].get(field) != after[name].get(field)
        )
        if fields:
            changed.append({key: name, "fields": fields})
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": changed,
    }


def changes(before: dict | None, after: dict | None) -> dict | None:
    """What changed from one snapshot to the next (the previous round as judged → this
    round as submitted): options and targets added, removed or changed (by code and
    indicator), new documents and new versions, team and focus."""
    if not before or not after:
        return None
    old_documents = {d["id"] for d in before.get("documents", [])}
    new_documents = [d for d in after.get("documents", []) if d["id"] not in old_documents]
    old_team = {a["certificate_no"] for a in before.get("team", [])}
    new_team = {a["certificate_no"] for a in after.get("team", [])}
    return {
        "options": _compare(before.get("options"), after.get("options"), "code"),
        "targets": _compare(before.get("targets"), after.get("targets"), "indicator"),
        "balances": _compare(before.get("balances"), after.get("balances"), "title"),
        "documents": {
            "new_versions": [d for d in new_documents if d.get("supersedes")],
            "added": [d for d in new_documents if not d.get("supersedes")],
        },
        "team": {"joined": sorted(new_team - old_team), "left": sorted(old_team - new_team)},
        "focus": None
        if before.get("audit", {}).get("focus") == after.get("audit", {}).get("focus")
        else after.get("audit", {}).get("focus"),
    }
