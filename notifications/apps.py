from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app and mail notifications, rendered in the reader's language. Every app
    notifies through `notifications.services.notify`; each registers the texts of its
    own kinds (`notifications.messages.register`)."""

    name = "notifications"
    verbose_name = _("Notifications")
