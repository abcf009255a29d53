from django.db import transaction
from django.utils import timezone

from .models import Notification
from .tasks import send_notification_emails


def notify(*, recipients, kind: str, params: dict, url: str = "") -> list[Notification]:
    """In-app notifications for `recipients`, and their e-mail once the transaction
    commits (domain-wide: every issue notifies through here)."""
    notifications = Notification.objects.bulk_create([
        Notification(recipient=user, kind=kind, params=params, url=url)
        for user in {user.pk: user for user in recipients if user.is_active}.values()
    ])
    ids = [n.pk for n in notifications]
    if ids:
        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return notifications


def notification_mark_read(*, user, ids=None) -> int:
    queryset = Notification.objects.for_user(user).unread()
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())
