"""The texts of supervision's notifications (notifications.messages)."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import register

register(
    upward_report_submitted=_(
        "%(region)s submitted its report “%(report)s” of %(year)s (figures as of %(as_of)s)."
    ),
    upward_report_returned=_("Your report “%(report)s” of %(year)s was returned: %(comment)s"),
    urge=_(
        "Urge notice: the audit of %(enterprise)s (round %(round)s) is overdue "
        "(%(deadlines)s). %(text)s"
    ),
    penalty=_("Penalty decided against %(party)s on %(date)s (%(amount)s yuan): %(basis)s"),
)
