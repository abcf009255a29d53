from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import User


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_account_created_email(user_id: int) -> bool:
    """Tell a new user their account exists, in both languages. Takes an id and reads
    the row again, so a retry after a lost worker does no harm."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    bodies = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            bodies.append(
                render_to_string(
                    "accounts/email_account_created.txt",
                    {"user": user, "role": user.get_role_display(), "site_url": settings.SITE_URL},
                )
            )
    with translation.override("zh-hans"):
        subject_zh = _("Your cpaudit account")
    with translation.override("en"):
        subject_en = _("Your cpaudit account")
    send_mail(f"{subject_zh} / {subject_en}", "\n\n".join(bodies), None, [user.email])
    return True


def set_password_url(user: User) -> str:
    """The link that lets `user` choose a password (Django's reset token: good for
    PASSWORD_RESET_TIMEOUT, spent once the password changes)."""
    path = reverse(
        "set-password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(user_id: int) -> bool:
    """Invite the owner of an account an authority made (issue 16, item 4) to set a
    password, in both languages."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    link = set_password_url(user)
    bodies = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            bodies.append(
                render_to_string(
                    "accounts/email_invitation.txt",
                    {"user": user, "role": user.get_role_display(), "link": link},
                )
            )
    with translation.override("zh-hans"):
        subject_zh = _("Your cpaudit account: set your password")
    with translation.override("en"):
        subject_en = _("Your cpaudit account: set your password")
    send_mail(f"{subject_zh} / {subject_en}", "\n\n".join(bodies), None, [user.email])
    return True
