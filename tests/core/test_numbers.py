"""Numbers as a Chinese official reads them (issue 17 item 4): core/numbers.py and the
`numbers` template filters, in both languages, for no figure, zero, large and negative
figures, and the yuan / 万元 switch."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from core import numbers
from core.middleware import MoneyUnitMiddleware
from core.numbers import format_indicator, format_money, format_number


def render(source: str, **context) -> str:
    return Template("{% load numbers %}" + source).render(Context(context))


@pytest.fixture(params=["en", "zh-hans"])
def language(request):
    with translation.override(request.param):
        yield request.param


def test_grouping_and_places_are_the_same_in_both_languages(language):
    assert format_number(Decimal("1234567.8")) == "1,234,567.8"
    assert format_number(Decimal("1234567.8"), 2) == "1,234,567.80"
    assert format_number(1234567, 0) == "1,234,567"
    assert format_number(Decimal("-1234.5"), 0) == "-1,235"  # half away from zero
    assert format_number(Decimal("-1234.5")) == "-1,234.5"
    assert format_number("2500.0000") == "2,500"


def test_no_trailing_zeros_and_no_zero_noise(language):
    assert format_number(Decimal("1.2000")) == "1.2"
    assert format_number(Decimal("0.0000")) == "0"
    assert format_number(Decimal("-0.00001"), 2) == "0.00"  # never "-0.00"
    assert format_number(Decimal("0.123456")) == "0.1235"  # at most 4 places
    assert format_number(Decimal("1E+3")) == "1,000"
    assert format_number(0, 0) == "0"


def test_no_figure_is_none(language):
    assert format_number(None) is None
    assert format_number("") is None
    assert format_number("not a number") is None
    assert format_money(None) is None
    assert format_indicator(None, "water_t") is None


def test_money_in_yuan_or_in_wan():
    amount = Decimal("251000.50")
    assert format_money(amount, "yuan") == "251,001"
    assert format_money(amount, "wan") == "25.10"
    assert format_money(Decimal("123456789012.34"), "wan") == "12,345,678.90"
    assert format_money(Decimal("-15000"), "wan") == "-1.50"
    assert format_money(0, "yuan") == "0"
    assert format_money(0, "wan") == "0.00"


def test_the_default_money_unit_follows_the_language():
    with translation.override("en"):
        assert numbers.money_unit() == "yuan"
        assert format_money(Decimal("251000.50")) == "251,001"
        assert numbers.money_unit_label() == "yuan"
    with translation.override("zh-hans"):
        assert numbers.money_unit() == "wan"
        assert format_money(Decimal("251000.50")) == "25.10"
    token = numbers.set_money_unit("wan")
    try:
        with translation.override("en"):
            assert format_money(Decimal("251000.50")) == "25.10"
            assert numbers.money_unit_label() == "10,000 yuan"
    finally:
        numbers.reset_money_unit(token)
    token = numbers.set_money_unit("bogus")  # an unknown unit is no choice
    try:
        with translation.override("en"):
            assert numbers.money_unit() == "yuan"
    finally:
        numbers.reset_money_unit(token)


def test_indicators_have_their_own_places(language):
    assert format_indicator(Decimal("4800.0000"), "water_t") == "4,800"
    assert format_indicator(Decimal("1.5"), "cod_t") == "1.500"
    assert format_indicator(Decimal("12.3456"), "energy_tce") == "12.35"
    assert format_indicator(Decimal("30000"), "economic_yuan") == "30,000"
    assert format_indicator(Decimal("1.2000"), "unknown") == "1.2"  # as entered


def test_filters(language):
    assert render("{{ v|num }}", v=Decimal("1234567.8000")) == "1,234,567.8"
    assert render("{{ v|num:2 }}", v=Decimal("-1234.5")) == "-1,234.50"
    assert render("{{ v|num:0 }}", v=1234) == "1,234"
    assert render("{{ v|pct }}", v=Decimal("66.66")) == "66.7"
    assert render("{{ v|indicator:'so2_t' }}", v=Decimal("9")) == "9.000"
    # No figure: a grey dash, never 0.0000.
    for source in ("{{ v|num }}", "{{ v|num:2 }}", "{{ v|money }}", "{{ v|pct }}"):
        shown = render(source, v=None)
        assert "—" in shown and "text-body-tertiary" in shown and "0" not in shown
    # Zero is a figure.
    assert render("{{ v|num:2 }}", v=Decimal("0")) == "0.00"


def test_money_filter_and_unit_tag_follow_the_switch():
    with translation.override("en"):
        assert render("{{ v|money }} {% money_unit %}", v=Decimal("1234567.89")) == (
            "1,234,568 yuan"
        )
        token = numbers.set_money_unit("wan")
        try:
            assert render("{{ v|money }} {% money_unit %}", v=Decimal("1234567.89")) == (
                "123.46 10,000 yuan"
            )
        finally:
            numbers.reset_money_unit(token)


def test_the_switch_is_kept_in_the_session():
    seen = []

    def view(request):
        seen.append(numbers.money_unit())
        return None

    middleware = MoneyUnitMiddleware(view)
    factory = RequestFactory()
    session = {}
    with translation.override("en"):
        for query, expected in (
            ({}, "yuan"),
            ({"money": "wan"}, "wan"),
            ({}, "wan"),  # kept
            ({"money": "nonsense"}, "wan"),  # ignored
            ({"money": "yuan"}, "yuan"),
        ):
            request = factory.get("/", query)
            request.session = session
            middleware(request)
            assert seen[-1] == expected
        assert session == {"money_unit": "yuan"}
        # Outside a request, the language's default again.
        assert numbers.money_unit() == "yuan"


def test_money_switch_links_keep_the_query():
    request = RequestFactory().get("/statistics/", {"year": "2025", "money": "yuan"})
    with translation.override("en"):
        shown = Template("{% load numbers %}{% money_switch %}").render(
            Context({"request": request})
        )
    assert 'href="?year=2025&amp;money=wan"' in shown
    assert 'data-money="yuan" aria-current="true"' in shown


def test_a_page_without_money_does_not_read_the_session():
    """The unit is read from the session only when a figure of money is shown (no
    `Vary: Cookie` on every public page)."""

    class Session(dict):
        reads = 0

        def get(self, *args):
            Session.reads += 1
            return super().get(*args)

    session = Session(money_unit="wan")
    request = RequestFactory().get("/")
    request.session = session
    MoneyUnitMiddleware(lambda request: None)(request)
    assert Session.reads == 0
    shown = []
    MoneyUnitMiddleware(lambda request: shown.append(format_money(Decimal("50000"))))(request)
    assert shown == ["5.00"] and Session.reads == 1
