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


def in_use(exc) -> StateConflict:
    """A delete the database refused (a PROTECT or RESTRICT reference) as a conflict
    naming what still refers to the object (kind and the first few of each)."""
    objects = list(getattr(exc, "protected_objects", None) or exc.restricted_objects)
    by_kind: dict[str, list[str]] = {}
    for obj in objects:
        by_kind.setdefault(str(obj._meta.verbose_name_plural), []).append(str(obj))
    return StateConflict(
        _("This object is in use and cannot be deleted."),
        unmet=[
            _("Still referred to by: %(kind)s (%(names)s)")
            % {"kind": kind, "names": ", ".join(names[:5]) + (", …" if len(names) > 5 else "")}
            for kind, names in sorted(by_kind.items())
        ],
    )
