import pytest
from django.core import mail

from accounts.models import Auditor, User
from tests.support.cast import PASSWORD, ROLES
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries

pytestmark = pytest.mark.django_db

ADMIN_ONLY = {role: 403 for role in ROLES} | {"admin": 200, "anonymous": 401}


class TestUserApiRoles(RoleMatrix):
    matrix = {
        "list": ADMIN_ONLY,
        "retrieve": ADMIN_ONLY,
        "create": ADMIN_ONLY | {"admin": 201},
        "update": ADMIN_ONLY,
        "delete": ADMIN_ONLY | {"admin": 405},  # accounts are deactivated, never deleted
    }

    def request(self, action, client, cast):
        detail = f"/api/v1/users/{cast.user('consultant').pk}/"
        return {
            "list": lambda: client.get("/api/v1/users/"),
            "retrieve": lambda: client.get(detail),
            "create": lambda: client.post(
                "/api/v1/users/",
                {
                    "username": "new_expert",
                    "password": "a-Long-pass-91",
                    "role": "expert",
                    "organization": cast.experts.pk,
                },
                format="json",
            ),
            "update": lambda: client.patch(detail, {"full_name": "Zhang Gong"}, format="json"),
            "delete": lambda: client.delete(detail),
        }[action]()


class TestMeRoles(RoleMatrix):
    matrix = {"retrieve": {role: 200 for role in ROLES} | {"anonymous": 401}}

    def request(self, action, client, cast):
        return client.get("/api/v1/me/")


@pytest.mark.parametrize(
    "role,expected",
    [
        ("admin", {"role": "admin", "organization": None, "enterprise": None, "region": None}),
        ("province_officer", {"role": "authority", "region": "320000"}),
        ("consultant", {"role": "consultant", "region": "320100"}),
        ("enterprise_user", {"role": "enterprise", "organization": None, "region": "320115"}),
    ],
)
def test_me_describes_the_caller(cast, role, expected):
    data = api_client(cast.user(role)).get("/api/v1/me/").data
    assert data["username"] == role
    assert {key: data[key] for key in expected} == expected


def test_me_names_the_enterprise(cast):
    data = api_client(cast.user("enterprise_user")).get("/api/v1/me/").data
    assert data["enterprise"] == {"id": cast.enterprise.pk, "name": "Jinling Paper Co."}


class TestOrganizationApiRoles(RoleMatrix):
    # Detail addresses the other province's EPB: only admins see other authorities.
    everyone = {role: 200 for role in ROLES} | {"anonymous": 401}
    matrix = {
        "list": everyone,
        "retrieve": {role: 404 for role in ROLES}
        | {"admin": 200, "anonymous": 401, "other_province_officer": 200},
        "retrieve_firm": everyone,
        "create": {role: 403 for role in ROLES} | {"admin": 201, "anonymous": 401},
        "update": {role: 403 for role in ROLES} | {"admin": 200, "anonymous": 401},
        "delete": {role: 403 for role in ROLES} | {"admin": 409, "anonymous": 401},
    }

    def request(self, action, client, cast):
        url = "/api/v1/organizations/"
        detail = f"{url}{cast.other_province.pk}/"
        return {
            "list": lambda: client.get(url),
            "retrieve": lambda: client.get(detail),
            "retrieve_firm": lambda: client.get(f"{url}{cast.firm.pk}/"),
            "create": lambda: client.post(
                url,
                {"name": "Huai River Consulting", "kind": "consultancy", "region": "320800"},
                format="json",
            ),
            "update": lambda: client.patch(detail, {"name": "Zhejiang DEE"}, format="json"),
            # In use: its officer belongs to it.
            "delete": lambda: client.delete(detail),
        }[action]()


AUDITOR_READ = {
    "admin": 200,
    "province_officer": 200,
    "other_province_officer": 404,
    "city_officer": 200,
    "consultant": 200,
    "other_consultant": 404,
    # The Nanjing firm's auditor: an enterprise sees it once it engages the firm.
    "enterprise_user": 404,
    "other_enterprise_user": 404,
    "expert": 403,
    "anonymous": 401,
}
AUDITOR_WRITE = AUDITOR_READ | {
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 403,
    "other_enterprise_user": 403,
}


