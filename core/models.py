from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StateChange(models.Model):
    """One change of a record's state, the history row its workflow writes in the same
    transaction (design.md "Workflow"): who, when, from, to, why. Subclasses name the
    record and declare `from_state` and `to_state` with their choices."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"
