"""Guards of the province-scale work (issue 13): the queue, the dashboards and the
statistics run the same queries for 10 rounds as for 1,000; on PostgreSQL the audit list
and the queue read their page from the intended index; the database keeps each audit's
copy of its enterprise's region, and the facts the overdue rules and the statistics read
off the audit's row (its disclosure, registration and filing owed, its list's year, its
industry)."""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import PanelMember, Review, ScoringSheet
from audits.models import Audit
from core.credit_code import make_credit_code
from enterprises.choices import EntryStatus
from enterprises.models import EmissionDisclosure, Enterprise, ListEntry
from reporting.statistics import summary
from tests.support.lists import published_list
from tests.support.matrix import count_queries
from tests.support.reviews import expert_pool

pytestmark = pytest.mark.django_db

SERIALS = itertools.count(70_000)
DISTRICTS = itertools.cycle(["320102", "320115", "320205", "320509", "320583"])
STATES = itertools.cycle(["applied", "panel_formed", "concluded", "concluded", "concluded"])


def add_rounds(count: int, experts) -> None:
    """`count` rounds (mostly concluded, as in a province), each of an audit of its own
    enterprise, written in bulk; the open ones being scored have a panel."""
    sheet = ScoringSheet.objects.current("assessment", "320000")
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"Bulk {serial}",
            region_id=district,
            industry_id="26",
            credit_code=make_credit_code(division=district[:4] + "00", serial=serial),
        )
        for serial, district in ((next(SERIALS), next(DISTRICTS)) for _ in range(count))
    )
    audits = Audit.objects.bulk_create(
        Audit(
            enterprise=company,
            state="under_assessment",
            start_due=datetime.date(2025, 1, 1),
            report_due=datetime.date(2026, 1, 1),
        )
        for company in enterprises
    )
    reviews = []
    for audit in audits:
        state = next(STATES)
        concluded = state == "concluded"
        reviews.append(
            Review(
                audit=audit,
                kind="assessment",
                sheet=sheet,
                state=state,
                result="passed" if concluded else None,
                score="80.00" if concluded else None,
                applied_on=datetime.date(2026, 1, 1),
                due_on=datetime.date(2026, 2, 1),
                concluded_on=datetime.date(2026, 2, 1) if concluded else None,
            )
        )
    Review.objects.bulk_create(reviews)
    PanelMember.objects.bulk_create(
        PanelMember(review=review, expert=expert)
        for review in reviews
        if review.state != "applied"
        for expert in experts
    )


def costs(cast, client) -> dict:
    """The queries of each page and of the statistics, for the province and the city."""
    province, city = cast.user("province_officer"), cast.user("city_officer")
    result = {}
    for role, officer in (("province", province), ("city", city)):
        client.force_login(officer)
        for path in ("/dashboard/", "/reviews/", "/reviews/?overdue=on", "/audits/"):
            result[(role, path)] = count_queries(lambda path=path: client.get(path))
        result[(role, "statistics")] = count_queries(lambda officer=officer: summary(user=officer))
    return result


