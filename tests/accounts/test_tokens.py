"""API tokens expire, are renewed, and are revoked by their owner and by an admin
(issue 14, item 7)."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.support.cast import PASSWORD, ROLES
from tests.support.matrix import RoleMatrix

pytestmark = pytest.mark.django_db


def log_in(username) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.data
    return response.json()


def with_token(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def age(key, days):
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=days))


def test_a_token_works_until_it_expires_after_30_days(cast):
    answer = log_in("consultant")
    expires = datetime.datetime.fromisoformat(answer["expires_at"].replace("Z", "+00:00"))
    assert abs(expires - timezone.now() - datetime.timedelta(days=30)) < datetime.timedelta(
        minutes=1
    )
    assert with_token(answer["token"]).get("/api/v1/me/").status_code == 200
    age(answer["token"], 29)
    assert with_token(answer["token"]).get("/api/v1/me/").status_code == 200
    age(answer["token"], 31)
    refused = with_token(answer["token"]).get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.data["detail"] == "The token has expired. Log in again."
    fresh = log_in("consultant")  # logging in again issues a new one
    assert fresh["token"] != answer["token"]
    assert with_token(fresh["token"]).get("/api/v1/me/").status_code == 200


def test_the_lifetime_is_configurable(cast, settings):
    settings.API_TOKEN_TTL_DAYS = 1
    key = log_in("expert")["token"]
    age(key, 2)
    assert with_token(key).get("/api/v1/me/").status_code == 401


def test_a_token_is_renewed_and_the_old_one_stops(cast):
    old = log_in("consultant")["token"]
    age(old, 20)
    renewed = with_token(old).post("/api/v1/auth/token/renew/")
    assert renewed.status_code == 200 and renewed.data["token"] != old
    assert with_token(old).get("/api/v1/me/").status_code == 401
    assert with_token(renewed.data["token"]).get("/api/v1/me/").status_code == 200
    assert APIClient().post("/api/v1/auth/token/renew/").status_code == 401


def test_the_owner_revokes_their_token(cast):
    key = log_in("enterprise_user")["token"]
    assert with_token(key).delete("/api/v1/auth/token/").status_code == 204
    assert with_token(key).get("/api/v1/me/").status_code == 401
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401


def test_an_admin_revokes_a_users_token_and_only_an_admin(cast):
    key = log_in("consultant")["token"]
    other = log_in("expert")["token"]
    target = cast.user("consultant").pk
    assert with_token(other).delete(f"/api/v1/users/{target}/token/").status_code == 403
    assert with_token(key).get("/api/v1/me/").status_code == 200
    admin = log_in("admin")["token"]
    assert with_token(admin).delete(f"/api/v1/users/{target}/token/").status_code == 204
    assert with_token(key).get("/api/v1/me/").status_code == 401
    assert with_token(admin).delete("/api/v1/users/987654/token/").status_code == 404


def test_the_admin_site_lists_tokens_to_revoke(cast, client):
    log_in("consultant")
    client.force_login(cast.user("admin"))
    response = client.get("/admin/authtoken/tokenproxy/")
    assert response.status_code == 200 and "consultant" in response.content.decode()


class TestUserTokenRoles(RoleMatrix):
    """Revoking another user's token: the admin only (the 404 of a user out of scope is
    the admin's alone, who sees every user)."""

    api = True
    matrix = {
        "revoke": {role: 403 for role in ROLES} | {"admin": 204, "anonymous": 401},
        "revoke_missing": {role: 403 for role in ROLES} | {"admin": 404, "anonymous": 401},
    }

    def request(self, action, client, cast):
        pk = cast.user("expert").pk if action == "revoke" else 987654
        return client.delete(f"/api/v1/users/{pk}/token/")
