"""Texts in the reader's language."""

from django.utils.translation import get_language


def is_chinese() -> bool:
    return (get_language() or "").startswith("zh")


def localized(zh: str, en: str) -> str:
    """The Chinese name in a Chinese UI, else the English one (falling back to Chinese)."""
    return zh if is_chinese() or not en else en
