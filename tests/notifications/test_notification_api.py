import pytest

from notifications.services import notify
from tests.support.cast import ROLES
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


class TestNotificationApiRoles(RoleMatrix):
    matrix = {
        "list": {role: 200 for role in ROLES} | {"anonymous": 401},
        "read": {role: 200 for role in ROLES} | {"anonymous": 401},
    }

    def request(self, action, client, cast):
        if action == "list":
            return client.get(URL)
        return client.post(f"{URL}read/", {}, format="json")


def test_each_user_sees_only_their_own_and_marks_them_read(cast):
    mine, theirs = cast.user("enterprise_user"), cast.user("other_enterprise_user")
    notify(
        recipients=[mine],
        kind="list_entry_removed",
        params={"enterprise": "Jinling", "year": 2026, "province": "江苏省", "reason": "closed"},
    )
    notify(recipients=[theirs], kind="unknown_kind", params={})
    client = api_client(mine)
    rows = client.get(URL, {"unread": "true"}).data["results"]
    assert [row["text"] for row in rows] == [
        "Jinling was removed from the 2026 key-enterprise list of 江苏省: closed."
    ]
    assert client.post(f"{URL}read/", {"ids": [rows[0]["id"]]}, format="json").data == {"marked": 1}
    assert client.get(URL, {"unread": "true"}).data["count"] == 0
    assert api_client(theirs).get(URL).data["results"][0]["text"] == "unknown_kind"


def test_notification_list_query_count_is_constant(cast):
    user = cast.user("expert")
    client = api_client(user)

    def grow(n):
        for _ in range(n):
            notify(recipients=[user], kind="list_entry_removed", params={})

    assert_constant_queries(lambda: client.get(URL), grow)


def test_notification_mail_is_sent_once_even_when_the_task_runs_again(cast):
    from django.core import mail

    from notifications.tasks import send_notification_emails

    user = cast.user("enterprise_user")
    notes = notify(
        recipients=[user],
        kind="list_entry_removed",
        params={
            "enterprise": "Jinling",
            "year": 2026,
            "reason": "closed",
            "province": {"zh": "江苏省", "en": "Jiangsu"},
        },
    )
    ids = [n.pk for n in notes]
    assert send_notification_emails(ids) == 1
    assert send_notification_emails(ids) == 0
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "江苏省" in body and "Jiangsu" in body  # Chinese and English, each its own name
