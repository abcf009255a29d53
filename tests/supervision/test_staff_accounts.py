"""Authorities manage the accounts of their region's staff (issue 16, item 4): an officer
creates an enterprise or a consultant account (name, email, phone) for an enterprise or
a firm seated in its region, deactivates and reactivates it, invites its owner again to
set a password; each change recorded with the actor and the time. Out of the region
404 (400 when a new account names an enterprise or firm outside it); the other roles
403; the admin keeps the authorities' and experts' accounts."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services as accounts
from accounts.choices import AccountAction, Role
from accounts.models import AccountChange, User
from tests.support.cast import PASSWORD
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries, page_client

pytestmark = pytest.mark.django_db

API = "/api/v1/staff-accounts/"
PAGES = "/supervision/accounts/"


def new_enterprise_account(cast, actor="province_officer", **fields):
    return accounts.staff_create(
        actor=cast.user(actor),
        **{
            "username": "li.ming",
            "full_name": "Li Ming",
            "email": "li.ming@jinling.example",
            "phone": "025-8888-0000",
            "role": Role.ENTERPRISE,
            "enterprise": cast.enterprise,
        }
        | fields,
    )


def actions(user) -> list[tuple[str, str]]:
    return list(AccountChange.objects.filter(user=user).values_list("action", "actor__username"))


def test_an_officer_creates_an_enterprise_account_and_its_owner_sets_a_password(
    cast, client, django_capture_on_commit_callbacks
):
    page_client(client, cast.user("city_officer"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            PAGES,
            {
                "username": "li.ming",
                "full_name": "Li Ming",
                "email": "li.ming@jinling.example",
                "phone": "025-8888-0000",
                "role": "enterprise",
                "enterprise": cast.enterprise.pk,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="li.ming")
    assert (user.role, user.enterprise, user.phone) == (
        Role.ENTERPRISE,
        cast.enterprise,
        "025-8888-0000",
    )
    assert not user.has_usable_password()
    assert actions(user) == [
        (AccountAction.CREATED, "city_officer"),
        (AccountAction.INVITED, "city_officer"),
    ]
    assert AccountChange.objects.filter(user=user).first().at is not None
    # the invitation, in both languages, with the link to set a password
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["li.ming@jinling.example"]
    link = re.search(r"https?://\S+/accounts/set-password/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    form = client.get(f"/{path}", follow=True)
    assert 'data-testid="set-password-form"' in form.content.decode()
    new = "Green-Audit-2026!"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert authenticate(username="li.ming", password=new) is not None
    # the link works once
    again = client.get(f"/{path}", follow=True).content.decode()
    assert 'data-testid="invalid-link"' in again


def test_a_consultant_account_for_a_firm_of_the_region(cast):
    user = accounts.staff_create(
        actor=cast.user("province_officer"),
        username="zhou.firm",
        email="zhou@firm.example",
        role=Role.CONSULTANT,
        organization=cast.firm,
    )
    assert user.organization == cast.firm and user.role == Role.CONSULTANT


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"enterprise": "other"}, "enterprise"),  # Hangzhou: another province
        (
            {"role": Role.CONSULTANT, "enterprise": None, "organization": "other_firm"},
            "organization",
        ),
        ({"role": Role.AUTHORITY, "enterprise": None, "organization": "province"}, "role"),
        ({"role": Role.EXPERT, "enterprise": None, "organization": "experts"}, "role"),
        ({"enterprise": None}, "enterprise"),
        ({"username": "enterprise_user"}, "username"),  # taken
    ],
)
def test_what_an_officer_may_not_create(cast, fields, field):
    named = {
        "other": cast.other_enterprise,
        "other_firm": cast.other_firm,
        "province": cast.province,
        "experts": cast.experts,
    }
    fields = {key: named.get(value, value) for key, value in fields.items()}
    with pytest.raises(ValidationError) as error:
        new_enterprise_account(cast, **fields)
    assert field in error.value.message_dict
    assert not User.objects.filter(username="li.ming").exists()


def test_a_city_officer_reaches_only_its_city(cast):
    with pytest.raises(ValidationError) as error:
        new_enterprise_account(cast, actor="city_officer", enterprise=cast.suzhou_enterprise)
    assert "enterprise" in error.value.message_dict
    for who in ("consultant", "enterprise_user", "expert"):
        with pytest.raises(PermissionDenied):
            new_enterprise_account(cast, actor=who)


def test_deactivate_reactivate_and_invite_are_recorded(cast, django_capture_on_commit_callbacks):
    officer = cast.user("province_officer")
    user = cast.user("enterprise_user")
    User.objects.filter(pk=user.pk).update(email="owner@jinling.example")
    accounts.staff_update(actor=officer, user=user, is_active=False)
    assert authenticate(username="enterprise_user", password=PASSWORD) is None
    with pytest.raises(ValidationError):
        accounts.staff_invite(actor=officer, user=User.objects.get(pk=user.pk))
    accounts.staff_update(actor=officer, user=user, is_active=True, phone="025-1")
    assert authenticate(username="enterprise_user", password=PASSWORD) is not None
    with django_capture_on_commit_callbacks(execute=True):
        accounts.staff_invite(actor=officer, user=User.objects.get(pk=user.pk))
    assert len(mail.outbox) == 1
    assert actions(user) == [
        (AccountAction.DEACTIVATED, "province_officer"),
        (AccountAction.CHANGED, "province_officer"),
        (AccountAction.REACTIVATED, "province_officer"),
        (AccountAction.INVITED, "province_officer"),
    ]
    assert AccountChange.objects.get(action=AccountAction.CHANGED).fields == ["phone"]


def test_the_officer_may_not_touch_authorities_or_experts(cast):
    officer = cast.user("province_officer")
    client = api_client(officer)
    for who in ("city_officer", "expert", "admin", "province_officer"):
        pk = cast.user(who).pk
        assert client.get(f"{API}{pk}/").status_code == 404, who
        assert client.patch(f"{API}{pk}/", {"is_active": False}).status_code == 404, who
    with pytest.raises(ValidationError):
        accounts.staff_update(actor=officer, user=cast.user("expert"), is_active=False)


def test_api_creates_lists_and_patches(cast, django_capture_on_commit_callbacks):
    client = api_client(cast.user("province_officer"))
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            API,
            {
                "username": "wang.firm",
                "full_name": "Wang Fang",
                "email": "wang@firm.example",
                "phone": "025-2",
                "role": "consultant",
                "organization": cast.firm.pk,
            },
            format="json",
        )
    assert created.status_code == 201, created.data
    body = created.json()
    assert body["is_active"] and body["phone"] == "025-2"
    assert [c["action"] for c in body["changes"]] == ["created", "invited"]
    assert len(mail.outbox) == 1
    listed = {row["username"] for row in client.get(API).json()["results"]}
    assert {"wang.firm", "consultant", "enterprise_user"} <= listed
    assert not listed & {"other_consultant", "other_enterprise_user", "expert", "city_officer"}
    patched = client.patch(f"{API}{body['id']}/", {"is_active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    assert patched.json()["changes"][-1]["action"] == "deactivated"
    assert client.post(f"{API}{body['id']}/invite/").status_code == 400  # deactivated
    bad = client.post(
        API,
        {"username": "x", "email": "x@x.example", "role": "enterprise", "enterprise": 0},
        format="json",
    )
    assert bad.status_code == 400 and "enterprise" in bad.json()
    outside = client.post(
        API,
        {
            "username": "y",
            "email": "y@y.example",
            "role": "consultant",
            "organization": cast.other_firm.pk,
        },
        format="json",
    )
    assert outside.status_code == 400 and "organization" in outside.json()
    assert client.post(API, {"username": "z", "email": "bad", "role": "expert"}).status_code == 400


def test_the_list_runs_the_same_queries_for_few_and_many(cast, client):
    officer = cast.user("province_officer")
    api = api_client(officer)
    page_client(client, officer)
    serial = iter(range(1000))

    def grow(n):
        for _ in range(n):
            number = next(serial)
            accounts.staff_update(
                actor=officer,
                user=new_enterprise_account(cast, username=f"u{number}", email=""),
                phone=str(number),
            )

    assert_constant_queries(lambda: api.get(API), grow)
    assert_constant_queries(lambda: client.get(PAGES), grow)


def test_pages_in_both_languages(cast, client):
    page_client(client, cast.user("province_officer"))
    pk = cast.user("enterprise_user").pk
    for language in ("en", "zh-hans"):
        for url in (PAGES, f"{PAGES}{pk}/"):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
            assert f'lang="{language}"' in response.content.decode().lower()
    listed = client.get(PAGES).content.decode()
    assert f'data-account="{pk}"' in listed
    assert f'data-account="{cast.user("other_enterprise_user").pk}"' not in listed
    bad = client.post(PAGES, {"username": "", "role": "enterprise"})
    assert bad.status_code == 400 and "invalid-feedback" in bad.content.decode()
    # the page's moves, each recorded
    client.post(f"{PAGES}{pk}/deactivate/")
    assert not User.objects.get(pk=pk).is_active
    client.post(f"{PAGES}{pk}/reactivate/")
    assert User.objects.get(pk=pk).is_active
    assert client.post(f"{PAGES}{pk}/", {"full_name": "Zhang San"}).status_code == 302
    detail = client.get(f"{PAGES}{pk}/").content.decode()
    assert detail.count("data-action=") == 3
    assert client.post(f"{PAGES}{pk}/invite/").status_code == 400  # no email: a form error
    assert client.post(f"{PAGES}{pk}/unknown/").status_code == 404


# --- every role --------------------------------------------------------------------

SUPERVISORS = {
    "admin": 200,
    "province_officer": 200,
    "other_province_officer": 404,
    "city_officer": 200,
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 403,
    "other_enterprise_user": 403,
    "expert": 403,
}


class TestStaffAccountPages(RoleMatrix):
    api = False
    matrix = {
        "list": SUPERVISORS | {"other_province_officer": 200, "anonymous": 302},
        "detail": SUPERVISORS | {"anonymous": 302},
        "edit": {k: 302 if v == 200 else v for k, v in SUPERVISORS.items()} | {"anonymous": 302},
        "deactivate": {k: 302 if v == 200 else v for k, v in SUPERVISORS.items()}
        | {"anonymous": 302},
        "create": {k: 302 if v == 200 else v for k, v in SUPERVISORS.items()}
        | {"other_province_officer": 400, "anonymous": 302},
    }

    def request(self, action, client, cast):
        pk = cast.user("enterprise_user").pk
        if action == "list":
            return client.get(PAGES)
        if action == "detail":
            return client.get(f"{PAGES}{pk}/")
        if action == "edit":
            return client.post(f"{PAGES}{pk}/", {"full_name": "Zhang San", "phone": "1"})
        if action == "deactivate":
            return client.post(f"{PAGES}{pk}/deactivate/")
        return client.post(
            PAGES,
            {
                "username": "new.one",
                "email": "new@one.example",
                "role": "enterprise",
                "enterprise": cast.enterprise.pk,
            },
        )


class TestStaffAccountApi(RoleMatrix):
    matrix = {
        "list": SUPERVISORS | {"other_province_officer": 200, "anonymous": 401},
        "retrieve": SUPERVISORS | {"anonymous": 401},
        "patch": SUPERVISORS | {"anonymous": 401},
        "invite": SUPERVISORS | {"anonymous": 401},
        "create": {k: 201 if v == 200 else v for k, v in SUPERVISORS.items()}
        | {"other_province_officer": 400, "anonymous": 401},
    }

    def request(self, action, client, cast):
        user = cast.user("enterprise_user")
        User.objects.filter(pk=user.pk).update(email="owner@jinling.example")
        if action == "list":
            return client.get(API)
        if action == "retrieve":
            return client.get(f"{API}{user.pk}/")
        if action == "patch":
            return client.patch(f"{API}{user.pk}/", {"phone": "025-3"}, format="json")
        if action == "invite":
            return client.post(f"{API}{user.pk}/invite/")
        return client.post(
            API,
            {
                "username": "new.one",
                "email": "new@one.example",
                "role": "enterprise",
                "enterprise": cast.enterprise.pk,
            },
            format="json",
        )
