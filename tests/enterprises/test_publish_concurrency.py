"""Two officers publish the same list at the same moment (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from audits.models import Audit
from audits.publishing import key_list_publish
from core.errors import StateConflict
from tests.support.cast import make_cast
from tests.support.lists import draft_list


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishes_give_one_success_one_conflict_one_audit_per_entry():
    if connection.vendor != "postgresql":
        pytest.skip("row locking is tested against PostgreSQL (DATABASE_URL)")
    cast = make_cast()
    key_list = draft_list(cast)
    officers = [cast.user("province_officer"), cast.user("admin")]
    barrier = threading.Barrier(2)
    outcomes = []

    def publish(actor):
        try:
            barrier.wait(timeout=10)
            key_list_publish(actor=actor, key_list=key_list)
            outcomes.append("published")
        except StateConflict as exc:
            outcomes.append(exc.unmet)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, outcomes)) == sorted(
        ["published", str(["The list is already published."])]
    )
    assert Audit.objects.filter(list_entry__key_list=key_list).count() == 2
