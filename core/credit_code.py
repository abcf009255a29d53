"""The unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), institution type (1), administrative
division (6), the GB 11714 organisation code (8 + its check character), and a check
character over the first 17. The alphabet leaves out I, O, S, V and Z.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997: the organisation code's characters count 0-9 and A=10 .. Z=35.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def organization_check_char(body: str) -> str:
    """Check character of the 8-character organisation code body (GB 11714)."""
    remainder = 11 - sum(_org_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_check_char(first17: str) -> str:
    """Check character over the first 17 characters (GB 32100)."""
    remainder = 31 - sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 31
    return ALPHABET[remainder % 31]


def normalize(code: str) -> str:
    return (code or "").strip().upper()


def validate_credit_code(code: str) -> None:
    """Raise ValidationError with the first thing wrong with `code` (already normalised)."""
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(code)},
        )
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        raise ValidationError(
            _(
                "Characters not allowed in a unified social credit code: %(chars)s "
                "(I, O, S, V and Z are never used)."
            ),
            code="alphabet",
            params={"chars": " ".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 must be the six-digit administrative division code."),
            code="division",
        )
    if organization_check_char(code[8:16]) != code[16]:
        raise ValidationError(
            _("The organisation code inside it (characters 9 to 17) has a wrong check character."),
            code="organization_check",
        )
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The last character is not the right check character."), code="check"
        )


def make_credit_code(*, division: str, serial: int, authority: str = "9", kind: str = "1") -> str:
    """A valid code for demo and scale data: `serial` picks the organisation code body."""
    body = f"{serial:08d}"
    first17 = f"{authority}{kind}{division}{body}{organization_check_char(body)}"
    return first17 + credit_check_char(first17)
