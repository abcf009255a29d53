"""The notifications page: the user's in-app notifications, newest first."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .services import notification_mark_read

PAGE_SIZE = 50


@login_required
def notification_list(request):
    # Newest first (Meta.ordering); the text is rendered from kind and params, no query.
    notifications = Notification.objects.for_user(request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


def _back(request) -> str:
    """Where the form came from: `next`, else the referring page, when it is ours."""
    for target in (request.POST.get("next"), request.headers.get("referer")):
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
    return "notification-list"


@require_POST
@login_required
def notification_read(request):
    """Mark the user's notifications read: all, or those named by `id` (repeatable)."""
    values = request.GET.getlist("id") + request.POST.getlist("id")
    ids = [int(value) for value in values if value.isdigit()] if values else None
    notification_mark_read(user=request.user, ids=ids)
    return redirect(_back(request))
