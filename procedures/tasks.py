from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def release_meeting_material() -> int:
    """Daily (CELERY_BEAT_SCHEDULE "release-meeting-material"): tell the panels whose
    material is released today. Each meeting is released once, however often it runs."""
    return services.meetings_release()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_step_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE "step-reminders"): the registration and filing
    deadlines, a week before and once passed, each sent once."""
    return services.step_reminders()
