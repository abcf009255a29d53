import pytest

pytest.register_assert_rewrite("tests.support")

from cpaudit.celery import app as celery_app

from .support.cast import make_cast
from .support.matrix import parametrize_matrix


def pytest_generate_tests(metafunc):
    parametrize_matrix(metafunc)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Plain HTTP in tests, uploads in a temporary folder, no login lockout (its own
    tests turn it on), Celery in-process (broker tests turn that off)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    celery_app.conf.task_always_eager = True
    yield


@pytest.fixture
def cast(db):
    return make_cast()