class TestAuditorApiRoles(RoleMatrix):
    # Detail addresses the auditor of the Nanjing firm.
    matrix = {
        "list": AUDITOR_READ
        | {
            "other_province_officer": 200,
            "other_consultant": 200,
            "enterprise_user": 200,
            "other_enterprise_user": 200,
        },
        "retrieve": AUDITOR_READ,
        # Registering an auditor of the Nanjing firm: outside Zhejiang's jurisdiction.
        "create": AUDITOR_WRITE
        | {
            "admin": 201,
            "province_officer": 201,
            "city_officer": 201,
            "other_province_officer": 400,
        },
        "update": AUDITOR_WRITE,
        "delete": AUDITOR_WRITE | {"admin": 204, "province_officer": 204, "city_officer": 204},
    }

    def request(self, action, client, cast):
        url = "/api/v1/auditors/"
        detail = f"{url}{cast.auditor.pk}/"
        return {
            "list": lambda: client.get(url),
            "retrieve": lambda: client.get(detail),
            "create": lambda: client.post(
                url,
                {
                    "name": "Li Na",
                    "certificate_no": "JS-0099",
                    "level": "auditor",
                    "issued_on": "2026-01-01",
                    "valid_until": "2030-12-31",
                    "organization": cast.firm.pk,
                },
                format="json",
            ),
            "update": lambda: client.patch(detail, {"valid_until": "2031-01-31"}, format="json"),
            "delete": lambda: client.delete(detail),
        }[action]()


def test_user_create_validates_role_and_membership(cast):
    client = api_client(cast.user("admin"))
    cases = [
        ({"username": "a1", "role": "authority"}, "organization"),
        (
            {"username": "a2", "role": "consultant", "organization": cast.province.pk},
            "organization",
        ),
        ({"username": "a3", "role": "enterprise"}, "enterprise"),
        (
            {
                "username": "a4",
                "role": "expert",
                "organization": cast.experts.pk,
                "enterprise": cast.enterprise.pk,
            },
            "enterprise",
        ),
        ({"username": "a5", "role": "chief"}, "role"),
        (
            {
                "username": "a6",
                "role": "expert",
                "organization": cast.experts.pk,
                "password": "123",
            },
            "password",
        ),
        ({"username": "admin", "role": "expert", "organization": cast.experts.pk}, "username"),
    ]
    for payload, field in cases:
        response = client.post("/api/v1/users/", payload, format="json")
        assert response.status_code == 400, payload
        assert field in response.data, (payload, response.data)
    assert not User.objects.filter(username__in=["a1", "a2", "a3", "a4", "a5", "a6"]).exists()


def test_database_refuses_an_enterprise_user_without_enterprise(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="orphan", role="enterprise")


