from django.db import models
from django.utils.translation import gettext_lazy as _


class LineCategory(models.TextChoices):
    """What a line of the status survey counts (domain.md §2, phase 2: process,
    materials, energy, emissions), one value per year."""

    OUTPUT = "output", _("Output")
    RAW_MATERIAL = "raw_material", _("Raw material")
    WATER = "water", _("Water")
    ENERGY = "energy", _("Energy")
    WASTEWATER = "wastewater", _("Wastewater")
    POLLUTANT = "pollutant", _("Pollutant emission")
    SOLID_WASTE = "solid_waste", _("Solid waste")
    HAZARDOUS_WASTE = "hazardous_waste", _("Hazardous waste")


# The categories each of the three years needs before phase 2 is done.
REQUIRED_CATEGORIES = (LineCategory.OUTPUT, LineCategory.ENERGY, LineCategory.WATER)


class MonitoringSource(models.TextChoices):
    ONLINE = "online", _("Online monitoring")
    PERMIT = "permit", _("Discharge permit")


class Direction(models.TextChoices):
    """How an indicator's value meets a grade's benchmark."""

    LOWER = "lower", _("At most the benchmark")
    HIGHER = "higher", _("At least the benchmark")
    # Qualitative requirements: the value recorded is the best grade met (1, 2, 3).
    QUALITATIVE = "qualitative", _("Qualitative: the best grade met")
