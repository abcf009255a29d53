"""A Content-Security-Policy on every page (issue 14, item 7): scripts from the site
itself only, no inline script in any template, and the API docs start without one."""

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>", re.IGNORECASE)


def policy(response) -> dict:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/accounts/login/", "/public/", "/dashboard/", "/api/docs/"])
def test_pages_send_a_policy_that_allows_only_the_sites_own_scripts(cast, client, path):
    client.force_login(cast.user("admin"))
    response = client.get(path, follow=True)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    page = response.content.decode()
    inline = [m.group(0) for m in SCRIPT.finditer(page) if "src=" not in m["attrs"]]
    assert inline == []


def test_no_template_has_an_inline_script_or_handler():
    offenders = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        text = path.read_text()
        offenders += [
            f"{path.name}: {m.group(0)}" for m in SCRIPT.finditer(text) if "src=" not in m["attrs"]
        ]
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
    assert offenders == []
