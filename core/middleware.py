"""The reader's money unit (core/numbers.py): `?money=wan` or `?money=yuan` on any page
stores the choice in the session; every figure of the request is shown in it."""

from core import numbers


class MoneyUnitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        chosen = request.GET.get("money")
        if (
            session is not None
            and chosen in numbers.MONEY_UNITS
            and session.get(numbers.SESSION_KEY) != chosen
        ):
            session[numbers.SESSION_KEY] = chosen
        # Read from the session only if the page shows money.
        unit = (lambda: session.get(numbers.SESSION_KEY)) if session is not None else None
        token = numbers.set_money_unit(unit)
        try:
            return self.get_response(request)
        finally:
            numbers.reset_money_unit(token)
