from django.db import models
from django.utils.translation import gettext_lazy as _

# The two steps of the review: the audit's states are built around them.
from audits.choices import ReviewKind

__all__ = ["QueueStage", "ReviewKind", "ReviewResult", "ReviewState"]


class ReviewState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    PANEL_FORMED = "panel_formed", _("Panel formed")
    CONCLUDED = "concluded", _("Concluded")


class ReviewResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class QueueStage(models.TextChoices):
    """Where an open round stands, as the authority's queue groups it."""

    WAITING_FOR_PANEL = "waiting_for_panel", _("Waiting for a panel")
    SCORING = "scoring", _("Scoring")
    READY = "ready", _("Ready to conclude")
    CONCLUDED = "concluded", _("Concluded")
