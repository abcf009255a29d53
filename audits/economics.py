"""The economics of a mid/high-cost option (domain.md §2, phase 5): payback, NPV, IRR.

Cash flows: the investment at year 0, then the same annual net benefit for each year
of the lifetime.
"""

from decimal import Decimal


def payback_years(investment: float, annual_net_benefit: float) -> float | None:
    """Simple payback: investment / annual net benefit; None if it never pays back."""
    if annual_net_benefit <= 0:
        return None
    return investment / annual_net_benefit


def npv(rate: float, investment: float, annual_net_benefit: float, years: int) -> float:
    if rate == 0:
        return annual_net_benefit * years - investment
    try:
        annuity = (1 - (1 + rate) ** -years) / rate
    except OverflowError:  # a rate near -100 % over many years: the NPV is huge
        return float("inf")
    return annual_net_benefit * annuity - investment


def irr(
    investment: float, annual_net_benefit: float, years: int, tolerance: float = 1e-10
) -> float | None:
    """The rate at which NPV is zero, by bisection on a bracketed sign change.

    With one outflow followed by equal inflows NPV falls strictly with the rate, so the
    root is unique when it exists. None when it does not: nothing invested, no benefit,
    or undiscounted benefits that never recover the investment (IRR below -99 %).
    """
    if investment <= 0 or annual_net_benefit <= 0 or years <= 0:
        return None
    low, high = -0.99, 1.0
    if npv(low, investment, annual_net_benefit, years) < 0:
        return None
    while npv(high, investment, annual_net_benefit, years) > 0:
        high *= 2
        if high > 1e6:
            return None
    for _ in range(200):
        middle = (low + high) / 2
        if npv(middle, investment, annual_net_benefit, years) > 0:
            low = middle
        else:
            high = middle
        if high - low < tolerance:
            break
    return (low + high) / 2


def option_economics(*, investment, annual_net_benefit, lifetime_years, discount_rate) -> dict:
    """payback_years, npv and irr as Decimals (None where undefined or not given)."""
    result = {"payback_years": None, "npv": None, "irr": None}
    if annual_net_benefit is None:
        return result
    invest, benefit = float(investment or 0), float(annual_net_benefit)
    payback = payback_years(invest, benefit)
    if payback is not None:
        result["payback_years"] = Decimal(f"{payback:.2f}")
    if lifetime_years:
        if discount_rate is not None:
            result["npv"] = Decimal(
                f"{npv(float(discount_rate), invest, benefit, lifetime_years):.2f}"
            )
        rate = irr(invest, benefit, lifetime_years)
        if rate is not None:
            result["irr"] = Decimal(f"{rate:.4f}")
    return result
