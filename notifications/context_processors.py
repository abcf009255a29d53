import functools

from .models import Notification


def notifications(request):
    """The navbar bell's unread count. Lazy: the template calls it, and the one
    COUNT query (served by the `notification_unread` index) runs at most once."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {
        "unread_notifications": functools.cache(
            lambda: Notification.objects.for_user(user).unread().count()
        )
    }
