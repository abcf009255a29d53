from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class IndustryLevel(models.TextChoices):
    SECTION = "section", _("Section")
    DIVISION = "division", _("Division")


class Category(models.TextChoices):
    """Why an enterprise is on the key list (domain.md §1)."""

    EXCEEDS_STANDARDS = "exceeds_standards", _("Exceeds standards (双超)")
    TOXIC_HAZARDOUS = "toxic_hazardous", _("Toxic or hazardous (双有)")
    ENERGY_INTENSIVE = "energy_intensive", _("Energy intensive (高耗能)")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("On the list")
    REMOVED = "removed", _("Removed")


class AmendmentAction(models.TextChoices):
    ADD = "add", _("Added")
    REMOVE = "remove", _("Removed")


class DischargeMode(models.TextChoices):
    ORGANISED = "organised", _("Organised (stack or outfall)")
    FUGITIVE = "fugitive", _("Fugitive")
    INDIRECT = "indirect", _("Indirect (to a treatment plant)")
    DIRECT = "direct", _("Direct (to the environment)")


class OpenAudit(models.TextChoices):
    """What publishing the list does when the entry's enterprise still has an audit open
    from an earlier list (one open audit per enterprise; audits.publishing)."""

    CONTINUE = "continue", _("Continue the open audit")
    CLOSE = "close", _("Cancel it and open a new one")
