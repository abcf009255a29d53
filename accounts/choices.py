from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    AUTHORITY = "authority", _("Authority (EPB officer)")
    CONSULTANT = "consultant", _("Consultant")
    ENTERPRISE = "enterprise", _("Enterprise")
    EXPERT = "expert", _("Expert")


# The accounts an authority manages in its region (issue 16, item 4): the staff of its
# enterprises and of its consulting firms; the admin keeps the others.
STAFF_ROLES = (Role.ENTERPRISE, Role.CONSULTANT)
STAFF_ROLE_CHOICES = [(role.value, role.label) for role in STAFF_ROLES]


class AccountAction(models.TextChoices):
    CREATED = "created", _("Account created")
    CHANGED = "changed", _("Account changed")
    DEACTIVATED = "deactivated", _("Account deactivated")
    REACTIVATED = "reactivated", _("Account reactivated")
    INVITED = "invited", _("Invitation sent")


class OrganizationKind(models.TextChoices):
    AUTHORITY = "authority", _("Environmental protection bureau")
    CONSULTANCY = "consultancy", _("Consulting firm")
    EXPERT_BODY = "expert_body", _("Expert body")


# Which organisation kind each role belongs to (domain.md "People").
ROLE_ORGANIZATION_KIND = {
    Role.AUTHORITY: OrganizationKind.AUTHORITY,
    Role.CONSULTANT: OrganizationKind.CONSULTANCY,
    Role.EXPERT: OrganizationKind.EXPERT_BODY,
}


class AuditorLevel(models.TextChoices):
    ASSOCIATE = "associate", _("Associate auditor")
    AUDITOR = "auditor", _("Auditor")
    PRINCIPAL = "principal", _("Principal auditor")


# Years a certificate is valid from its issue, by level (seed 004, appendix, item 18).
CERTIFICATE_YEARS = {AuditorLevel.ASSOCIATE: 3, AuditorLevel.AUDITOR: 4, AuditorLevel.PRINCIPAL: 5}
# An associate auditor may not audit independently, only guided by an auditor (seed 004,
# item 9): associates do not count towards a team's qualified auditors.
QUALIFIED_LEVELS = {AuditorLevel.AUDITOR, AuditorLevel.PRINCIPAL}