def test_created_user_can_log_in_gets_mail_and_password_is_not_echoed(
    cast, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(cast.user("admin")).post(
            "/api/v1/users/",
            {
                "username": "new_officer",
                "password": "a-Long-pass-91",
                "role": "authority",
                "organization": cast.city.pk,
                "email": "new@example.test",
                "full_name": "New Officer",
            },
            format="json",
        )
    assert response.status_code == 201, response.data
    assert "password" not in response.data
    assert client.login(username="new_officer", password="a-Long-pass-91")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.test"]
    assert "new_officer" in mail.outbox[0].body
    assert "Your cpaudit account" in mail.outbox[0].subject


def test_admin_role_is_a_superuser(cast):
    response = api_client(cast.user("admin")).post(
        "/api/v1/users/",
        {"username": "second_admin", "password": "a-Long-pass-91", "role": "admin"},
        format="json",
    )
    assert response.status_code == 201
    assert User.objects.get(username="second_admin").is_superuser


def test_auditor_of_a_non_consultancy_is_refused(cast):
    response = api_client(cast.user("admin")).post(
        "/api/v1/auditors/",
        {
            "name": "X",
            "certificate_no": "X-1",
            "level": "auditor",
            "issued_on": "2026-01-01",
            "valid_until": "2030-01-01",
            "organization": cast.experts.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "organization" in response.data
    assert not Auditor.objects.filter(certificate_no="X-1").exists()


def test_auditor_validity_is_reported(cast):
    cast.auditor.issued_on, cast.auditor.valid_until = "1995-01-01", "2000-01-01"
    cast.auditor.save()
    data = api_client(cast.user("consultant")).get("/api/v1/auditors/").data
    assert [(row["name"], row["is_valid"]) for row in data["results"]] == [("Zhang Ming", False)]


@pytest.mark.parametrize("level, years", [("associate", 3), ("auditor", 4), ("principal", 5)])
def test_a_certificate_runs_its_levels_years_unless_given(cast, level, years):
    """Seed 004, appendix, item 18: associate 3, auditor 4, principal auditor 5 years."""
    response = api_client(cast.user("province_officer")).post(
        "/api/v1/auditors/",
        {
            "name": "Li Na",
            "certificate_no": "JS-0100",
            "level": level,
            "issued_on": "2026-03-15",
            "organization": cast.firm.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["valid_until"] == f"{2026 + years}-03-15"
    assert response.data["is_qualified"] is (level != "associate")


def test_an_auditor_works_for_a_firm_or_an_enterprise(cast):
    client = api_client(cast.user("province_officer"))
    body = {
        "name": "Qian Li",
        "certificate_no": "NJ-0001",
        "level": "auditor",
        "issued_on": "2026-01-01",
    }
    neither = client.post("/api/v1/auditors/", body, format="json")
    assert neither.status_code == 400 and list(neither.data) == ["organization"]
    both = client.post(
        "/api/v1/auditors/",
        body | {"organization": cast.firm.pk, "enterprise": cast.enterprise.pk},
        format="json",
    )
    assert both.status_code == 400 and list(both.data) == ["organization"]
    staff = client.post(
        "/api/v1/auditors/", body | {"enterprise": cast.enterprise.pk}, format="json"
    )
    assert staff.status_code == 201, staff.data
    assert staff.data["enterprise"] == cast.enterprise.pk and staff.data["organization"] is None
    # Another province's enterprise is not found for this officer.
    elsewhere = client.post(
        "/api/v1/auditors/",
        body | {"certificate_no": "ZJ-9", "enterprise": cast.other_enterprise.pk},
        format="json",
    )
    assert elsewhere.status_code == 400 and list(elsewhere.data) == ["enterprise"]


def test_the_enterprise_sees_its_own_auditors_and_those_of_the_firm_it_engaged(cast):
    from tests.support.audits import engaged_audit

    own = Auditor.objects.create(
        name="Qian Li",
        certificate_no="NJ-0001",
        level="auditor",
        issued_on="2026-01-01",
        valid_until="2030-01-01",
        enterprise=cast.enterprise,
    )

    def names(role):
        data = api_client(cast.user(role)).get("/api/v1/auditors/").data["results"]
        return {row["name"] for row in data}

    assert names("enterprise_user") == {"Qian Li"}
    assert names("consultant") == {"Zhang Ming"}
    engaged_audit(cast)  # the enterprise engages cast.firm
    assert names("enterprise_user") == {"Qian Li", "Zhang Ming"}
    assert names("consultant") == {"Qian Li", "Zhang Ming"}
    assert names("other_enterprise_user") == set()
    assert own.pk in {
        a["id"]
        for a in api_client(cast.user("city_officer")).get("/api/v1/auditors/").data["results"]
    }


def test_token_login_then_token_auth(cast):
    client = api_client(None)
    response = client.post(
        "/api/v1/auth/token/", {"username": "expert", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    assert client.get("/api/v1/me/").data["role"] == "expert"


def test_token_login_with_a_wrong_password_is_a_400(cast):
    response = api_client(None).post(
        "/api/v1/auth/token/", {"username": "expert", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.data


def test_repeated_failed_logins_lock_the_account_out(cast, settings, client):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "expert", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "expert", "password": PASSWORD})
    assert response.status_code == 429
    api = api_client(None)
    response = api.post(
        "/api/v1/auth/token/", {"username": "expert", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert "locked" in response.json()["detail"]
    # The lock is per account and address: a colleague at the same address logs in.
    response = client.post("/accounts/login/", {"username": "consultant", "password": PASSWORD})
    assert response.status_code == 302


def test_user_list_query_count_is_constant(cast):
    client = api_client(cast.user("admin"))
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            User.objects.create(
                username=f"u{next(counter)}", role="expert", organization=cast.experts
            )

    assert_constant_queries(lambda: client.get("/api/v1/users/"), grow)


def test_auditor_list_query_count_is_constant(cast):
    client = api_client(cast.user("province_officer"))
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            Auditor.objects.create(
                name="A",
                certificate_no=f"C{next(counter)}",
                level="auditor",
                issued_on="2026-01-01",
                valid_until="2030-01-01",
                organization=cast.firm,
            )

    assert_constant_queries(lambda: client.get("/api/v1/auditors/"), grow)
