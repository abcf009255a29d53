from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .messages import render


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notification. The text is rendered when shown, from `kind` and
    `params`, so each reader sees it in their own language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        # The table the reporting app created, kept (notifications moved here).
        db_table = "reporting_notification"
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The bell's unread count on every page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The mail sweep's owed notifications: few rows, whatever the table's size.
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unmailed",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return render(self.kind, self.params)
