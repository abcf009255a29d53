"""Public pages (no login): published lists, disclosures. Placeholder until written."""

from django.http import HttpResponse


def public_keylist_list(request):
    return HttpResponse("public lists")