def test_queue_dashboards_and_statistics_cost_the_same_for_10_or_1000_rounds(cast, client):
    experts = expert_pool(cast)
    add_rounds(10, experts)
    few = costs(cast, client)
    add_rounds(990, experts)
    assert Review.objects.count() >= 1000
    assert costs(cast, client) == few


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def page_query(client, path: str, table: str) -> str:
    """The SQL of the page of rows that `path` reads from `table` (the one with LIMIT)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return next(
        q["sql"]
        for q in queries
        if f'FROM "{table}"' in q["sql"] and re.search(r"LIMIT \d+$", q["sql"])
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_audit_list_and_queue_read_their_page_from_the_intended_index(cast, client):
    add_rounds(1000, expert_pool(cast))
    # A third of them before their report, which was due on 1 January 2026: overdue.
    bulk = Audit.objects.filter(enterprise__name__startswith="Bulk ").order_by("pk")
    Audit.objects.filter(pk__in=list(bulk.values_list("pk", flat=True)[::3])).update(
        state="planning"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audits_audit")
        cursor.execute("ANALYZE assessments_review")
    client.force_login(cast.user("province_officer"))
    # The logged SQL has its parameters inlined: EXPLAIN it as it ran.
    audits = page_query(client, "/api/v1/audits/", "audits_audit")
    assert "audit_province_order" in explain(audits, ())
    # The overdue page's rules are evaluated on the index's own columns (INCLUDE).
    overdue = explain(page_query(client, "/api/v1/audits/?overdue=true", "audits_audit"), ())
    assert "Index Only Scan using audit_province_order" in overdue, overdue
    queue = page_query(client, "/reviews/", "assessments_review")
    assert "review_queue_order" in explain(queue, ())
    client.force_login(cast.user("city_officer"))
    assert "audit_city_order" in explain(page_query(client, "/audits/", "audits_audit"), ())


def test_the_database_keeps_each_audits_region(cast):
    company = Enterprise.objects.create(
        name="Moving Co.",
        region_id="320102",
        industry_id="26",
        credit_code=make_credit_code(division="320100", serial=next(SERIALS)),
    )
    # Whatever the writer puts there, the copy is the enterprise's region.
    audit = Audit.objects.create(
        enterprise=company,
        start_due=datetime.date(2026, 1, 1),
        report_due=datetime.date(2027, 1, 1),
        region_code="999999",
    )
    audit.refresh_from_db()
    assert (audit.region_code, audit.city_code, audit.province_code) == ("320102", "3201", "32")
    audit.focus = "saved again"
    audit.region_code = ""
    audit.save()
    audit.refresh_from_db()
    assert audit.region_code == "320102"
    # An enterprise that moves takes its audits along, into the new city's scope.
    Enterprise.objects.filter(pk=company.pk).update(region_id="320509")
    audit.refresh_from_db()
    assert (audit.region_code, audit.city_code, audit.province_code) == ("320509", "3205", "32")
    assert Audit.objects.in_region("3205").filter(pk=audit.pk).exists()
    assert not Audit.objects.in_region("3201").filter(pk=audit.pk).exists()
    assert Audit.objects.for_user(cast.user("city_officer")).filter(pk=audit.pk).count() == 0


def test_the_database_keeps_whether_each_audit_owes_its_disclosure(cast):
    """`Audit.disclosure_pending` (the disclosure rule, off the audit's row) follows its
    entry's status and its disclosure, whatever writes them, and survives a save of a
    copy read before."""
    key_list = published_list(cast, published_on=timezone.localdate() - datetime.timedelta(400))
    entry = key_list.entries.get(enterprise=cast.enterprise)
    audit = Audit.objects.get(list_entry=entry)
    other = Audit.objects.get(list_entry__key_list=key_list, enterprise=cast.suzhou_enterprise)

    def pending(row):
        return Audit.objects.values_list("disclosure_pending", flat=True).get(pk=row.pk)

    stale = Audit.objects.get(pk=audit.pk)
    assert pending(audit) and pending(other)
    disclosure = EmissionDisclosure.objects.create(
        entry=entry,
        legal_representative="Wang Fang",
        address="1 Test Road",
        document="disclosures/test.pdf",
        document_sha256="0" * 64,
        document_content_type="application/pdf",
        submitted_by=cast.user("enterprise_user"),
    )
    assert not pending(audit) and pending(other)
    stale.focus = "saved from an old copy"
    stale.save()
    assert not pending(audit)
    # moved to the other entry, deleted: each follows
    EmissionDisclosure.objects.filter(pk=disclosure.pk).update(entry=other.list_entry)
    assert pending(audit) and not pending(other)
    disclosure.delete()
    assert pending(other)
    # an entry taken off the list owes nothing; put back, it owes again
    ListEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.REMOVED)
    assert not pending(audit)
    ListEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.ACTIVE)
    assert pending(audit)
    # an audit of no list owes none
    assert not Audit.objects.filter(list_entry__isnull=True, disclosure_pending=True).exists()


def test_the_database_keeps_each_audits_list_year_and_industry(cast):
    key_list = published_list(cast, year=2025)
    audit = Audit.objects.get(list_entry__key_list=key_list, enterprise=cast.enterprise)
    stale = Audit.objects.get(pk=audit.pk)

    def kept():
        return Audit.objects.values_list("year", "industry_code").get(pk=audit.pk)

    assert kept() == (2025, cast.enterprise.industry_id)
    Enterprise.objects.filter(pk=cast.enterprise.pk).update(industry_id="17")
    assert kept() == (2025, "17")
    stale.save()
    assert kept() == (2025, "17")
    type(key_list).objects.filter(pk=key_list.pk).update(year=2024)
    assert kept() == (2024, "17")
    # the statistics count it under its industry now
    rows = summary(user=cast.user("province_officer"), year=2024)["by_industry"]
    assert "17" in {row["code"] for row in rows}


def test_the_database_keeps_each_rounds_region_and_whether_it_is_superseded(cast):
    sheet = ScoringSheet.objects.current("assessment", "320000")
    company = Enterprise.objects.create(
        name="Rounds Co.",
        region_id="320102",
        industry_id="26",
        credit_code=make_credit_code(division="320100", serial=next(SERIALS)),
    )
    audit = Audit.objects.create(
        enterprise=company,
        start_due=datetime.date(2025, 1, 1),
        report_due=datetime.date(2026, 1, 1),
    )

    def round_(number, state, result=None):
        return Review.objects.create(
            audit=audit,
            kind="assessment",
            round=number,
            sheet=sheet,
            state=state,
            result=result,
            applied_on=datetime.date(2026, 1, number),
            due_on=datetime.date(2026, 2, number),
            region_code="999999",
        )

    def kept(review):
        return Review.objects.values_list("city_code", "superseded").get(pk=review.pk)

    first = round_(1, "concluded", "failed")
    assert kept(first) == ("3201", False)
    second = round_(2, "applied")
    assert kept(first) == ("3201", False)  # a later round open: the first is still the result
    Review.objects.filter(pk=second.pk).update(state="concluded", result="passed")
    assert kept(first) == ("3201", True) and kept(second) == ("3201", False)
    # counted once, as passed, by the statistics
    figures = summary(user=cast.user("province_officer"))["assessments"]
    assert figures["rounds"]["failed"] >= 1 and figures["passed"] >= 1
    second.delete()
    assert kept(first) == ("3201", False)
    # the audit's enterprise moves: its rounds follow into the other city's scope
    Enterprise.objects.filter(pk=company.pk).update(region_id="320509")
    assert kept(first) == ("3205", False)
    assert Review.objects.for_user(cast.user("city_officer")).filter(pk=first.pk).count() == 0
