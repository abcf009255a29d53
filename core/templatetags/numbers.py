"""Figures in pages (core/numbers.py says how): `{% load numbers %}`, then

- `{{ value|num }}`: comma-grouped, as entered without trailing zeros (at most 4
  places); `{{ value|num:2 }}` with 2 places; counts `{{ n|num:0 }}`.
- `{{ value|money }}`: an amount stored in yuan, in the reader's unit (yuan or 万元);
  `{% money_unit %}` the unit's name for the column heading.
- `{{ value|indicator:code }}`: a benefit figure with its indicator's places.
- `{{ value|pct }}`: a percentage, 1 place.

A figure nobody reported (None) reads as a grey "—", never as 0.0000.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core import numbers

register = template.Library()


def _shown(text):
    if text is None:
        return format_html(
            '<span class="text-body-tertiary" title="{}">—</span>', _("Not reported")
        )
    return text


@register.filter
def num(value, places=None):
    places = None if places in (None, "") else int(places)
    return _shown(numbers.format_number(value, places))


@register.filter
def money(value):
    return _shown(numbers.format_money(value))


@register.filter
def indicator(value, code):
    return _shown(numbers.format_indicator(value, code))


@register.filter
def pct(value):
    return _shown(numbers.format_number(value, 1))


@register.simple_tag
def money_unit():
    return numbers.money_unit_label()


@register.simple_tag
def money_unit_code():
    return numbers.money_unit()


@register.inclusion_tag("includes/money_switch.html", takes_context=True)
def money_switch(context):
    """Links that show the page's money in yuan or in 万元 (the choice is kept)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    links = []
    for unit in numbers.MONEY_UNITS:
        href = ""
        if query is not None:
            query["money"] = unit
            href = f"?{query.urlencode()}"
        links.append((unit, numbers.money_unit_label(unit), href))
    return {"links": links, "current": numbers.money_unit()}
