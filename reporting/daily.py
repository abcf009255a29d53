"""The embedded default has no beat: with DAILY_REMINDERS on (`make run` sets it), the
web process sends the day's deadline reminders itself, after the first response of
each day (request_finished, so no visitor waits for it). Each reminder is sent once
(ReminderLog), so a restart that runs them again the same day sends nothing twice."""

import logging
import threading

from django.conf import settings
from django.core.signals import request_finished
from django.utils import timezone

from . import reminders

log = logging.getLogger(__name__)
_lock = threading.Lock()
_last_run = {"day": None}


def run_once_a_day(**kwargs) -> int | None:
    """Send today's reminders if this process has not yet; how many were sent, or None
    when it already ran today (or another request is running it)."""
    today = timezone.localdate()
    if _last_run["day"] == today or not _lock.acquire(blocking=False):
        return None
    try:
        if _last_run["day"] == today:
            return None
        sent = reminders.send_deadline_reminders(today=today)
        _last_run["day"] = today
        log.info("Daily deadline reminders: %s sent", sent)
        return sent
    except Exception:
        # A failed run is tried again after the next request; the page was served.
        log.exception("Daily deadline reminders failed")
        return None
    finally:
        _lock.release()


def connect() -> None:
    if settings.DAILY_REMINDERS:
        request_finished.connect(run_once_a_day, dispatch_uid="daily-deadline-reminders")
