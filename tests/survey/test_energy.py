"""The energy conversion factors of survey/energy.py pinned to their source.

Source: GB/T 2589-2020 "综合能耗计算通则" (General principles for calculation of the
comprehensive energy consumption), Appendix A, 各种能源折标准煤参考系数; the same
figures as Appendix A of the 2008 edition for these carriers. 1 kgce = 7000 kcal =
29 307.6 kJ; each factor is the carrier's average low calorific value over 7000 kcal,
rounded to 4 places, which the second test recomputes.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from survey.energy import CARRIERS, default_factor

# carrier: (kgce per kg, m³, kWh, MJ, as the standard prints it; the average low
# calorific value in kcal per the same unit, as the standard gives it in kJ)
PUBLISHED = {
    # 原煤 20 908 kJ/kg (5000 kcal/kg): 0.7143 kgce/kg.
    "raw_coal": (Decimal("0.7143"), 5000),
    # 洗精煤 26 344 kJ/kg (6300 kcal/kg): 0.9000 kgce/kg.
    "cleaned_coal": (Decimal("0.9000"), 6300),
    # 焦炭 28 435 kJ/kg (6800 kcal/kg): 0.9714 kgce/kg.
    "coke": (Decimal("0.9714"), 6800),
    # 原油 41 816 kJ/kg (10 000 kcal/kg): 1.4286 kgce/kg.
    "crude_oil": (Decimal("1.4286"), 10000),
    # 燃料油 41 816 kJ/kg (10 000 kcal/kg): 1.4286 kgce/kg.
    "fuel_oil": (Decimal("1.4286"), 10000),
    # 汽油 43 070 kJ/kg (10 300 kcal/kg): 1.4714 kgce/kg.
    "gasoline": (Decimal("1.4714"), 10300),
    # 煤油 43 070 kJ/kg (10 300 kcal/kg): 1.4714 kgce/kg.
    "kerosene": (Decimal("1.4714"), 10300),
    # 柴油 42 652 kJ/kg (10 200 kcal/kg): 1.4571 kgce/kg.
    "diesel": (Decimal("1.4571"), 10200),
    # 液化石油气 50 179 kJ/kg (12 000 kcal/kg): 1.7143 kgce/kg.
    "lpg": (Decimal("1.7143"), 12000),
    # 天然气 32 238–38 931 kJ/m³: 1.1000–1.3300 kgce/m³; the upper value (9310 kcal/m³)
    # is used unless the plant gives its gas's measured factor.
    "natural_gas": (Decimal("1.3300"), 9310),
    # 电力 (当量值) 3600 kJ/kWh (860 kcal/kWh): 0.1229 kgce/kWh.
    "electricity": (Decimal("0.1229"), 860),
    # 热力 (当量值) 1 MJ (238.8 kcal): 0.03412 kgce/MJ, i.e. 0.03412 tce/GJ.
    "heat": (Decimal("0.03412"), None),
    # 蒸汽 (低压) 3763 MJ/t (900 kcal/kg): 0.1286 kgce/kg, the 2008 edition's single
    # value; the 2020 edition has steam depend on its pressure and temperature (not
    # checked here against that table): a plant with other steam gives its own factor.
    "steam": (Decimal("0.1286"), 900),
}
# tce per the carrier's base unit (t, m³, kWh, GJ) = kgce per kg / m³ / kWh / MJ × the
# base unit's size in kg / m³ / kWh / MJ ÷ 1000 kgce per tce.
TO_BASE = {"t": Decimal(1), "m³": Decimal("0.001"), "kWh": Decimal("0.001"), "GJ": Decimal(1)}


def test_every_carrier_is_pinned():
    assert set(CARRIERS) == set(PUBLISHED)


@pytest.mark.parametrize("carrier", sorted(PUBLISHED))
def test_each_factor_is_the_standards(carrier):
    _label, unit, factor = CARRIERS[carrier]
    published, _kcal = PUBLISHED[carrier]
    assert factor == published * TO_BASE[unit]


@pytest.mark.parametrize("carrier", sorted(c for c, (_f, kcal) in PUBLISHED.items() if kcal))
def test_each_factor_is_its_calorific_value_over_7000_kcal(carrier):
    published, kcal = PUBLISHED[carrier]
    places = Decimal("0.0001")
    assert (Decimal(kcal) / 7000).quantize(places, rounding=ROUND_HALF_UP) == published


def test_heat_per_megajoule_over_7000_kcal():
    # 1 MJ = 1000 / 4.1868 kcal.
    per_mj = Decimal(1000) / Decimal("4.1868") / 7000
    assert per_mj.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP) == PUBLISHED["heat"][0]


def test_units_as_written_convert_to_the_factor():
    assert default_factor("electricity", "万kWh") == Decimal("1.229")
    assert default_factor("natural_gas", "万m³") == Decimal("13.3")
    assert default_factor("raw_coal", "kg") == Decimal("0.0007143")
    assert default_factor("diesel", "t") == Decimal("1.4571")
    assert default_factor("steam", "t") == Decimal("0.1286")
    assert default_factor("electricity", "t") is None
