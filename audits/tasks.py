from celery import shared_task

from . import fingerprint


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def document_fingerprint(document_id: int) -> None:
    """Fingerprint a report's text once it is stored (thin: audits.fingerprint does it)."""
    fingerprint.document_fingerprint(document_id=document_id)
