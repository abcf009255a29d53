"""One exception handler for the whole API: the error shapes of api.md.

Services raise Django's ValidationError (400 with field errors), PermissionDenied
(403) and StateConflict (409 with `unmet`); DRF's own errors pass through. Faults no
view meant (issue 14, item 2) answer in the same `{"detail"}` shape, never with a
traceback or a server path: a body nested too deeply 400, too large 413, the database or
the file store unavailable 503, anything else 500 (logged with its traceback). `fault`
says which; the URLconf's error handlers (cpaudit.views) use it for what happens before
a view runs.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import RowErrors, StateConflict

log = logging.getLogger(__name__)


def fault(exc) -> tuple[int, str]:
    """The status and message of an error no view handled (api.md "Errors" shape)."""
    if isinstance(exc, RecursionError):
        return 400, _("The request body is nested too deeply.")
    if isinstance(exc, RequestDataTooBig):
        return 413, _("The request body is too large.")
    if isinstance(exc, SuspiciousOperation):
        return 400, _("The request could not be understood.")
    if isinstance(exc, OperationalError | InterfaceError):
        return 503, _("The database is unavailable. Please try again shortly.")
    if isinstance(exc, OSError):
        return 503, _("The file store is unavailable. Please try again shortly.")
    return 500, _("A server error occurred. It has been logged.")


def validation_error_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    if isinstance(exc, StateConflict):
        set_rollback()
        return Response({"detail": exc.detail, "unmet": exc.unmet}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RowErrors):
        set_rollback()
        return Response({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError | RestrictedError):
        objects = getattr(exc, "protected_objects", None) or exc.restricted_objects
        set_rollback()
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
        return Response(
            {
                "detail": _("This object is in use and cannot be deleted."),
                "unmet": [_("Still referred to by: %(kind)s") % {"kind": k} for k in kinds],
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(validation_error_detail(exc))
    elif isinstance(exc, PermissionDenied):
        exc = DRFPermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:  # not an API error: a fault, answered in the same shape
        code, detail = fault(exc)
        if code >= 500:
            log.error("API fault (%s): %r", code, exc, exc_info=exc)
        set_rollback()
        response = Response({"detail": detail}, status=code)
    return response
