"""The registration and filing deadlines are in the audits' overdue rules
(procedures.deadlines): the authority in scope finds an audit late with them on its
overdue list, its deadline board, the audit list's filter and the statistics; another
city does not."""

import datetime

from django.utils import timezone

from audits.models import Audit
from audits.selectors import deadline_board, overdue_audits
from procedures import services
from procedures.models import Filing, Registration
from tests.procedures.support import filing_documents
from tests.support.dashboards import late_list
from tests.support.matrix import api_client


def _cells(user, kind):
    board = deadline_board(user, today=timezone.localdate())
    return {
        city["prefix"]: overdue
        for city in board["cities"]
        for cell_kind, overdue, _soon in city["cells"]
        if cell_kind == kind and overdue
    }


def test_an_audit_late_registering_or_filing_is_overdue_in_scope_only(cast, client):
    # Jiangsu's list published 80 days ago: registration was due after a month, the
    # filing after two; neither audit registered nor filed.
    nanjing, suzhou = late_list(cast, steps_done=False)
    today = timezone.localdate()
    assert suzhou.registration_due < today and suzhou.filing_due < today
    province, city = cast.user("province_officer"), cast.user("city_officer")
    assert set(suzhou.overdue_kinds(today)) >= {"registration", "filing"}

    # the province: both cities on the board and the overdue list
    assert _cells(province, "registration") == {"3201": 1, "3205": 1}
    assert _cells(province, "filing") == {"3201": 1, "3205": 1}
    assert {a.pk for a in overdue_audits(province, today=today)} == {nanjing.pk, suzhou.pk}
    # the Nanjing city officer: its own audit only, never Suzhou's
    assert _cells(city, "registration") == {"3201": 1}
    assert suzhou.pk not in {a.pk for a in overdue_audits(city, today=today)}
    assert _cells(cast.user("other_province_officer"), "registration") == {}
    # the statistics count it
    data = api_client(province).get("/api/v1/statistics/summary/").data
    assert data["overdue"]["registration"] == 2 and data["overdue"]["filing"] == 2
    assert api_client(city).get("/api/v1/statistics/summary/").data["overdue"]["registration"] == 1
    # the audit list's deadline filter and the dashboard's drill-down
    client.force_login(city)
    listed = client.get("/audits/?deadline=registration_overdue").content.decode()
    assert "Jinling Paper Co." in listed and "Wujiang Dyeing Co." not in listed
    assert "registration overdue" in client.get(f"/audits/{nanjing.pk}/").content.decode()

    # registered and filed, Nanjing owes neither any more
    services.registration_save(
        actor=cast.user("enterprise_user"),
        audit=nanjing,
        contact_name="Li Lei",
        contact_phone="025-1234",
    )
    services.filing_submit(
        actor=cast.user("consultant"),
        audit=nanjing,
        kind="start",
        documents=filing_documents(cast, nanjing),
    )
    nanjing = Audit.objects.get(pk=nanjing.pk)
    assert not {"registration", "filing"} & set(nanjing.overdue_kinds(today))
    assert _cells(province, "registration") == {"3205": 1}
    assert _cells(province, "filing") == {"3205": 1}
    assert _cells(city, "filing") == {}
    # a returned filing is owed again
    filing = nanjing.filings.get()
    services.filing_return(actor=province, filing=filing, reason="Unsigned.")
    assert _cells(city, "filing") == {"3201": 1}
    # and the statistics as of a day before the registration read it as then
    before = today - datetime.timedelta(days=1)
    then = api_client(province).get(f"/api/v1/statistics/summary/?as_of={before}").data
    assert then["overdue"]["registration"] == 2


def test_the_database_keeps_each_audits_registration_day_and_filed_flag(cast):
    """`Audit.registered_on` and `Audit.filed` follow the procedures' rows whatever
    writes them, and an audit saved from a copy read before keeps them."""
    nanjing, suzhou = late_list(cast, steps_done=False)
    stale = Audit.objects.get(pk=nanjing.pk)
    assert (stale.registered_on, stale.filed) == (None, False)
    day = timezone.localdate() - datetime.timedelta(days=3)
    registration = Registration.objects.create(
        audit=nanjing,
        contact_name="Li Lei",
        contact_phone="025-1234",
        registered_by=cast.user("enterprise_user"),
        registered_on=day,
    )
    filing = Filing.objects.create(audit=nanjing, kind="start", submitted_by=cast.user("admin"))
    # a later contract is not the start filing
    Filing.objects.create(audit=suzhou, kind="contract", submitted_by=cast.user("admin"))

    def kept(audit):
        return Audit.objects.values_list("registered_on", "filed").get(pk=audit.pk)

    assert kept(nanjing) == (day, True)
    assert kept(suzhou) == (None, False)
    # a save of the copy read before writes its old values: the database keeps its own
    stale.focus = "saved from an old copy"
    stale.save()
    assert kept(nanjing) == (day, True)
    # returned: owed again; accepted on a new filing: filed
    Filing.objects.filter(pk=filing.pk).update(state="returned", decided_on=day)
    assert kept(nanjing) == (day, False)
    again = Filing.objects.create(audit=nanjing, kind="start", submitted_by=cast.user("admin"))
    Filing.objects.filter(pk=again.pk).update(state="accepted", decided_on=day)
    assert kept(nanjing) == (day, True)
    # moved to another audit, both follow; deleted, gone
    Filing.objects.filter(pk=again.pk).update(audit=suzhou)
    assert kept(nanjing) == (day, False) and kept(suzhou) == (None, True)
    earlier = day - datetime.timedelta(days=1)
    Registration.objects.filter(pk=registration.pk).update(registered_on=earlier)
    assert kept(nanjing) == (earlier, False)
    registration.delete()
    Filing.objects.filter(audit=suzhou).delete()
    assert kept(nanjing) == (None, False) and kept(suzhou) == (None, False)
    # and the rules read them: both owed, both overdue
    assert {"registration", "filing"} <= set(Audit.objects.get(pk=nanjing.pk).overdue_kinds())
