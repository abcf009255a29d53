"""What each kind of notification says. Texts are translated when they are shown."""

from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "list_published": _(
        "%(enterprise)s is on the %(year)s key-enterprise list of %(province)s. Start the "
        "cleaner production audit by %(start_due)s and submit the audit report by "
        "%(report_due)s."),
    "list_disclosure_due": _(
        "%(enterprise)s is listed for exceeding standards: disclose its major pollutant "
        "emissions by %(disclosure_due)s."),
    "list_entry_added": _(
        "%(enterprise)s was added to the %(year)s key-enterprise list of %(province)s: "
        "%(reason)s. Start the audit by %(start_due)s."),
    "list_entry_removed": _(
        "%(enterprise)s was removed from the %(year)s key-enterprise list of %(province)s: "
        "%(reason)s."),
    "audit_moved": _(
        "The audit of %(enterprise)s (round %(round)s) moved from “%(from)s” to “%(to)s” "
        "(by %(actor)s)."),
    "review_applied": _(
        "%(review)s of %(enterprise)s (round %(round)s) applied for. Form the panel; the "
        "answer is due by %(due)s."),
    "review_panel": _(
        "You sit on the panel: %(review)s of %(enterprise)s (round %(round)s). Score it by "
        "%(due)s."),
    "review_concluded": _(
        "%(review)s of %(enterprise)s (round %(round)s) concluded: %(result)s, mean score "
        "%(score)s."),
    # Deadline reminders (reporting/reminders.py); `deadline` and `audits` are bilingual.
    "deadline_ahead": _(
        "Reminder: “%(deadline)s” for the audit of %(enterprise)s (round %(round)s) is due "
        "by %(due)s."),
    "deadline_passed": _(
        "Overdue: “%(deadline)s” for the audit of %(enterprise)s (round %(round)s) was due "
        "by %(due)s."),
    "deadlines_overdue": _(
        "Deadlines passed in your region since the last reminders (%(count)s): %(audits)s."),
}
# Parameters holding an audit state code, shown as the state's translated name.
STATE_PARAMS = ("from", "to")


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


def _localize(key, value):
    from audits.choices import AuditState

    if isinstance(value, dict) and {"zh", "en"} <= set(value):
        return value["zh"] if (get_language() or "").startswith("zh") else value["en"]
    if key in STATE_PARAMS and value in AuditState.values:
        return AuditState(value).label
    return value


def render(kind: str, params: dict) -> str:
    template = MESSAGES.get(kind)
    if template is None:
        return kind
    params = {key: _localize(key, value) for key, value in params.items()}
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)
