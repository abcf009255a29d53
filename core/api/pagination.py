from rest_framework import pagination

from core.paging import IdsFirstPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M`: 50 by default, at most 200 (api.md "Conventions")."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class IdsFirstPagination(PageNumberPagination):
    """The same pages of a long list read ids first, then the page's rows (core.paging)."""

    django_paginator_class = IdsFirstPaginator
