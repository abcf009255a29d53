"""HTML screens for the review rounds (the screens follow in the next commit)."""

from django.http import HttpResponse

from accounts.choices import Role
from cpaudit.decorators import role_required


@role_required(*Role.values)
def review_list(request):
    return HttpResponse("")


@role_required(*Role.values)
def review_detail(request, pk):
    return HttpResponse("")
