"""Full mode as the README writes it (issue 14, item 10): `make migrate` collects the
static files, and gunicorn with DEBUG off serves the pages (not a 500 for a missing
manifest entry) and the API, unknown API paths in the JSON 404 shape, on PostgreSQL."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.support.worker import database_url

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_readme_full_mode_serves_pages_and_the_api(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("full mode runs on PostgreSQL")
    readme = (ROOT / "README.md").read_text()
    assert "make migrate" in readme and "make serve" in readme
    makefile = (ROOT / "Makefile").read_text()
    assert "collectstatic --noinput" in makefile.split("migrate: setup", 1)[1].split("\n\n")[0]
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}},
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "SECRET_KEY": "p7V#q2kL9w!zR4mX8nT1yB6cF3hJ5dG0sA-eU_iO+lK@vN&rW*tY",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        # Plain HTTP on loopback, as the README says for a try without a proxy.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    # `make migrate` (the test database is migrated already): its collectstatic step.
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr[-2000:]
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "cpaudit.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        status, headers, body = fetch(f"{base}/accounts/login/")
        assert status == 200, body[:500]
        assert b"/static/" in body and "Content-Security-Policy" in headers
        status, _, body = fetch(f"{base}/api/v1/public/key-lists/")
        assert status == 200 and "results" in json.loads(body)
        status, headers, body = fetch(f"{base}/api/v1/no-such-thing/")
        assert status == 404 and json.loads(body) == {"detail": "Not found."}
        status, _, body = fetch(f"{base}/api/v1/me/")
        assert status == 401 and "detail" in json.loads(body)
    finally:
        server.terminate()
        server.wait(timeout=15)
