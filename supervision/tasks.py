from celery import shared_task
from django.db import DatabaseError
from django.utils import translation

from . import services


@shared_task(
    acks_late=True, autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5
)
def render_upward_report(report_id: int, language: str = "") -> bool:
    """Render a submitted report's PDF once (services.upward_report_render makes a re-run
    harmless), in the language of the officer who submitted it."""
    with translation.override(language or None):
        return services.upward_report_render(report_id=report_id)


@shared_task(acks_late=True)
def sweep_upward_reports() -> int:
    """Every five minutes (CELERY_BEAT_SCHEDULE): the PDFs a lost task left unrendered."""
    return services.upward_reports_sweep()
