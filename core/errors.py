"""Errors that services raise; the API and the HTML views translate them."""

from django.utils.translation import gettext_lazy as _


class StateConflict(Exception):
    """The object's state does not allow this (HTTP 409 with the unmet reasons)."""

    def __init__(self, detail=None, unmet=None):
        self.detail = str(detail or _("The object's state does not allow this."))
        self.unmet = [str(reason) for reason in (unmet or [])]
        super().__init__(self.detail)


class RowErrors(Exception):
    """An import found bad rows: `[{"row", "field", "message"}]`; nothing was saved."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(f"{len(errors)} row errors")
