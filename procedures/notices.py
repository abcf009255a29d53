"""What the steps around the audit tell people."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import register

register(
    filing_submitted=_("%(enterprise)s filed: %(kind)s. Accept it or return it with reasons."),
    filing_accepted=_("The filing of %(enterprise)s (%(kind)s) was accepted."),
    filing_returned=_(
        "The filing of %(enterprise)s (%(kind)s) was returned: %(reason)s File it again."
    ),
    meeting_invited=_(
        "You are invited to the meeting on %(review)s of %(enterprise)s (round %(round)s) on "
        "%(date)s, %(place)s. Accept or decline with your declaration; the material is "
        "released on %(release)s."
    ),
    meeting_moved=_(
        "The meeting on %(review)s of %(enterprise)s (round %(round)s) moved to %(date)s, "
        "%(place)s; the material is released on %(release)s."
    ),
    meeting_released=_(
        "The material of %(review)s of %(enterprise)s (round %(round)s) is released: the "
        "meeting is on %(date)s. File your pre-review opinion before it."
    ),
    meeting_withdrawn=_(
        "Your invitation to the meeting on %(review)s of %(enterprise)s (round %(round)s) on "
        "%(date)s was withdrawn: %(reason)s"
    ),
    invitation_declined=_(
        "%(expert)s declined the meeting on %(review)s of %(enterprise)s (round %(round)s): "
        "draw a replacement."
    ),
    registration_soon=_(
        "%(enterprise)s: register on the platform (basic data and a contact person) by %(due)s."
    ),
    registration_passed=_(
        "%(enterprise)s: the registration on the platform was due on %(due)s. Register now."
    ),
    filing_soon=_(
        "%(enterprise)s: file the consultancy contract and the audit plan with the authority "
        "by %(due)s."
    ),
    filing_passed=_(
        "%(enterprise)s: the filing of the consultancy contract and the audit plan was due "
        "on %(due)s."
    ),
    proposal_submitted=_("%(city)s proposes %(enterprise)s for %(list)s."),
    proposal_decided=_("Your proposal of %(enterprise)s for %(list)s: %(state)s. %(reason)s"),
)
