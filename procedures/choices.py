from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FilingKind(models.TextChoices):
    """What is filed (报备) with the authority (domain.md §7, §8)."""

    # The consultancy contract and the audit plan: where the policy says so, its
    # acceptance starts the audit (Wuhan).
    START = "start", _("Consultancy contract and audit plan")
    # A later contract (a new firm engaged), filed alone (Jiangsu).
    CONTRACT = "contract", _("Consultancy contract")


class FilingState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("state", "Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class InvitationState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    # Replaced after a decline or a declared conflict, or left the panel.
    REPLACED = "replaced", _("Replaced")


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
