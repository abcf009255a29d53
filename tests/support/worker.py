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

    def wait_for(self, predicate, timeout=30.0, what="the worker"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"timed out waiting for {what}; worker log:\n{self.log.read_text()[-3000:]}")


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path, settings, request):
    redis_url = broker_or_skip()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
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
                # Time limits need the prefork pool; one process is enough otherwise.
                *(
                    ["--pool=prefork", "--concurrency=1"]
                    if request.node.get_closest_marker("time_limits")
                    else ["--pool=solo"]
                ),
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
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    worker = Worker(process, queue, log)
    worker.mail_dir = tmp_path / "mail"
    worker.wait_for(lambda: "ready." in log.read_text(), what="the worker to start")
    try:
        yield worker
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_default_queue = "celery"
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
