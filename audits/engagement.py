"""Checks run when an enterprise engages a consulting firm, registered by the rooms above
(supervision's registry of firms by industry, domain.md §8 "Consultancies (Jiangsu)"):
this room cannot import them, so they register here as the app starts.

A check is `check(*, audit, consultancy) -> list[str]`: the warnings to show, or it
raises ValidationError to refuse the engagement (the province's policy decides which).
"""

_checks = []


def register(check):
    if check not in _checks:
        _checks.append(check)
    return check


def engagement_warnings(*, audit, consultancy) -> list[str]:
    """Every registered check's warnings for engaging `consultancy` on `audit`."""
    if consultancy is None:
        return []
    warnings = []
    for check in _checks:
        warnings += check(audit=audit, consultancy=consultancy)
    return warnings
