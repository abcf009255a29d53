from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    """The reports an authority sends one level up (domain.md §5, §8: Hubei 2026)."""

    PROGRESS_H1 = "progress_h1", _("Progress report, first half-year")
    PROGRESS_H2 = "progress_h2", _("Progress report, second half-year")
    ANNUAL = "annual", _("Annual summary (performance table)")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("state", "Submitted")
    RETURNED = "returned", _("Returned")
    RECEIVED = "received", _("Received")


class OutsideIndustry(models.TextChoices):
    """What engaging a firm outside its registered industries does (Jiangsu forbids it)."""

    WARN = "warn", _("Warn")
    REFUSE = "refuse", _("Refuse")


class PenaltyGround(models.TextChoices):
    """Why the penalty was decided (domain.md §8: Beijing 2017)."""

    NOT_AUDITED = "not_audited", _("Did not carry out the audit")
    FAKED = "faked", _("Faked the audit")
    NOT_REPORTED = "not_reported", _("Did not report")
    OTHER = "other", _("Other")
