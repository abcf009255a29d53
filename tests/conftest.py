import os
from contextlib import ExitStack

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.test import TransactionTestCase
from django.test.utils import override_settings
from django.utils import translation

pytest.register_assert_rewrite("tests.support")

from assessments.models import ScoringSheet  # noqa: E402
from assessments.sheets import load_national_sheets  # noqa: E402
from cpaudit.celery import app as celery_app  # noqa: E402
from enterprises.models import Industry, ProvincePolicy, Region  # noqa: E402
from enterprises.reference import ensure_national_policy, load_reference_data  # noqa: E402

from .support.cast import make_cast  # noqa: E402
from .support.matrix import parametrize_matrix  # noqa: E402


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Runs of the suite side by side on one server (a developer's and CI's) each get
    their own test database: test_<name>_<pid>, dropped when the run ends."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        if "postgresql" not in database["ENGINE"]:
            continue  # SQLite tests run in memory
        test = database.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{os.getpid()}"


def pytest_generate_tests(metafunc):
    parametrize_matrix(metafunc)


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return (
        "transactional_db" in fixtures
        or "live_server" in fixtures
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-django runs the committing tests after the others; among them, start the
    broker tests first: they wait on a worker process (one on retries for half a
    minute), and the parallel run would otherwise end waiting for them alone. The
    browser tests share one process (`--dist loadgroup`): two Chromiums and two live
    servers at once on two cores make their timeouts flaky."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("browser"))
    items.sort(
        key=lambda item: (
            (_commits(item), item.get_closest_marker("broker") is None)
            if _commits(item)
            else (False, False)
        )
    )


TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "SECURE_SSL_REDIRECT": False,
    "AXES_ENABLED": False,
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


@pytest.fixture(scope="class")
def class_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """One transaction around a whole test class, rolled back after its last test, for
    the data its tests share (a role matrix's world: walking a round through the phases
    takes a fifth of a second and a matrix has a hundred cells). Each test still runs in
    a savepoint of its own (pytest-django's `db`), so whatever a cell changes is undone
    before the next one. The settings are those `_test_settings` gives every test."""
    with ExitStack() as stack:
        stack.enter_context(
            override_settings(**TEST_SETTINGS, MEDIA_ROOT=tmp_path_factory.mktemp("media"))
        )
        stack.enter_context(translation.override(django_settings.LANGUAGE_CODE))
        stack.enter_context(django_db_blocker.unblock())
        celery_app.conf.task_always_eager = True
        stack.enter_context(transaction.atomic())
        stack.callback(transaction.set_rollback, True)  # runs before the atomic closes
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Plain HTTP in tests, uploads in a temporary folder, no login lockout (its own
    tests turn it on), Celery in-process (broker tests turn that off)."""
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)
    # Production's hashed static names need collectstatic; tests use the plain ones.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    celery_app.conf.task_always_eager = True
    # A request in Chinese leaves its language active in the thread; start each test
    # in the default language.
    translation.activate(settings.LANGUAGE_CODE)
    yield


# Tables a committing test leaves as they are: the migrations' reference rows, which
# Django's flush would empty and the next such test would load again (a second each).
KEPT_BY_FLUSH = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "enterprises_region",
    "enterprises_industry",
}


def _quick_flush(self):
    """TransactionTestCase's teardown on PostgreSQL: empty the tables with DELETE, the
    foreign keys' triggers off for the session (`session_replication_role`, a superuser
    setting: without it, Django's TRUNCATE as before), keeping KEPT_BY_FLUSH. A TRUNCATE
    of sixty tables takes a second here; these DELETEs of a few rows each, milliseconds."""
    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                return _django_flush(self)
            tables = [
                t
                for t in connection.introspection.django_table_names(
                    only_existing=True, include_views=False
                )
                if t not in KEPT_BY_FLUSH
            ]
            cursor.execute("SET session_replication_role = replica")
            try:
                for table in tables:
                    cursor.execute(f'DELETE FROM "{table}"')
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")


_django_flush = TransactionTestCase._fixture_teardown


@pytest.fixture(scope="session", autouse=True)
def _flush_quickly_on_postgresql(django_db_setup):
    if all(connections[alias].vendor == "postgresql" for alias in connections):
        TransactionTestCase._fixture_teardown = _quick_flush
    yield
    TransactionTestCase._fixture_teardown = _django_flush


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Tests on a committing database (`transactional_db`: the live server, the broker
    worker) empty the tables when they end (on PostgreSQL all but the reference tables,
    `_quick_flush`). Put what is missing of the reference data, the national policy and
    sheets back before each such test."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
        if not Region.objects.exists():
            load_reference_data(Region, Industry)
        ensure_national_policy(ProvincePolicy)
        load_national_sheets(ScoringSheet)


@pytest.fixture
def cast(db):
    return make_cast()
