"""GB/T 2260 region codes (domain.md "People"): six digits, `32xxxx` a province,
`3201xx` a city, `320102` a county. A scope is a code prefix of 2, 4 or 6 digits."""


def region_prefix(code: str) -> str:
    """The code prefix that a region's scope covers: 320000 → 32, 320100 → 3201."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def province_code(code: str) -> str:
    """The province a code (or a scope prefix) lies in: 320115 → 320000."""
    return code[:2] + "0000"


def city_code(code: str) -> str:
    """The city-level unit a county code lies in: 320115 → 320100."""
    return code[:4] + "00"


def supervising_codes(code: str) -> set[str]:
    """The regions whose authorities supervise an enterprise in `code`: its province,
    city and county."""
    return {province_code(code), city_code(code), code}
