from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.choices import Role
from audits.models import Audit


class ReportKind(models.TextChoices):
    AUDIT_SUMMARY = "audit_summary", _("Audit summary")
    ASSESSMENT_OPINION = "assessment_opinion", _("Assessment opinion")
    ACCEPTANCE_OPINION = "acceptance_opinion", _("Acceptance opinion")
    PROVINCE_SUMMARY = "province_summary", _("Province performance table")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class JobState(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", pgettext_lazy("report job", "Failed")


def report_path(job, filename):
    # Outside any public URL, like the documents; served by a scoped view.
    return f"reports/{job.pk}/{filename}"


class ReportJobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A job is visible to whoever may see its subject (api.md "Reports"): the audit
        (or the audit of the review) in the user's scope, or, for a province summary, a
        region within the authority's scope."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role is None:
            return self.none()
        condition = Q(audit__in=Audit.objects.for_user(user))
        if role == Role.AUTHORITY and user.scope_prefix:
            condition |= Q(
                kind=ReportKind.PROVINCE_SUMMARY, region__code__startswith=user.scope_prefix
            )
        return self.filter(condition)


class ReportJob(models.Model):
    """A report rendered by a Celery task (api.md "Reports and statistics"): the request,
    its state and timings, the error of a failed render, and the file."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    state = models.CharField(
        _("state"), max_length=8, choices=JobState.choices, default=JobState.PENDING
    )
    audit = models.ForeignKey(
        "audits.Audit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("audit"),
    )
    review = models.ForeignKey(
        "assessments.Review",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("review round"),
    )
    region = models.ForeignKey(
        "enterprises.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Written by the rendering worker every few seconds (reporting.workflow.heartbeat).
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=report_path, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        indexes = [models.Index(fields=["state", "created_at"], name="reportjob_state")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.format}) #{self.pk}"


class ReminderLog(models.Model):
    """One deadline reminder sent (issue 6): the audit, which deadline, its date and how
    many days before it (0: the day it passed). Unique, so a reminder is never sent
    twice, whatever the number of runs."""

    audit = models.ForeignKey(
        "audits.Audit", on_delete=models.CASCADE, related_name="reminders", verbose_name=_("audit")
    )
    deadline = models.CharField(_("deadline"), max_length=20)
    due_on = models.DateField(_("due on"))
    days_before = models.SmallIntegerField(_("days before"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "deadline", "due_on", "days_before"], name="reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.audit_id} {self.deadline} {self.due_on} −{self.days_before}"
