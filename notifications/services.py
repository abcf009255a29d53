"""Notifying people: in-app rows, and their mail once the change commits; a sweep mails
what a lost broker left unmailed (issue 14), each notification exactly once."""

import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.tasks import enqueue_on_commit

from .models import Notification


def notify(*, recipients, kind: str, params: dict, url: str = "") -> list[Notification]:
    """In-app notifications for `recipients`, and their e-mail once the transaction
    commits (domain-wide: every app notifies through here)."""
    return notify_each(kind=kind, url=url, messages=[(recipients, params)])


def notify_each(*, kind: str, url: str = "", messages) -> list[Notification]:
    """Many notifications of one kind, each `(recipients, params)`: one insert and one
    mail task for all of them (publishing a list of thousands stays quick)."""
    rows = []
    for recipients, params in messages:
        for user in {user.pk: user for user in recipients if user.is_active}.values():
            rows.append(Notification(recipient=user, kind=kind, params=params, url=url))
    notifications = Notification.objects.bulk_create(rows, batch_size=1000)
    ids = [n.pk for n in notifications]
    if ids:
        # A broker that is down loses the mails (the in-app ones stay), never the change
        # that notified.
        enqueue_on_commit("notifications.tasks.send_notification_emails", ids)
    return notifications


def notification_mark_read(*, user, ids=None) -> int:
    queryset = Notification.objects.for_user(user).unread()
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())


# At most this many notifications are mailed in one transaction (their rows locked).
MAIL_BATCH = 200


def _mail_of(notification) -> tuple:
    """The mail of one notification, in Chinese and English, with its link."""
    parts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            parts.append((_("cpaudit notification"), notification.text))
    subject = f"{parts[0][0]} / {parts[1][0]}"
    link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
    body = f"{parts[0][1]}\n\n{parts[1][1]}{link}"
    return (subject, body, None, [notification.recipient.email])


def unmailed():
    """Notifications whose mail is still owed (the recipient has an address)."""
    return Notification.objects.filter(emailed_at__isnull=True).exclude(recipient__email="")


def notifications_mail(*, ids=None, created_before=None) -> int:
    """Mail the owed notifications among `ids` (or all created before `created_before`),
    each exactly once: the rows are locked while their mail goes out and marked in the
    same transaction; a second sender at the same time skips the locked rows, and a mail
    server that fails rolls the marks back (the task retries, the sweep comes back)."""
    sent = 0
    while True:
        with transaction.atomic():
            queryset = unmailed()
            if ids is not None:
                queryset = queryset.filter(pk__in=ids)
            if created_before is not None:
                queryset = queryset.filter(created_at__lt=created_before)
            batch = list(
                queryset.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .order_by("pk")[:MAIL_BATCH]
            )
            if not batch:
                return sent
            send_mass_mail([_mail_of(n) for n in batch], fail_silently=False)
            Notification.objects.filter(pk__in=[n.pk for n in batch]).update(
                emailed_at=timezone.now()
            )
            sent += len(batch)


def notifications_mail_sweep(*, now=None) -> int:
    """Mail what is still owed after the grace period (the broker was down when the
    change notified, or the task was lost); the number mailed."""
    now = now or timezone.now()
    grace = datetime.timedelta(seconds=settings.NOTIFICATION_MAIL_GRACE_SECONDS)
    return notifications_mail(created_before=now - grace)
