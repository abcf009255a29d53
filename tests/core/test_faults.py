"""Faults answered in the API's JSON error shape (issue 14, item 2): a body nested too
deeply (400), too large (413), unknown API paths (404), a file store that cannot be
written (503, nothing half-written), any other fault (500): never a traceback nor a
server path. The database down is tested against real processes in test_full_mode.py."""

import json
import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from audits.models import Document
from core.api.faults import server_error
from tests.support.audits import engaged_audit, pdf
from tests.support.matrix import api_client

pytestmark = pytest.mark.django_db


def assert_api_error(response, status, detail=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert list(body) == ["detail"] and body["detail"]
    if detail:
        assert body["detail"] == detail
    text = response.content.decode()
    assert "Traceback" not in text and "/work/" not in text and ".py" not in text
    return body


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_a_400(cast, depth):
    client = api_client(cast.user("consultant"))
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/options/",
        data="[" * depth,
        content_type="application/json",
    )
    assert_api_error(response, 400)


def test_deeply_nested_json_is_a_400_before_login(client):
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/auth/token/", data="[" * 100_000, content_type="application/json"
    )
    assert_api_error(response, 400, "The request body is nested too deeply.")


def test_a_20_mb_json_body_is_a_413(cast):
    client = api_client(cast.user("consultant"))
    body = json.dumps({"title": "x" * (20 * 1024 * 1024)})
    response = client.post("/api/v1/options/", data=body, content_type="application/json")
    assert_api_error(response, 413, "The request body is too large.")


def test_an_upload_past_the_limit_is_a_413_before_it_is_read(cast, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    client = api_client(cast.user("consultant"))
    audit = engaged_audit(cast)
    big = pdf(content=b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    response = client.post(
        "/api/v1/documents/", {"audit": audit.pk, "kind": "evidence", "file": big}
    )
    assert_api_error(response, 413)
    assert not Document.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/nothing", "/api/v1/audits/x/"])
def test_unknown_api_paths_answer_the_json_404(cast, path):
    client = api_client(cast.user("consultant"))
    assert_api_error(client.get(path, follow=True), 404, "Not found.")


def test_unknown_pages_keep_the_html_404(client, cast):
    client.force_login(cast.user("consultant"))
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_fault_outside_any_view_is_a_json_500_without_the_traceback():
    request = RequestFactory().get("/api/v1/audits/")
    try:
        raise ZeroDivisionError("/work/secret/path.py")
    except ZeroDivisionError:
        response = server_error(request)
    body = assert_api_error(response, 500)
    assert "secret" not in body["detail"]


# -- the file store read-only or full: real file systems (tmpfs), so root's rights do not
#    hide a read-only directory as chmod would.


def mount_tmpfs(path, options) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True
    )
    return done.returncode == 0


@pytest.fixture(params=["read-only", "full"])
def broken_store(request, tmp_path, settings):
    media = tmp_path / "store"
    if os.geteuid() != 0 or not mount_tmpfs(
        media, "ro,size=64k" if request.param == "read-only" else "size=64k"
    ):
        if os.environ.get("CI"):
            pytest.fail("CI runs as root: it must mount the broken file stores")
        pytest.skip("mounting a tmpfs needs root")
    try:
        if request.param == "full":
            (media / "filler").write_bytes(b"\0" * 64 * 1024 * 2)  # fills it, then fails
    except OSError:
        pass
    settings.MEDIA_ROOT = media
    yield request.param
    subprocess.run(["umount", "-l", str(media)], check=False)


BIG_PDF = b"%PDF-1.4\n" + b"1" * 200_000  # more than the full store has left


def test_an_api_upload_to_a_broken_store_is_a_503_and_writes_nothing(cast, broken_store):
    audit = engaged_audit(cast)
    client = api_client(cast.user("consultant"))
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/documents/",
        {"audit": audit.pk, "kind": "evidence", "file": pdf(content=BIG_PDF)},
    )
    assert_api_error(response, 503, "The file store is unavailable. Please try again shortly.")
    assert not Document.objects.exists()


def test_a_page_upload_to_a_broken_store_says_so_and_writes_nothing(cast, client, broken_store):
    audit = engaged_audit(cast)
    client.force_login(cast.user("consultant"))
    client.raise_request_exception = False
    response = client.post(
        f"/audits/{audit.pk}/documents/",
        {"kind": "audit_report", "title": "Report", "file": pdf(content=BIG_PDF)},
    )
    assert response.status_code == 503
    assert "The file could not be stored. Please try again later." in response.content.decode()
    assert not Document.objects.exists()


def test_the_handlers_need_no_database():
    """The 404 and 500 answers of the API are built without the database (it may be the
    reason for them): a process with no database reachable still answers them."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cpaudit.settings'; "
        "django.setup(); from django.test import Client; "
        "c = Client(raise_request_exception=False); "
        "r = c.get('/api/v1/no-such/'); print(r.status_code, r.content.decode())"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == '404 {"detail": "Not found."}', out.stderr[-2000:]
