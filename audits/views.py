"""HTML screens for audits. Placeholders until written."""

from django.http import HttpResponse

from accounts.choices import Role
from cpaudit.decorators import role_required

ALL_AUDIT_ROLES = (Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE)


@role_required(*ALL_AUDIT_ROLES)
def audit_list(request):
    return HttpResponse("audits")


@role_required(*ALL_AUDIT_ROLES)
def audit_detail(request, pk):
    return HttpResponse("audit")
