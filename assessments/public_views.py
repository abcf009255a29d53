"""Public page (no login, domain.md §4): the acceptance results, published once a round
is concluded."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from enterprises.public_forms import PublicSearchForm

from .models import Review

PAGE_SIZE = 50


def public_acceptance_list(request):
    form = PublicSearchForm(request.GET or None)
    search = form.search()
    reviews = Review.objects.public()
    if search:
        reviews = reviews.filter(
            Q(audit__enterprise__name__icontains=search)
            | Q(audit__enterprise__credit_code__contains=search.replace(" ", "").upper()))
    # The enterprise and its region are on every row.
    reviews = reviews.select_related("audit__enterprise__region").order_by(
        "-concluded_on", "-id")
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/acceptance_list.html", {
        "form": form, "page": page, "search": search, "public_tab": "acceptances"})
