from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewKind(models.TextChoices):
    """The two steps of the review (domain.md §3, §4)."""

    ASSESSMENT = "assessment", _("Assessment")
    ACCEPTANCE = "acceptance", _("Acceptance")


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
