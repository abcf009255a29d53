"""One way for a page to call a service (design.md "Layout": views are thin).

    outcome = submit(request, form, lambda data: services.target_save(actor=..., **data),
                     success=_("The target was saved."))
    if outcome.ok:
        return redirect(...)
    return render(..., {"form": form, "conflict": outcome.conflict}, status=outcome.status)

The service's ValidationError lands on the form (400), its StateConflict in
`outcome.conflict` (409, shown with its unmet reasons), an import's RowErrors in
`outcome.row_errors` (400); PermissionDenied goes on to the 403 page. A file store that
cannot be written (read-only, full) is a form error too, with 503 (issue 14).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .errors import RowErrors, StateConflict
from .forms import add_service_errors

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    ok: bool = False
    result: Any = None
    conflict: StateConflict | None = None
    row_errors: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # a ValidationError without a form
    unavailable: bool = False  # the file store could not be written

    @property
    def status(self) -> int:
        if self.ok:
            return 200
        return 409 if self.conflict else 503 if self.unavailable else 400


def submit(
    request, form, call: Callable, *, success=None, formsets=(), add_errors=add_service_errors
) -> Outcome:
    """Validate `form` (and `formsets`), then run `call(form.cleaned_data)` (`call()`
    when there is no form). `success`, a text or a callable of the result, becomes the
    page's success message."""
    if form is not None and not all([form.is_valid(), *(f.is_valid() for f in formsets)]):
        return Outcome()
    try:
        result = call() if form is None else call(form.cleaned_data)
    except ValidationError as error:
        if form is None:
            return Outcome(errors=list(error.messages))
        add_errors(form, error)
        return Outcome()
    except StateConflict as conflict:
        return Outcome(conflict=conflict)
    except RowErrors as error:
        return Outcome(row_errors=error.errors)
    except OSError as error:  # the service's transaction was rolled back
        log.error("file store unavailable: %r", error)
        message = _("The file could not be stored. Please try again later.")
        if form is not None:
            form.add_error(None, message)
        return Outcome(errors=[message], unavailable=True)
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return Outcome(ok=True, result=result)
