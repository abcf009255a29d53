from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from core.numbers import register_places

        from . import (
            notices,  # noqa: F401  (the texts of this app's notifications)
            triggers,
        )
        from .choices import INDICATOR_PLACES

        register_places({str(code): places for code, places in INDICATOR_PLACES.items()})

        # SQLite drops a table's triggers when a migration rebuilds it, and a rebuild
        # trips over a trigger naming the table: off while migrating, then set again.
        pre_migrate.connect(triggers.drop_for_rebuilds, sender=self)
        post_migrate.connect(triggers.reinstall, sender=self)
