"""What the review rounds tell people."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import register

register(
    review_applied=_(
        "%(review)s of %(enterprise)s (round %(round)s) applied for. Form the panel; the "
        "answer is due by %(due)s."
    ),
    review_panel=_(
        "You sit on the panel: %(review)s of %(enterprise)s (round %(round)s). Score it by %(due)s."
    ),
    review_concluded=_(
        "%(review)s of %(enterprise)s (round %(round)s) concluded: %(result)s, mean score "
        "%(score)s."
    ),
)
