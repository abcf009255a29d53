"""Numbers as a Chinese official reads them (issue 17, item 4): comma-grouped thousands,
the same decimals for every figure of a unit, money in yuan or in 万元 (ten thousand
yuan, the unit of the provincial performance tables) as the reader chose, and nothing
shown as a number where nobody reported one.

The reader's money unit lives in the session (`?money=wan` / `?money=yuan` on any page,
MoneyUnitMiddleware); without a choice it follows the language: 万元 in the Chinese UI
(the unit of the official tables and of the enterprises' own reports), yuan in the
English one (a foreign reader does not count in ten thousands). A page rendered outside
a request (a PDF by the worker) takes the language's default.

Places per unit: money 2 decimals in 万元 and none in yuan (a table to the fen in yuan
reads as noise); an indicator the places its app registers (`register_places`,
audits registers its benefit indicators); otherwise the figure as entered, without
trailing zeros (never `1.2000`), at most 4 places.
"""

from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import pgettext

from core.i18n import is_chinese

YUAN = "yuan"
WAN = "wan"
MONEY_UNITS = (YUAN, WAN)
SESSION_KEY = "money_unit"
MAX_PLACES = 4

# The reader's choice for the current request: a unit, or a callable that reads it from
# the session only when a page shows money (no session access, no `Vary: Cookie`, else).
_unit: ContextVar = ContextVar("money_unit", default=None)

# Indicator (or unit) code -> decimal places, registered by the apps that own them.
PLACES: dict[str, int] = {}


def register_places(places: dict[str, int]) -> None:
    PLACES.update(places)


def money_unit() -> str:
    """The reader's money unit: their choice, else the language's default."""
    chosen = _unit.get()
    if callable(chosen):
        chosen = chosen()
    if chosen in MONEY_UNITS:
        return chosen
    return WAN if is_chinese() else YUAN


def set_money_unit(unit):
    """Set the unit (or a callable returning it) for the current request; a token for
    `reset_money_unit`. An unknown unit is no choice."""
    return _unit.set(unit if callable(unit) or unit in MONEY_UNITS else None)


def reset_money_unit(token) -> None:
    _unit.reset(token)


def money_unit_label(unit: str | None = None) -> str:
    unit = unit or money_unit()
    if unit == WAN:
        return pgettext("money unit", "10,000 yuan")
    return pgettext("money unit", "yuan")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(value, places: int | None = None) -> str | None:
    """`value` comma-grouped with `places` decimals (None: as entered, trailing zeros
    dropped, at most MAX_PLACES); None for no figure. -0 reads 0."""
    number = _decimal(value)
    if number is None:
        return None
    if places is None:
        number = number.quantize(Decimal(1).scaleb(-MAX_PLACES), rounding=ROUND_HALF_UP)
        number = number.normalize()
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
    else:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number.is_zero():
        number = abs(number)
    text = f"{number:,f}"
    return text


def format_money(value, unit: str | None = None) -> str | None:
    """An amount in yuan, in the reader's unit: 1,234,568 (yuan) or 123.46 (万元)."""
    number = _decimal(value)
    if number is None:
        return None
    if (unit or money_unit()) == WAN:
        return format_number(number / 10000, 2)
    return format_number(number, 0)


def format_indicator(value, indicator: str) -> str | None:
    """A figure of an indicator (or unit) with its registered places."""
    return format_number(value, PLACES.get(indicator))
