"""HTML screens for key-enterprise lists (authorities). Placeholder until written."""

from django.http import HttpResponse

from accounts.choices import Role
from cpaudit.decorators import role_required


@role_required(Role.ADMIN, Role.AUTHORITY)
def keylist_list(request):
    return HttpResponse("key lists")
