"""Guards of the province-scale work (issue 13): the queue, the dashboards and the
statistics run the same queries for 10 rounds as for 1,000; on PostgreSQL the audit list
and the queue read their page from the intended index; the database keeps each audit's
copy of its enterprise's region."""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import PanelMember, Review, ScoringSheet
from audits.models import Audit
from core.credit_code import make_credit_code
from enterprises.models import Enterprise
from reporting.statistics import summary
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audits_audit")
        cursor.execute("ANALYZE assessments_review")
    client.force_login(cast.user("province_officer"))
    # The logged SQL has its parameters inlined: EXPLAIN it as it ran.
    audits = page_query(client, "/api/v1/audits/", "audits_audit")
    assert "audit_province_order" in explain(audits, ())
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
