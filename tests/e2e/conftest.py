"""Real-browser tests: Debian's Chromium driven by Playwright against `live_server`.

No `playwright install` here (no internet): Playwright launches the system Chromium
that `make setup-test` installs.
"""

import os
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps trying the network and is slow on a closed one.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000  # a page loads in well under a second, but two cores run the suite in parallel


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's `live_server`, its middleware built without the HTTPS redirect.

    The server builds its middleware once, when it starts, before any function-scoped
    `settings` override: with DEBUG off, SecurityMiddleware would keep
    SECURE_SSL_REDIRECT=True and send Chromium to https://localhost, which fails.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _committing_database(transactional_db):
    """The live server reads what the test wrote, so these tests commit; tests/conftest.py
    restores the reference data such tests flush."""


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the tests of this package.

    Playwright's sync API keeps an event loop running in the test thread, and Django
    refuses database access from a thread with a running loop, so, as pytest-django's
    docs advise, DJANGO_ALLOW_ASYNC_UNSAFE is set, but only while the browser lives:
    set for the whole session it would leak into the `manage.py check --deploy`
    subprocess of tests/cpaudit/test_deploy.py (async.E001). Package scope closes the
    browser (and its loop) as soon as the last test here is done; pytest-django runs
    these transactional tests together, after the plain database tests.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's Chromium; "
            "run `make setup-test`.",
            pytrace=False,
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
            )
            yield browser
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
