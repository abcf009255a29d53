"""API tokens that expire (issue 14, item 7): a token is good for API_TOKEN_TTL_DAYS
after it was issued (default 30); its owner renews it (a new key, the old one gone) or
revokes it, and an admin revokes anyone's (here and on the admin site)."""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from accounts.choices import Role
from core.roles import require_role

log = logging.getLogger(__name__)


def token_ttl() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_expires_at(token: Token) -> datetime.datetime:
    return token.created + token_ttl()


def is_expired(token: Token, *, now=None) -> bool:
    return token_expires_at(token) <= (now or timezone.now())


def token_issue(*, user) -> Token:
    """The user's token, a new one when it has none or it expired (the login)."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not is_expired(token):
        return token
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def token_renew(*, actor) -> Token:
    """A new key for the actor, good for another API_TOKEN_TTL_DAYS; the old one stops."""
    Token.objects.filter(user=actor).delete()
    token = Token.objects.create(user=actor)
    log.info("API token of %s renewed", actor.username)
    return token


def token_revoke(*, actor, user) -> bool:
    """Revoke `user`'s token: the owner their own, an admin anyone's. Whether it had one."""
    if user.pk != actor.pk:
        require_role(actor, Role.ADMIN)
    deleted, _ = Token.objects.filter(user=user).delete()
    log.info("API token of %s revoked by %s", user.username, actor.username)
    return bool(deleted)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token past its time (401)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            raise exceptions.AuthenticationFailed(_("The token has expired. Log in again."))
        return user, token
