"""What each kind of notification says. The apps register the texts of their kinds;
a notification keeps only its kind and parameters, so that each reader sees the text
in their own language, whenever they read it."""

from django.utils.translation import override

from core.i18n import is_chinese

_TEXTS: dict = {}


def register(**texts) -> None:
    """`register(kind=gettext_lazy("… %(param)s …"), …)`: the text of each kind, with the
    parameters its notifications carry."""
    _TEXTS.update(texts)


def bilingual(zh: str, en: str) -> dict:
    """A parameter shown in the reader's language (e.g. a region's two names)."""
    return {"zh": zh, "en": en or zh}


def translated(text) -> dict:
    """A translatable text (or a callable making one, e.g. `get_kind_display`) in both
    languages, as a parameter for notifications read later in either."""
    texts = {}
    for language in ("zh-hans", "en"):
        with override(language):
            texts[language] = str(text() if callable(text) else text)
    return bilingual(texts["zh-hans"], texts["en"])


def _localize(value):
    if isinstance(value, dict) and {"zh", "en"} <= set(value):
        return value["zh"] if is_chinese() else value["en"]
    return value


def render(kind: str, params: dict) -> str:
    template = _TEXTS.get(kind)
    if template is None:
        return kind
    params = {key: _localize(value) for key, value in params.items()}
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)
