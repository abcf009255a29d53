"""The reports page: the reports the user asked for, their state (refreshed while any is
being rendered), and their files. Thin: the request is `services.report_request`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import Role
from audits.models import Audit
from cpaudit.decorators import role_required
from cpaudit.errors import StateConflict
from enterprises.models import Region

from .models import JobState, ReportFormat, ReportJob, ReportKind
from .services import report_file_response, report_request

PAGE_SIZE = 50
ROLES = tuple(Role)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Report"), choices=ReportKind.choices)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ReportFormat.choices)
    audit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    region = forms.CharField(required=False, widget=forms.HiddenInput)
    year = forms.IntegerField(required=False, min_value=2003, max_value=2100,
                              widget=forms.HiddenInput)


def _jobs(request):
    # The user's own requests, newest first; the subject's names on every row.
    return (ReportJob.objects.for_user(request.user).filter(requested_by=request.user)
            .select_related("audit__enterprise", "region"))


@role_required(*ROLES)
def report_list(request):
    page = Paginator(_jobs(request), PAGE_SIZE).get_page(request.GET.get("page"))
    busy = any(job.state in (JobState.PENDING, JobState.RUNNING) for job in page)
    template = ("reporting/_report_rows.html" if request.headers.get("HX-Request")
                else "reporting/report_list.html")
    return render(request, template, {"page": page, "busy": busy})


@role_required(*ROLES)
@require_POST
def report_create(request):
    """Ask for a report (from the buttons on an audit, a review or the statistics)."""
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That report cannot be made: %(errors)s")
                       % {"errors": "; ".join(e for errs in form.errors.values() for e in errs)})
        return redirect("report-list")
    data = form.cleaned_data
    audit = Audit.objects.for_user(request.user).filter(pk=data["audit"]).first() \
        if data["audit"] else None
    region = Region.objects.filter(pk=data["region"]).first() if data["region"] else None
    try:
        report_request(actor=request.user, kind=data["kind"], format=data["format"],
                       audit=audit, region=region, year=data["year"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except StateConflict as conflict:
        messages.error(request, " ".join([conflict.detail, *conflict.unmet]))
    else:
        messages.success(request, _("The report was requested; it appears below when ready."))
    return redirect("report-list")


@role_required(*ROLES)
def report_download(request, pk):
    job = get_object_or_404(ReportJob.objects.for_user(request.user), pk=pk,
                            state=JobState.DONE)
    return report_file_response(job)
