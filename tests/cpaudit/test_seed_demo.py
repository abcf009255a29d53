from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from assessments.models import Review
from audits.models import Audit
from enterprises.models import Enterprise, KeyEnterpriseList
from procedures.models import CityProposal, Filing, Meeting, Registration
from supervision.models import ConsultancyRegistration, Penalty, UpwardReport, Urge
from tests.support.matrix import api_client

pytestmark = pytest.mark.django_db


def counts():
    return (
        User.objects.count(),
        Enterprise.objects.count(),
        KeyEnterpriseList.objects.count(),
        Audit.objects.count(),
    )


def test_seed_demo_is_idempotent_and_every_login_works(client):
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    # the published 2026 list and the 2027 draft the cities propose for
    assert counts() == first == (8, 10, 2, 8)
    for username in ("admin", "authority", "nanjing", "consultant", "enterprise", "expert"):
        assert client.login(username=username, password="cpaudit-demo"), username
    started = Audit.objects.get(state="planning")
    consultant = User.objects.get(username="consultant")
    assert api_client(consultant).get(f"/api/v1/audits/{started.pk}/").status_code == 200
    # The demo expert has a round to score; the authority one to conclude.
    review = Review.objects.get(state="panel_formed")
    expert = User.objects.get(username="expert")
    assert api_client(expert).get(f"/api/v1/assessments/{review.pk}/").status_code == 200
    assert review.audit.state == "under_assessment" and review.panel.count() == 3
    # Round 1 failed with two demands, both answered; the report has a second version;
    # both rounds keep their snapshots (issue 11).
    first = Review.objects.get(audit=review.audit, round=1)
    assert first.result == "failed" and first.snapshot and review.submitted
    assert [d.is_answered for d in first.demands.all()] == [True, True]
    report = review.audit.documents.get(kind="audit_report", version=2)
    assert report.supersedes.version == 1
    authority = api_client(User.objects.get(username="authority"))
    changes = authority.get(f"/api/v1/assessments/{review.pk}/snapshot/").data
    assert [
        d["version"] for d in changes["changes_since_previous"]["documents"]["new_versions"]
    ] == [2]
    # the expert reads the documents once the meeting's material is released
    early = api_client(expert).get(f"/api/v1/assessments/{review.pk}/snapshot/").data
    assert "documents" not in early["changes_since_previous"]

    # The steps around the audits (procedures): a filing returned and one accepted, one
    # waiting for the authority, a scheduled meeting with its invitations, a city
    # proposal accepted into the draft with its reason and one waiting.
    assert sorted(Filing.objects.values_list("state", flat=True)) == [
        "accepted",
        "returned",
        "submitted",
    ]
    assert Registration.objects.count() == 1
    meeting = Meeting.objects.get(review=review)
    assert meeting.invitations.count() == 3 and meeting.held_on > meeting.release_on
    proposals = dict(CityProposal.objects.values_list("state", "reason"))
    assert set(proposals) == {"accepted", "proposed"}
    entry = CityProposal.objects.get(state="accepted").entry
    assert entry.reason == proposals["accepted"] and entry.key_list.year == 2027
    officer = api_client(User.objects.get(username="authority"))
    assert len(officer.get("/api/v1/filings/?state=submitted").data["results"]) == 1

    # Supervision: Nanjing's half-year report sent to the province, an urge, a penalty
    # and the firm's registered industries, each once however often the seed runs.
    report = UpwardReport.objects.get()
    assert report.state == "submitted" and report.figures["as_of"] == "2026-06-30"
    assert Urge.objects.count() == 1 and Penalty.objects.count() == 2
    registration = ConsultancyRegistration.objects.get()
    assert sorted(registration.industry_codes) == ["17", "22", "26"]
    province = User.objects.get(username="authority")
    assert api_client(province).get(f"/api/v1/upward-reports/{report.pk}/").status_code == 200
