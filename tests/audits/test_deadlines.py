"""Disclosure is a deadline like the others, and late starters are flagged (issue 12 items
5 and 6; domain.md §1: the enterprise listed for exceeding standards discloses within a
month of the list, whatever its audit's state)."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits.choices import AuditState
from audits.models import Audit
from audits.workflow import audit_transition
from tests.support.audits import PDF_BYTES
from tests.support.lists import published_list
from tests.support.matrix import api_client

pytestmark = pytest.mark.django_db

AUDITS = "/api/v1/audits/"
SUMMARY = "/api/v1/statistics/summary/?region=320000"
POLLUTANTS = [
    {
        "pollutant": "COD",
        "discharge_mode": "direct",
        "concentration": "120",
        "concentration_unit": "mg/L",
        "total_emitted_t": "55.5",
        "standard": "GB 3544-2008",
        "standard_limit": "100",
        "quota_t": "50",
    }
]


@pytest.fixture
def listed(cast):
    """Both Jiangsu enterprises listed for exceeding standards 70 days ago: the month to
    disclose is over; far from the start and report deadlines."""
    key_list = published_list(cast, published_on=timezone.localdate() - datetime.timedelta(70))
    Audit.objects.update(
        start_due=timezone.localdate() + datetime.timedelta(30),
        report_due=timezone.localdate() + datetime.timedelta(300),
    )
    return key_list


def officer(cast):
    return api_client(cast.user("province_officer"))


def disclose(cast):
    audit = Audit.objects.get(enterprise=cast.enterprise)
    response = api_client(cast.user("enterprise_user")).post(
        "/api/v1/disclosures/",
        {
            "entry": audit.list_entry_id,
            "legal_representative": "Chen Jin",
            "address": "1 Paper Rd",
            "document": SimpleUploadedFile("d.pdf", PDF_BYTES, content_type="application/pdf"),
            "pollutants": json.dumps(POLLUTANTS),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.data
    return audit


def test_an_undisclosed_audit_is_overdue_for_its_disclosure(cast, listed):
    client = officer(cast)
    data = client.get(f"{AUDITS}?overdue=true").data
    assert data["count"] == 2
    # neither registered nor filed either (procedures' deadlines)
    assert all(
        row["overdue"] == ["disclosure", "registration", "filing"] for row in data["results"]
    )
    assert client.get(SUMMARY).data["overdue"]["disclosure"] == 2

    audit = disclose(cast)
    data = client.get(f"{AUDITS}?overdue=true").data
    assert [row["id"] for row in data["results"] if "disclosure" in row["overdue"]] == [
        Audit.objects.get(enterprise=cast.suzhou_enterprise).pk
    ]
    assert client.get(SUMMARY).data["overdue"]["disclosure"] == 1
    row = client.get(f"{AUDITS}{audit.pk}/").data
    assert (row["overdue"], row["late"]) == (["registration", "filing"], ["disclosure"])


def test_the_disclosure_is_owed_whatever_the_audits_state(cast, listed):
    Audit.objects.filter(enterprise=cast.enterprise).update(state=AuditState.COMPLETED)
    data = officer(cast).get(f"{AUDITS}?overdue=true").data
    assert data["count"] == 2
    assert officer(cast).get(SUMMARY).data["overdue"]["disclosure"] == 2


def test_an_entry_not_listed_for_exceeding_standards_owes_no_disclosure(cast):
    published_list(
        cast,
        categories=("energy_intensive",),
        published_on=timezone.localdate() - datetime.timedelta(70),
    )
    assert set(Audit.objects.values_list("disclosure_due", flat=True)) == {None}
    assert officer(cast).get(SUMMARY).data["overdue"]["disclosure"] == 0


def test_the_public_page_shows_due_date_disclosure_and_late(cast, client, listed):
    audit = disclose(cast)
    html = client.get(f"/public/lists/{listed.pk}/").content.decode()
    assert audit.disclosure_due.isoformat() in html
    assert f"disclosed on {timezone.localdate().isoformat()}" in html
    assert 'data-testid="late"' in html
    assert 'data-testid="overdue"' in html  # the Suzhou enterprise has not disclosed


@pytest.mark.parametrize(("due_in", "late"), [(-5, ["start"]), (0, []), (5, [])])
def test_a_late_start_is_flagged(cast, listed, due_in, late):
    audit = Audit.objects.get(enterprise=cast.enterprise)
    Audit.objects.filter(pk=audit.pk).update(
        start_due=timezone.localdate() + datetime.timedelta(days=due_in)
    )
    audit.refresh_from_db()
    assert officer(cast).get(f"{AUDITS}{audit.pk}/").data["late"] == []
    audit_transition(audit=audit, to=AuditState.PLANNING, actor=cast.user("enterprise_user"))
    assert officer(cast).get(f"{AUDITS}{audit.pk}/").data["late"] == late
