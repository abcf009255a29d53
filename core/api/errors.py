"""One exception handler for the whole API: the error shapes of api.md.

Services raise Django's ValidationError (400 with field errors), PermissionDenied
(403) and StateConflict (409 with `unmet`); DRF's own errors pass through.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import status
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import RowErrors, StateConflict, in_use


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
        set_rollback()
        conflict = in_use(exc)
        return Response(
            {"detail": conflict.detail, "unmet": conflict.unmet}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(validation_error_detail(exc))
    elif isinstance(exc, PermissionDenied):
        exc = DRFPermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
