"""Notifying people: in-app rows, and their mail once the change commits."""

from django.utils import timezone

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
