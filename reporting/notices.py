"""Deadline reminders (reporting/reminders.py); `deadline` and `audits` are bilingual."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import register

register(
    deadline_ahead=_(
        "Reminder: “%(deadline)s” for the audit of %(enterprise)s (round %(round)s) is due "
        "by %(due)s."
    ),
    deadline_passed=_(
        "Overdue: “%(deadline)s” for the audit of %(enterprise)s (round %(round)s) was due "
        "by %(due)s."
    ),
    deadlines_overdue=_(
        "Deadlines passed in your region since the last reminders (%(count)s): %(audits)s."
    ),
)
