"""Energy carriers and their conversion to tonnes of standard coal equivalent (tce).

The factors are the reference conversion factors of GB/T 2589-2020 "General principles
for calculation of the comprehensive energy consumption" (综合能耗计算通则), Appendix A
(各种能源折标准煤参考系数); 1 kgce = 7000 kcal = 29 307.6 kJ. Each is pinned, with its
calorific value, in tests/survey/test_energy.py, which also recomputes it as that
calorific value over 7000 kcal (none needed changing, issue 18). They are the same as in
the 2008 edition for these carriers. Where the table gives a range (natural gas
1.1000–1.3300 kgce/m³) the upper value is used. Steam: the 2008 edition's single value
for low-pressure steam (0.1286 kgce/kg); the 2020 edition has steam depend on its
pressure and temperature, not checked here. A plant that knows the measured calorific
value of its fuel (or has other steam) gives the line its own factor instead
(`SurveyLine.tce_factor`).

Electricity is converted at its equivalent value (当量值, 0.1229 kgce/kWh), as the
comprehensive energy consumption of an enterprise counts it.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# carrier: (label, base unit, tce per base unit)
CARRIERS = {
    "raw_coal": (_("Raw coal"), "t", Decimal("0.7143")),
    "cleaned_coal": (_("Cleaned coal"), "t", Decimal("0.9000")),
    "coke": (_("Coke"), "t", Decimal("0.9714")),
    "crude_oil": (_("Crude oil"), "t", Decimal("1.4286")),
    "fuel_oil": (_("Fuel oil"), "t", Decimal("1.4286")),
    "gasoline": (_("Gasoline"), "t", Decimal("1.4714")),
    "kerosene": (_("Kerosene"), "t", Decimal("1.4714")),
    "diesel": (_("Diesel"), "t", Decimal("1.4571")),
    "lpg": (_("Liquefied petroleum gas"), "t", Decimal("1.7143")),
    "natural_gas": (_("Natural gas"), "m³", Decimal("0.0013300")),
    "electricity": (_("Electricity"), "kWh", Decimal("0.0001229")),
    "heat": (_("Heat"), "GJ", Decimal("0.03412")),
    "steam": (_("Steam (low pressure)"), "t", Decimal("0.1286")),
}

# Names a pasted sheet uses for a carrier, in either language.
ALIASES = {
    "原煤": "raw_coal",
    "煤": "raw_coal",
    "coal": "raw_coal",
    "洗精煤": "cleaned_coal",
    "焦炭": "coke",
    "原油": "crude_oil",
    "燃料油": "fuel_oil",
    "重油": "fuel_oil",
    "汽油": "gasoline",
    "煤油": "kerosene",
    "柴油": "diesel",
    "液化石油气": "lpg",
    "天然气": "natural_gas",
    "gas": "natural_gas",
    "电": "electricity",
    "电力": "electricity",
    "用电": "electricity",
    "power": "electricity",
    "热力": "heat",
    "蒸汽": "steam",
}

# A unit as written → (base unit, how many base units it is).
UNITS = {
    "t": ("t", Decimal(1)),
    "吨": ("t", Decimal(1)),
    "kg": ("t", Decimal("0.001")),
    "万t": ("t", Decimal(10000)),
    "万吨": ("t", Decimal(10000)),
    "kwh": ("kWh", Decimal(1)),
    "kw·h": ("kWh", Decimal(1)),
    "度": ("kWh", Decimal(1)),
    "mwh": ("kWh", Decimal(1000)),
    "万kwh": ("kWh", Decimal(10000)),
    "万度": ("kWh", Decimal(10000)),
    "m³": ("m³", Decimal(1)),
    "m3": ("m³", Decimal(1)),
    "立方米": ("m³", Decimal(1)),
    "万m³": ("m³", Decimal(10000)),
    "万m3": ("m³", Decimal(10000)),
    "万立方米": ("m³", Decimal(10000)),
    "gj": ("GJ", Decimal(1)),
    "mj": ("GJ", Decimal("0.001")),
    "tce": ("tce", Decimal(1)),
    "kgce": ("tce", Decimal("0.001")),
    "万tce": ("tce", Decimal(10000)),
}


def normal_unit(unit: str) -> str:
    """A unit compared without case, blanks or a trailing "/a" (per year)."""
    unit = unit.strip().lower().replace(" ", "")
    for suffix in ("/a", "/年", "/yr", "/year"):
        if unit.endswith(suffix):
            unit = unit[: -len(suffix)]
    return unit


def base(unit: str) -> tuple[str, Decimal] | None:
    """(base unit, scale) of a unit we know, else None."""
    return UNITS.get(normal_unit(unit))


def carrier_for(name: str) -> str | None:
    """The carrier a line's name stands for, by code, label or alias."""
    key = name.strip().lower()
    if key in CARRIERS:
        return key
    for code, (label, _unit, _factor) in CARRIERS.items():
        if key == str(label).lower():
            return code
    return ALIASES.get(key)


def default_factor(carrier: str, unit: str) -> Decimal | None:
    """tce per `unit` of `carrier` from the published factor, when the unit converts to
    the carrier's base unit."""
    if carrier not in CARRIERS:
        return None
    _label, carrier_unit, factor = CARRIERS[carrier]
    known = base(unit)
    if known is None or known[0] != carrier_unit:
        return None
    return factor * known[1]


def carrier_choices():
    return [(code, label) for code, (label, _unit, _factor) in CARRIERS.items()]
