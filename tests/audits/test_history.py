"""Every change of state is a history row (issue 10, item 5): the audit's transitions
(a cancellation by a list amendment included), the options' statuses and the review
rounds' states, each with its actor, time and reason; read through the history
endpoints by whoever may see the audit or the round."""

import pytest

from assessments import services as review_services
from assessments.models import ReviewTransition
from audits.choices import AuditState, OptionStatus
from audits.models import Audit, OptionStatusLog, TransitionLog
from audits.publishing import amendment_remove
from enterprises.models import ListEntry
from tests.support.audits import add_option, engaged_audit, move_option, reads
from tests.support.lists import published_list
from tests.support.matrix import RoleMatrix, api_client
from tests.support.reviews import officer, score_all, seat_panel, submitted

pytestmark = pytest.mark.django_db


def test_removing_an_entry_cancels_its_audit_with_a_history_row(cast):
    """The cancellation goes through the state machine: a `cancelled` row with the
    officer who amended the list and the amendment's reason."""
    published_list(cast)
    entry = ListEntry.objects.get(enterprise=cast.enterprise)
    amendment_remove(actor=officer(cast), entry=entry, reason="The plant closed in May")
    audit = Audit.objects.get(list_entry=entry)
    assert audit.state == AuditState.CANCELLED
    log = TransitionLog.objects.get(audit=audit)
    assert (log.from_state, log.to_state, log.actor, log.comment) == (
        "not_started",
        "cancelled",
        officer(cast),
        "The plant closed in May",
    )
    history = api_client(officer(cast)).get(f"/api/v1/audits/{audit.pk}/history/").data
    assert [(row["from"], row["to"], row["actor"], row["comment"]) for row in history] == [
        ("not_started", "cancelled", "province_officer", "The plant closed in May")
    ]


def test_the_amendments_api_cancels_through_the_state_machine_too(cast):
    key_list = published_list(cast)
    entry = ListEntry.objects.get(enterprise=cast.suzhou_enterprise)
    response = api_client(officer(cast)).post(
        f"/api/v1/key-lists/{key_list.pk}/amendments/",
        {"action": "remove", "entry": entry.pk, "reason": "Merged into another firm"},
        format="json",
    )
    assert response.status_code == 201, response.data
    log = TransitionLog.objects.get(audit__list_entry=entry)
    assert (log.to_state, log.actor, log.comment) == (
        "cancelled",
        officer(cast),
        "Merged into another firm",
    )


def test_a_started_audit_is_not_cancelled_and_nothing_is_logged(cast):
    audit = engaged_audit(cast)
    move = api_client(cast.user("consultant")).post(
        f"/api/v1/audits/{audit.pk}/transition/", {"to": "planning"}, format="json"
    )
    assert move.status_code == 200
    entry = audit.list_entry
    response = api_client(officer(cast)).post(
        f"/api/v1/key-lists/{entry.key_list_id}/amendments/",
        {"action": "remove", "entry": entry.pk, "reason": "Listed in error"},
        format="json",
    )
    assert response.status_code == 409
    assert list(TransitionLog.objects.filter(audit=audit).values_list("to_state", flat=True)) == [
        "planning"
    ]
    assert ListEntry.objects.get(pk=entry.pk).status == "active"


def test_each_option_status_change_is_a_history_row_with_its_reason(cast):
    audit = engaged_audit(cast)
    option = add_option(cast, audit, code="N1")
    assert not OptionStatusLog.objects.exists()  # created as proposed: no change yet
    option = move_option(cast, option, OptionStatus.RETAINED, OptionStatus.ABANDONED)
    rows = list(
        OptionStatusLog.objects.filter(option=option).values_list(
            "from_state", "to_state", "actor__username", "comment"
        )
    )
    assert rows == [
        ("proposed", "retained", "consultant", ""),
        ("retained", "abandoned", "consultant", "Given up"),
    ]
    history = (
        api_client(cast.user("enterprise_user")).get(f"/api/v1/options/{option.pk}/history/").data
    )
    assert [(row["from"], row["to"], row["actor"], row["comment"]) for row in history] == [
        ("proposed", "retained", "consultant", ""),
        ("retained", "abandoned", "consultant", "Given up"),
    ]


def test_a_refused_status_move_leaves_no_history_row(cast):
    audit = engaged_audit(cast)
    option = add_option(cast, audit, code="N1")
    response = api_client(cast.user("consultant")).patch(
        f"/api/v1/options/{option.pk}/", {"status": "implemented"}, format="json"
    )
    assert response.status_code == 400
    assert not OptionStatusLog.objects.exists()


def test_review_state_changes_are_history_rows(cast):
    review = submitted(cast)
    seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    review_services.review_conclude(
        actor=officer(cast), review=review, opinion="Sound report; implement M1."
    )
    rows = list(
        ReviewTransition.objects.filter(review=review).values_list(
            "from_state", "to_state", "actor__username", "comment"
        )
    )
    assert rows == [
        ("applied", "panel_formed", "province_officer", ""),
        ("panel_formed", "concluded", "province_officer", "Sound report; implement M1."),
    ]
    history = (
        api_client(cast.user("enterprise_user"))
        .get(f"/api/v1/assessments/{review.pk}/history/")
        .data
    )
    assert [(row["from"], row["to"]) for row in history] == [
        ("applied", "panel_formed"),
        ("panel_formed", "concluded"),
    ]


class TestOptionHistoryRoles(RoleMatrix):
    matrix = {"history": reads()}

    def request(self, action, client, cast):
        option = add_option(cast, engaged_audit(cast), code="N1")
        return client.get(f"/api/v1/options/{option.pk}/history/")


class TestReviewHistoryRoles(RoleMatrix):
    # The round is seen as its audit is; an expert sees the rounds they sit on (the
    # cast's expert sits on this one).
    matrix = {"history": reads() | {"expert": 200}}

    def request(self, action, client, cast):
        review = submitted(cast)
        seat_panel(cast, review)
        return client.get(f"/api/v1/assessments/{review.pk}/history/")
