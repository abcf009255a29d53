"""Enqueuing Celery tasks from services.

A service names its task as a page names a URL: by its registered name. The task
modules call the services (tasks are thin), so a service importing its task module
would close a cycle; the name keeps the arrow one way.
"""

import logging

from celery import current_app
from django.db import transaction

log = logging.getLogger(__name__)


def task(name: str):
    """The task registered as `name` (e.g. "audits.tasks.document_fingerprint"). A web
    process has not imported the apps' task modules yet the first time: Celery's loader
    imports them (the `autodiscover_tasks` of cpaudit/celery.py), as a worker does."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue_on_commit(name: str, *args) -> None:
    """Send the task once the transaction commits. Robust: a broker that is down loses
    the task, never the change that asked for it (what depends on the task has a sweep
    or a retry of its own)."""
    transaction.on_commit(lambda: task(name).delay(*args), robust=True)
