from rest_framework import permissions


class RolePermission(permissions.BasePermission):
    """Which roles may use an endpoint at all; scope is the queryset's business.

    A view names `read_roles` (safe methods) and `write_roles` (everything else), and
    may give `action_roles = {"publish": {...}}` for its extra actions. A role outside
    them gets 403; an object outside the caller's scope is never in the queryset, so
    it is a 404 (design.md "Roles and scoping").
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        action_roles = getattr(view, "action_roles", {})
        action = getattr(view, "action", None)
        if action in action_roles:
            allowed = action_roles[action]
        elif request.method in permissions.SAFE_METHODS:
            allowed = getattr(view, "read_roles", None)
        else:
            allowed = getattr(view, "write_roles", ())
        return allowed is None or user.role in allowed
