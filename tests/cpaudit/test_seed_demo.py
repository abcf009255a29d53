from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from assessments.models import Review
from audits.models import Audit
from enterprises.models import Enterprise, KeyEnterpriseList
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
    assert counts() == first == (8, 10, 1, 8)
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
    changes = api_client(expert).get(f"/api/v1/assessments/{review.pk}/snapshot/").data
    assert [
        d["version"] for d in changes["changes_since_previous"]["documents"]["new_versions"]
    ] == [2]
