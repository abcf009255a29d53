"""The notifications page, marking read, and the navbar bell."""

import copy
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from tests.support.cast import ROLES
from tests.support.matrix import RoleMatrix, assert_constant_queries

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous visitors are sent to the login page
PROCESSOR = "notifications.context_processors.notifications"
PARAMS = {
    "enterprise": "Jinling Paper Co.",
    "year": 2026,
    "province": "江苏省",
    "start_due": "2027-01-24",
    "report_due": "2027-11-24",
    "disclosure_due": "2026-12-24",
}


@pytest.fixture
def bell(settings):
    """The bell's context processor, whether or not settings name it yet."""
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    if PROCESSOR not in processors:
        processors.append(PROCESSOR)
    settings.TEMPLATES = templates


def tell(user, kind="list_published", **params):
    (notification,) = notify(
        recipients=[user], kind=kind, params=PARAMS | params, url="/dashboard/"
    )
    return notification


def unread_count(page: str) -> int:
    return int(re.search(r'data-testid="unread-count"[^>]*>(\d+)<', page).group(1))


class TestNotificationPageRoles(RoleMatrix):
    api = False
    matrix = {
        "list": {role: 200 for role in ROLES} | {"anonymous": LOGIN},
        "read": {role: 302 for role in ROLES},  # back to the page, or to the login
    }

    def request(self, action, client, cast):
        for role in ROLES:
            if cast.user(role):
                tell(cast.user(role))
        if action == "list":
            return client.get("/notifications/")
        return client.post("/notifications/read/")


def test_anonymous_cannot_mark_anything_read(cast, client):
    notification = tell(cast.user("expert"))
    response = client.post("/notifications/read/")
    assert response["Location"].startswith("/accounts/login/")
    notification.refresh_from_db()
    assert notification.read_at is None
    assert client.get("/notifications/read/").status_code == 405


def test_page_lists_own_notifications_newest_first_unread_highlighted(cast, client):
    user = cast.user("enterprise_user")
    first = tell(user)
    tell(user, kind="list_disclosure_due")
    tell(cast.user("other_enterprise_user"), enterprise="Qiantang Chemicals Co.")
    Notification.objects.filter(pk=first.pk).update(read_at="2026-01-01T00:00:00Z")
    client.force_login(user)
    response = client.get("/notifications/")
    page = response.content.decode()
    assert [n.kind for n in response.context["page"]] == ["list_disclosure_due", "list_published"]
    disclose_at = page.index("disclose its major pollutant emissions by 2026-12-24")
    listed_at = page.index("is on the 2026 key-enterprise list of 江苏省")
    assert disclose_at < listed_at
    assert page.count('data-unread="true"') == 1 and page.count('data-unread="false"') == 1
    assert '<a href="/dashboard/">Open</a>' in page
    assert "Qiantang" not in page


def test_a_user_never_sees_or_marks_another_users_notifications(cast, client):
    theirs = tell(cast.user("other_enterprise_user"), enterprise="Qiantang Chemicals Co.")
    client.force_login(cast.user("enterprise_user"))
    assert "Qiantang" not in client.get("/notifications/").content.decode()
    client.post(f"/notifications/read/?id={theirs.pk}")
    client.post("/notifications/read/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_bell_count_drops_after_marking_read(cast, client, bell):
    user = cast.user("enterprise_user")
    one, _two, _three = tell(user), tell(user), tell(user)
    client.force_login(user)
    assert unread_count(client.get("/dashboard/").content.decode()) == 3

    response = client.post(f"/notifications/read/?id={one.pk}", {"next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert unread_count(client.get("/dashboard/").content.decode()) == 2
    one.refresh_from_db()
    assert one.read_at is not None

    client.post("/notifications/read/", {"next": "/notifications/"})
    page = client.get("/notifications/").content.decode()
    assert unread_count(page) == 0 and 'data-unread="true"' not in page
    assert not Notification.objects.for_user(user).unread().exists()


def test_read_goes_back_only_to_our_own_pages(cast, client):
    client.force_login(cast.user("expert"))
    response = client.post("/notifications/read/", {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notification-list")
    response = client.post("/notifications/read/", HTTP_REFERER="http://testserver/public/")
    assert response["Location"] == "http://testserver/public/"


def test_bell_costs_one_query_and_only_for_logged_in_users(cast, client, bell):
    tell(cast.user("expert"))
    assert 'data-testid="bell"' not in client.get("/public/").content.decode()
    client.force_login(cast.user("expert"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/dashboard/").content.decode()
    counts = [q["sql"] for q in queries if "reporting_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0].upper()
    assert unread_count(page) == 1


def test_pages_render_without_the_context_processor(cast, client, settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    processors = templates[0]["OPTIONS"]["context_processors"]
    templates[0]["OPTIONS"]["context_processors"] = [p for p in processors if p != PROCESSOR]
    settings.TEMPLATES = templates
    tell(cast.user("expert"))
    client.force_login(cast.user("expert"))
    response = client.get("/dashboard/")
    assert response.status_code == 200 and unread_count(response.content.decode()) == 0


def test_bell_links_to_the_notifications_page(cast, client):
    """`notification-list` is also a name of the API router's routes; cpaudit/urls.py
    must let the page's name win (see tests/enterprises/test_public_pages.py)."""
    assert reverse("notification-list") == "/notifications/"
    assert reverse("notification-read") == "/notifications/read/"
    client.force_login(cast.user("expert"))
    assert 'href="/notifications/" data-testid="bell"' in client.get("/dashboard/").content.decode()


def test_notification_page_query_count_is_constant(cast, client, bell):
    user = cast.user("consultant")
    client.force_login(user)

    def grow(n):
        for _ in range(n):
            tell(user)

    assert_constant_queries(lambda: client.get("/notifications/"), grow)
