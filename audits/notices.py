"""What the audits app tells people: lists published and amended, audits moved."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import register

register(
    list_published=_(
        "%(enterprise)s is on the %(year)s key-enterprise list of %(province)s. Start the "
        "cleaner production audit by %(start_due)s and submit the audit report by "
        "%(report_due)s."
    ),
    list_disclosure_due=_(
        "%(enterprise)s is listed for exceeding standards: disclose its major pollutant "
        "emissions by %(disclosure_due)s."
    ),
    list_entry_added=_(
        "%(enterprise)s was added to the %(year)s key-enterprise list of %(province)s: "
        "%(reason)s. Start the audit by %(start_due)s."
    ),
    list_entry_removed=_(
        "%(enterprise)s was removed from the %(year)s key-enterprise list of %(province)s: "
        "%(reason)s."
    ),
    audit_moved=_(
        "The audit of %(enterprise)s (round %(round)s) moved from “%(from)s” to “%(to)s” "
        "(by %(actor)s)."
    ),
)
