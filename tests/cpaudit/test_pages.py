"""Every HTML page for every role: allowed, 403, out of scope 404, anonymous to login."""

import pytest
from django.utils import translation

from tests.support.cast import PASSWORD, ROLES, enterprise
from tests.support.matrix import RoleMatrix, assert_constant_queries

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous visitors are sent to the login page


class TestPageRoles(RoleMatrix):
    api = False
    matrix = {
        "dashboard": {role: 200 for role in ROLES} | {"anonymous": LOGIN},
        "enterprise_list": {role: 403 for role in ROLES}
        | {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            "anonymous": LOGIN,
        },
        # The Nanjing enterprise.
        "enterprise_detail": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            "consultant": 403,
            "other_consultant": 403,
            "enterprise_user": 200,
            "other_enterprise_user": 404,
            "expert": 403,
            "anonymous": LOGIN,
        },
        "api_docs": {role: 200 for role in ROLES},
        "api_schema": {role: 200 for role in ROLES},
        "login": {role: 302 for role in ROLES} | {"anonymous": 200},
    }

    def request(self, action, client, cast):
        return client.get(
            {
                "dashboard": "/dashboard/",
                "enterprise_list": "/enterprises/",
                "enterprise_detail": f"/enterprises/{cast.enterprise.pk}/",
                "api_docs": "/api/docs/",
                "api_schema": "/api/schema/",
                "login": "/accounts/login/",
            }[action]
        )


@pytest.mark.parametrize(
    "role,title",
    [
        ("admin", "System administration"),
        ("province_officer", "Supervision dashboard"),
        ("consultant", "My audits"),
        ("enterprise_user", "Where we stand"),
        ("expert", "My reviews"),
    ],
)
def test_each_role_has_its_dashboard(cast, client, role, title):
    client.force_login(cast.user(role))
    response = client.get("/dashboard/")
    assert title in response.content.decode()


def test_authority_dashboard_counts_its_region(cast, client):
    client.force_login(cast.user("province_officer"))
    response = client.get("/dashboard/")
    assert response.context["enterprise_count"] == 2
    assert response.context["sme_count"] == 2
    client.force_login(cast.user("other_province_officer"))
    assert client.get("/dashboard/").context["enterprise_count"] == 1


def test_enterprise_list_shows_only_the_region_and_filters(cast, client):
    client.force_login(cast.user("city_officer"))
    page = client.get("/enterprises/").content.decode()
    assert "Jinling Paper Co." in page
    assert "Wujiang Dyeing Co." not in page
    client.force_login(cast.user("province_officer"))
    page = client.get("/enterprises/", {"region": "3205"}).content.decode()
    assert "Wujiang Dyeing Co." in page and "Jinling Paper Co." not in page
    page = client.get("/enterprises/", {"search": "jinling"}).content.decode()
    assert "Jinling Paper Co." in page and "Wujiang" not in page


def test_enterprise_list_query_count_is_constant(cast, client):
    client.force_login(cast.user("province_officer"))
    serial = iter(range(7000, 8000))

    def grow(n):
        for _ in range(n):
            enterprise("Grown Co.", "320102", "26", next(serial))

    assert_constant_queries(lambda: client.get("/enterprises/"), grow)


def test_pages_render_in_chinese(cast, client):
    client.force_login(cast.user("province_officer"))
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/enterprises/"})
    response = client.get(f"/enterprises/{cast.enterprise.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="zh-hans">' in content
    assert "江宁区" in content  # region names follow the language
    with translation.override("zh-hans"):
        assert translation.gettext("Enterprises") != "Enterprises", "zh_Hans catalogue missing"
        assert translation.gettext("Enterprises") in content


def test_logout_needs_a_post_and_ends_the_session(cast, client):
    client.force_login(cast.user("expert"))
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/dashboard/").status_code == 302


def test_login_page_logs_in_and_redirects_to_dashboard(cast, client):
    response = client.post("/accounts/login/", {"username": "expert", "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    response = client.post("/accounts/login/", {"username": "expert", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_every_page_links_the_favicon_and_favicon_ico_leads_to_it(cast, client):
    """Issue 17: an SVG icon in static/, linked from the base template; /favicon.ico,
    asked for by browsers whatever the page says, redirects to it."""
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    icon = static("favicon.svg")
    assert finders.find("favicon.svg")
    assert (
        f'<link rel="icon" href="{icon}" type="image/svg+xml">'
        in client.get("/accounts/login/").content.decode()
    )
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == icon


def test_the_user_menu_names_the_user_and_role_and_logs_out(cast, client):
    """The navbar shows the user's name (cut short on one line); the menu under it names
    the role and holds the logout."""
    officer = cast.user("province_officer")
    client.force_login(officer)
    content = client.get("/dashboard/").content.decode()
    role = f'<span class="dropdown-item-text small text-muted" data-testid="role">{officer} · '
    assert role + f"{officer.get_role_display()}</span>" in content
    assert f'title="{officer} · {officer.get_role_display()}" data-testid="whoami">' in content
    assert '<form action="/accounts/logout/" method="post">' in content
