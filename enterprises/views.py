from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from accounts.choices import Role
from cpaudit.decorators import role_required

from .filters import EnterpriseFilter
from .forms import EnterpriseFilterForm
from .models import Enterprise


@role_required(Role.ADMIN, Role.AUTHORITY)
def enterprise_list(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    enterprises = EnterpriseFilter(
        request.GET,
        # region and industry names are on every row.
        queryset=Enterprise.objects.for_user(request.user).select_related("region", "industry"),
    ).qs
    page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
    return render(request, "enterprises/enterprise_list.html", {"form": form, "page": page})


@role_required(Role.ADMIN, Role.AUTHORITY, Role.ENTERPRISE)
def enterprise_detail(request, pk):
    enterprise = get_object_or_404(
        Enterprise.objects.for_user(request.user).select_related(
            "region__parent", "industry__section"
        ),
        pk=pk,
    )
    return render(request, "enterprises/enterprise_detail.html", {"enterprise": enterprise})
