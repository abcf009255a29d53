from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from audits import engagement, events
        from reporting import statistics

        from . import notices  # noqa: F401  (the texts of this app's notifications)
        from .selectors import audit_events, record_extension
        from .services import registry_check

        engagement.register(registry_check)
        events.register_provider(audit_events)
        statistics.register_record_extension(record_extension)
