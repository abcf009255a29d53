"""A real Celery worker process on a real Redis broker, for the broker tests.

The worker runs `celery -A cpaudit worker` against the test database (so the test
must commit: `transactional_db`) and a queue of its own, so that nothing else
consumes its tasks.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from cpaudit.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def broker_or_skip() -> str:
    redis_url = os.environ.get("REDIS_URL")
    on_postgres = connection.vendor == "postgresql"
    if redis_url and on_postgres:
        return redis_url
    reason = "needs REDIS_URL and DATABASE_URL (PostgreSQL) for a real broker and worker"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the broker tests: {reason}")
    pytest.skip(reason)


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, process, queue, log):
        self.process, self.queue, self.log = process, queue, log

    def wait_for(self, predicate, timeout=90.0, what="the worker"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"timed out waiting for {what}; worker log:\n{self.log.read_text()[-3000:]}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


def start_worker(queue, log, *, prefork=False, mail_dir=None, media_root=None) -> Worker:
    """A `celery -A cpaudit worker` process consuming `queue` on the test database,
    started and ready (the solo pool unless `prefork`: time limits need it)."""
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir or log.parent / "mail"),
        "MEDIA_ROOT": str(media_root or settings.MEDIA_ROOT),
    }
    with open(log, "w") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cpaudit",
                "worker",
                *(["--pool=prefork", "--concurrency=1"] if prefork else ["--pool=solo"]),
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process, queue, log)
    worker.mail_dir = Path(env["EMAIL_FILE_PATH"])
    worker.wait_for(lambda: "ready." in log.read_text(), what="the worker to start")
    return worker


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path, settings, request):
    broker_or_skip()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        worker = start_worker(
            queue,
            tmp_path / "worker.log",
            # Time limits need the prefork pool; one process is enough otherwise.
            prefork=bool(request.node.get_closest_marker("time_limits")),
            mail_dir=tmp_path / "mail",
            media_root=settings.MEDIA_ROOT,
        )
        yield worker
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_default_queue = "celery"
        if "worker" in locals():
            worker.stop()
