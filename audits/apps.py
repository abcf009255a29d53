from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")

    def ready(self):
        from core.numbers import register_places

        from . import (
            notices,  # noqa: F401  (the texts of this app's notifications)
            triggers,
        )
        from .choices import INDICATOR_PLACES

        register_places({str(code): places for code, places in INDICATOR_PLACES.items()})

        # Set again at every migrate (SQLite drops them when a table is rebuilt).
        triggers.REGION_CODE.connect(self)
        triggers.KEPT.connect(self)
