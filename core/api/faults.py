"""What the API answers when no view could (issue 14, item 2): the URLconf's error
handlers and a body-size guard, each in the API's `{"detail"}` shape under /api/, the
usual pages elsewhere. Nothing shows a traceback or a server path."""

import sys

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from .errors import fault

API_PREFIX = "/api/"
# A multipart body carries the file and a little more (boundaries, the other fields).
MULTIPART_OVERHEAD = 1024 * 1024


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": str(detail)}, status=status)


def body_limit(request) -> int:
    """The largest body the API reads: a document upload (MAX_UPLOAD_BYTES) when
    multipart, otherwise what Django keeps in memory (DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        return settings.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class APIBodyLimitMiddleware:
    """Refuse an API request whose declared body is larger than the API reads, with 413
    before anything reads it (DRF reads a JSON body in full, whatever its size)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return api_error(400, _("The request could not be understood."))
            if length > body_limit(request):
                return api_error(413, _("The request body is too large."))
        return self.get_response(request)


def _current_fault():
    return fault(sys.exc_info()[1])


def bad_request(request, exception):
    if is_api(request):
        return api_error(*fault(exception))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        from rest_framework.exceptions import PermissionDenied

        return api_error(403, PermissionDenied.default_detail)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        from rest_framework.exceptions import NotFound

        return api_error(404, NotFound.default_detail)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """A fault outside any view (a middleware that found the database down, say): 503 or
    500 in the API's shape; the plain 500 page elsewhere."""
    if is_api(request):
        return api_error(*_current_fault())
    return defaults.server_error(request)
