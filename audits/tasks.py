from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def document_fingerprint(document_id: int) -> None:
    """Fingerprint a report's text once it is stored (thin: the service does it)."""
    from .services import document_fingerprint as fingerprint_document

    fingerprint_document(document_id=document_id)
