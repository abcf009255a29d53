"""The states of a key-enterprise list and of its entries (domain.md §1), the one place
they change: a list goes from draft to published once, an entry from active to removed
by an amendment with its reason. The audits these open and cancel are
`audits.publishing`'s, which calls these inside its own transaction."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import StateConflict

from .choices import AmendmentAction, EntryStatus, ListStatus
from .models import KeyEnterpriseList, ListAmendment, ListEntry, ProvincePolicy
from .services import require_province_officer, require_published

# from → allowed next states
LIST_MOVES = {ListStatus.DRAFT: {ListStatus.PUBLISHED}}
ENTRY_MOVES = {EntryStatus.ACTIVE: {EntryStatus.REMOVED}}


def list_publish(
    *, actor, key_list: KeyEnterpriseList, published_on: datetime.date, entries: list[ListEntry]
) -> ProvincePolicy:
    """Freeze a locked draft list: stamp `published_on` and who published it, keep the
    province policy's figures with it (domain.md §1). Returns the policy the audits'
    deadlines come from."""
    require_province_officer(actor, key_list.province_id)
    if published_on > timezone.localdate():
        raise ValidationError(
            {"published_on": _("A list is published on a day that has come, not in the future.")}
        )
    unmet = []
    if ListStatus.PUBLISHED not in LIST_MOVES.get(key_list.status, ()):
        unmet.append(_("The list is already published."))
    if not entries:
        unmet.append(_("The list has no entries."))
    if unmet:
        raise StateConflict(_("The list cannot be published."), unmet=unmet)
    policy = ProvincePolicy.for_province(key_list.province_id)
    key_list.status = ListStatus.PUBLISHED
    key_list.published_on = published_on
    key_list.published_by = actor
    key_list.policy = policy.figures()
    key_list.save(update_fields=["status", "published_on", "published_by", "policy"])
    return policy


def entry_remove(
    *, actor, key_list: KeyEnterpriseList, entry: ListEntry, reason: str
) -> ListAmendment:
    """Take a locked entry off a locked published list; the amendment is its history."""
    require_province_officer(actor, key_list.province_id)
    require_published(key_list)
    if not reason.strip():
        raise ValidationError({"reason": _("An amendment needs a reason.")})
    if EntryStatus.REMOVED not in ENTRY_MOVES.get(entry.status, ()):
        raise StateConflict(
            _("This entry was already removed."), unmet=[_("The entry must be on the list.")]
        )
    if not actor.in_scope(entry.enterprise.region_id):
        raise PermissionDenied(_("This entry is outside your jurisdiction."))
    entry.status = EntryStatus.REMOVED
    entry.save(update_fields=["status"])
    return ListAmendment.objects.create(
        key_list=key_list, entry=entry, action=AmendmentAction.REMOVE, reason=reason, actor=actor
    )
