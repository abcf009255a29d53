"""Filings and meetings on the audit's record (audits.events): filed, returned, filed
again, accepted; the meeting scheduled, moved, its material released, held. The events
API and the audit page show each with who and when, in both languages."""

import datetime

import pytest
from django.utils import translation

from audits.events import summary
from audits.models import AuditEvent
from procedures import services
from tests.support.matrix import api_client
from tests.support.reviews import officer

from .support import filed
from .test_meetings import D, on, round_with_panel, schedule

pytestmark = pytest.mark.django_db

STEPS = {
    "filing_submitted",
    "filing_accepted",
    "filing_returned",
    "meeting_scheduled",
    "meeting_released",
    "meeting_held",
}


def _steps(audit):
    return [
        (e.kind, e.actor.username)
        for e in AuditEvent.objects.filter(audit=audit, kind__in=STEPS).order_by("at", "id")
    ]


def test_filings_are_on_the_audits_record(cast, client):
    first = filed(cast)
    audit = first.audit
    services.filing_return(actor=officer(cast), filing=first, reason="The plan is unsigned.")
    second = filed(cast, audit=audit)
    services.filing_accept(actor=officer(cast), filing=second)
    assert _steps(audit) == [
        ("filing_submitted", "consultant"),
        ("filing_returned", "province_officer"),
        ("filing_submitted", "consultant"),
        ("filing_accepted", "province_officer"),
    ]
    rows = api_client(cast.user("enterprise_user")).get(f"/api/v1/audits/{audit.pk}/events/").data
    steps = [row for row in rows if row["kind"] in STEPS]
    assert [row["summary"] for row in steps] == [
        "Filed with the authority: Consultancy contract and audit plan.",
        "The authority returned the filing (Consultancy contract and audit plan): "
        "The plan is unsigned.",
        "Filed with the authority: Consultancy contract and audit plan.",
        "The authority accepted the filing: Consultancy contract and audit plan.",
    ]
    assert steps[1]["actor"] == "province_officer" and steps[1]["at"]
    client.force_login(cast.user("consultant"))
    page = client.get(f"/audits/{audit.pk}/").content.decode()
    assert 'data-kind="filing_returned"' in page and "Filing returned" in page
    assert "The plan is unsigned." in page
    # the params keep codes, never a sentence: the summary is rendered when read
    event = AuditEvent.objects.get(audit=audit, kind="filing_returned")
    assert event.params["filing_kind"] == "start" and event.params["filing"] == first.pk
    with translation.override("en"):
        assert summary(event) == steps[1]["summary"]


def test_the_meeting_is_on_the_audits_record(cast, client):
    review, experts = round_with_panel(cast)
    audit = review.audit
    with on(D(2026, 12, 2)):
        meeting = schedule(cast, review, D(2026, 12, 28))
        schedule(cast, review, D(2026, 12, 29))  # moved
    with on(D(2026, 12, 24)):
        assert services.meetings_release() == 1
    with on(D(2026, 12, 29)):
        services.minutes_record(
            actor=officer(cast),
            meeting=meeting,
            minutes="Held.",
            attended=[experts[0].pk, experts[1].pk],
        )
    assert _steps(audit) == [
        ("meeting_scheduled", "province_officer"),
        ("meeting_scheduled", "province_officer"),
        ("meeting_released", "province_officer"),
        ("meeting_held", "province_officer"),
    ]
    with on(D(2026, 12, 29)):
        rows = api_client(experts[0]).get(f"/api/v1/audits/{audit.pk}/events/").data
        client.force_login(officer(cast))
        page = client.get(f"/audits/{audit.pk}/").content.decode()
    summaries = [row["summary"] for row in rows if row["kind"] in STEPS]
    assert summaries == [
        "Assessment round 1: meeting scheduled on 2026-12-28, EPB room 3; the material is "
        "released on 2026-12-23.",
        "Assessment round 1: the meeting moved to 2026-12-29, EPB room 3; the material is "
        "released on 2026-12-24.",
        "Assessment round 1: the material was released to the panel.",
        "Assessment round 1: the meeting was held on 2026-12-29; 2 of 3 experts attended.",
    ]
    assert "Meeting held" in page and "the material was released to the panel" in page
    assert datetime.date(2026, 12, 29).isoformat() in page
