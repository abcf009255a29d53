"""Key lists for tests, made through the services as an officer would."""

import datetime

from audits import publishing
from enterprises import services as lists
from enterprises.models import Region


def draft_list(cast, year=2026, categories=("exceeds_standards",), **entry):
    """Jiangsu's draft list with the Nanjing and the Suzhou enterprise on it; `entry`
    (open_audit, closing_reason) goes with each entry."""
    officer = cast.user("province_officer")
    key_list = lists.key_list_create(
        actor=officer, province=Region.objects.get(code="320000"), year=year
    )
    for enterprise in (cast.enterprise, cast.suzhou_enterprise):
        lists.entry_save(
            actor=officer,
            key_list=key_list,
            enterprise=enterprise,
            categories=list(categories),
            reason="COD over the total-load quota",
            **entry,
        )
    return key_list


def published_list(cast, year=2026, published_on=datetime.date(2026, 3, 1), **kwargs):
    key_list = draft_list(cast, year=year, **kwargs)
    return publishing.key_list_publish(
        actor=cast.user("province_officer"), key_list=key_list, published_on=published_on
    )
