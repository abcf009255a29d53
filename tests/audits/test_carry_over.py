"""One open audit per enterprise (issue 12 item 5; domain.md §1, §7: late enterprises roll
into the next batch): publishing a list that carries an enterprise with an audit still
open continues that audit, or, where the authority chose so on the entry, cancels it
with the reason before the new one opens. A database constraint keeps it true."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from audits import services
from audits.choices import AuditState
from audits.models import Audit, Carryover, TransitionLog
from enterprises.models import KeyEnterpriseList, ListEntry
from tests.support.audits import bring_to
from tests.support.lists import draft_list, published_list
from tests.support.matrix import api_client

pytestmark = pytest.mark.django_db

LISTS = "/api/v1/key-lists/"


@pytest.fixture
def earlier(cast):
    """The 2025 list, published: both enterprises have an audit open, not started."""
    return published_list(cast, year=2025, published_on=datetime.date(2025, 3, 1))


def officer(cast):
    return api_client(cast.user("province_officer"))


def draft_2026(cast, **entry):
    """The 2026 draft list, made through the API, with the Nanjing enterprise on it."""
    client = officer(cast)
    response = client.post(LISTS, {"region": "320000", "year": 2026}, format="json")
    assert response.status_code == 201, response.data
    key_list = response.data["id"]
    response = client.post(
        f"{LISTS}{key_list}/entries/",
        {
            "enterprise": cast.enterprise.pk,
            "categories": ["exceeds_standards"],
            "reason": "Still over the quota",
        }
        | entry,
        format="json",
    )
    return key_list, response


def publish(cast, key_list):
    return officer(cast).post(
        f"{LISTS}{key_list}/publish/", {"published_on": "2026-03-01"}, format="json"
    )


def open_audits(enterprise):
    return Audit.objects.filter(enterprise=enterprise).exclude(
        state__in=[AuditState.COMPLETED, AuditState.CANCELLED]
    )


def test_carrying_an_enterprise_continues_its_open_audit(cast, earlier):
    before = Audit.objects.get(enterprise=cast.enterprise)
    key_list, response = draft_2026(cast)
    assert response.status_code == 201, response.data
    assert response.data["open_audit"] == "continue"
    assert publish(cast, key_list).status_code == 200
    assert list(open_audits(cast.enterprise)) == [before]
    entry = ListEntry.objects.get(key_list_id=key_list)
    assert Carryover.objects.get(entry=entry).audit == before
    entries = officer(cast).get(f"{LISTS}{key_list}/entries/").data["results"]
    assert [e["audit"] for e in entries] == [before.pk]
    # The continued audit keeps the deadlines of the list it was opened by.
    assert Audit.objects.get(pk=before.pk).start_due == before.start_due


def test_closing_cancels_the_open_audit_with_the_reason_then_opens_a_new_one(cast, earlier):
    before = Audit.objects.get(enterprise=cast.enterprise)
    key_list, response = draft_2026(
        cast, open_audit="close", closing_reason="Relisted; the 2025 audit never started"
    )
    assert response.status_code == 201, response.data
    assert publish(cast, key_list).status_code == 200
    assert Audit.objects.get(pk=before.pk).state == AuditState.CANCELLED
    log = TransitionLog.objects.get(audit=before, to_state=AuditState.CANCELLED)
    assert log.actor == cast.user("province_officer")
    assert log.comment == "Relisted; the 2025 audit never started"
    (new,) = open_audits(cast.enterprise)
    assert (new.round, new.list_entry.key_list_id) == (2, key_list)
    assert new.start_due == datetime.date(2026, 5, 1)


def test_closing_needs_the_reason(cast, earlier):
    key_list, response = draft_2026(cast, open_audit="close")
    assert response.status_code == 400
    assert "closing_reason" in response.data
    assert not ListEntry.objects.filter(key_list_id=key_list).exists()


def test_an_audit_under_review_cannot_be_closed_and_nothing_is_published(cast, earlier):
    audit = services.audit_update(
        actor=cast.user("enterprise_user"),
        audit=Audit.objects.get(enterprise=cast.enterprise),
        consultancy=cast.firm,
    )
    under_review = bring_to(cast, audit, AuditState.UNDER_ASSESSMENT)
    key_list, _ = draft_2026(cast, open_audit="close", closing_reason="Relisted")
    response = publish(cast, key_list)
    assert response.status_code == 409, response.data
    assert any(cast.enterprise.name in reason for reason in response.data["unmet"])
    assert KeyEnterpriseList.objects.get(pk=key_list).status == "draft"
    assert Audit.objects.get(pk=under_review.pk).state == AuditState.UNDER_ASSESSMENT
    assert open_audits(cast.enterprise).count() == 1
    # Continued instead, it publishes.
    entry = ListEntry.objects.get(key_list_id=key_list)
    response = officer(cast).patch(
        f"{LISTS}{key_list}/entries/{entry.pk}/", {"open_audit": "continue"}, format="json"
    )
    assert response.status_code == 200, response.data
    assert publish(cast, key_list).status_code == 200
    assert Carryover.objects.get(entry=entry).audit_id == under_review.pk


def test_the_database_refuses_a_second_open_audit(cast, earlier):
    audit = Audit.objects.get(list_entry__key_list=earlier, enterprise=cast.enterprise)
    deadlines = {"start_due": audit.start_due, "report_due": audit.report_due}
    with pytest.raises(IntegrityError), transaction.atomic():
        Audit.objects.create(enterprise=cast.enterprise, round=2, **deadlines)
    assert open_audits(cast.enterprise).count() == 1
    # A closed one beside it is allowed.
    Audit.objects.create(
        enterprise=cast.enterprise, round=2, state=AuditState.CANCELLED, **deadlines
    )
    assert list(open_audits(cast.enterprise)) == [audit]


def test_a_list_carrying_both_enterprises_continues_both(cast, earlier):
    later = draft_list(cast, year=2026)
    response = publish(cast, later.pk)
    assert response.status_code == 200, response.data
    for enterprise in (cast.enterprise, cast.suzhou_enterprise):
        assert open_audits(enterprise).count() == 1
    assert Carryover.objects.filter(entry__key_list=later).count() == 2
    assert not Audit.objects.filter(list_entry__key_list=later).exists()
