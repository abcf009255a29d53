"""Read queries of the enterprises app."""

from django.db.models import Q


def enterprise_search_q(value: str, path: str = "") -> Q:
    """An enterprise by any part of its name or of its unified social credit code
    (stored in capitals, typed with or without spaces); `path` leads from the rows
    searched to the enterprise (`"enterprise"`, `"entry__enterprise"`)."""
    prefix = f"{path}__" if path else ""
    value = value.strip()
    return Q(**{f"{prefix}name__icontains": value}) | Q(
        **{f"{prefix}credit_code__contains": value.replace(" ", "").upper()}
    )
