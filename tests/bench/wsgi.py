"""The deployed WSGI application with tests/bench/urls.py as its URLconf (the bare DRF
view beside the app's own pages), for tests/bench/load.py."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpaudit.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
settings.ROOT_URLCONF = "tests.bench.urls"
