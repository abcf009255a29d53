"""The roles that have no business with supervision: 403 on every page and endpoint."""

NOT_FOR_THEM = {
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 403,
    "other_enterprise_user": 403,
    "expert": 403,
}
