"""The steps on the audit's record (audits.events): filings submitted, accepted and
returned, and the round's meeting scheduled (or moved), its material released and the
meeting held. The services write them as they happen, in their own transaction; their
params keep codes and dates, rendered here in the reader's language."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits import events

from .choices import FilingKind

FILING_SUBMITTED = "filing_submitted"
FILING_ACCEPTED = "filing_accepted"
FILING_RETURNED = "filing_returned"
MEETING_SCHEDULED = "meeting_scheduled"
MEETING_RELEASED = "meeting_released"
MEETING_HELD = "meeting_held"


def _kind(p) -> str:
    value = p.get("filing_kind")
    return str(FilingKind(value).label) if value in FilingKind.values else str(value or "—")


def _round(p) -> dict:
    review = _("Acceptance") if p.get("review") == "acceptance" else _("Assessment")
    return {"review": review, "round": p.get("round")}


def _filing_submitted(p) -> str:
    return _("Filed with the authority: %(kind)s.") % {"kind": _kind(p)}


def _filing_accepted(p) -> str:
    return _("The authority accepted the filing: %(kind)s.") % {"kind": _kind(p)}


def _filing_returned(p) -> str:
    return _("The authority returned the filing (%(kind)s): %(reason)s") % {
        "kind": _kind(p),
        "reason": p.get("reason") or "—",
    }


def _meeting_scheduled(p) -> str:
    text = (
        _(
            "%(review)s round %(round)s: the meeting moved to %(date)s, %(place)s; the "
            "material is released on %(release)s."
        )
        if p.get("moved")
        else _(
            "%(review)s round %(round)s: meeting scheduled on %(date)s, %(place)s; the "
            "material is released on %(release)s."
        )
    )
    return text % (
        _round(p) | {"date": p.get("date"), "place": p.get("place"), "release": p.get("release")}
    )


def _meeting_released(p) -> str:
    return _("%(review)s round %(round)s: the material was released to the panel.") % _round(p)


def _meeting_held(p) -> str:
    return _(
        "%(review)s round %(round)s: the meeting was held on %(date)s; %(attended)s of "
        "%(invited)s experts attended."
    ) % (
        _round(p)
        | {"date": p.get("date"), "attended": p.get("attended"), "invited": p.get("invited")}
    )


for kind, label, render in (
    (FILING_SUBMITTED, gettext_lazy("Filing submitted"), _filing_submitted),
    (FILING_ACCEPTED, gettext_lazy("Filing accepted"), _filing_accepted),
    (FILING_RETURNED, gettext_lazy("Filing returned"), _filing_returned),
    (MEETING_SCHEDULED, gettext_lazy("Meeting scheduled"), _meeting_scheduled),
    (MEETING_RELEASED, gettext_lazy("Material released"), _meeting_released),
    (MEETING_HELD, gettext_lazy("Meeting held"), _meeting_held),
):
    events.register_kind(kind, label, render)


def record_filing(filing, actor, kind: str) -> None:
    events.record(
        audit=filing.audit_id,
        actor=actor,
        kind=kind,
        filing=filing.pk,
        filing_kind=filing.kind,
        reason=filing.reason,
    )


def record_meeting(meeting, actor, kind: str, **params) -> None:
    review = meeting.review
    events.record(
        audit=review.audit_id,
        actor=actor,
        kind=kind,
        review=review.kind,
        round=review.round,
        meeting=meeting.pk,
        date=meeting.held_on,
        **params,
    )
