from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .selectors import dashboard_context


def home(request):
    return redirect("dashboard" if request.user.is_authenticated else "login")


@login_required
def dashboard(request):
    """One dashboard per role: templates/dashboard/<role>.html."""
    context = dashboard_context(request.user)
    return render(request, f"dashboard/{request.user.role}.html", context)
