"""The audits API: roles, the walk through the phases, engagement and team, comments,
targets and balances, filters and query counts (api.md "Audits")."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits import publishing, services
from audits.models import Audit, AuditComment, Balance, Target
from enterprises import services as lists
from tests.support.audits import (
    LISTS,
    PATH,
    PDF_BYTES,
    bring_to,
    creates,
    engaged_audit,
    reads,
    second_auditor,
    writes,
    zhejiang_audit,
)
from tests.support.cast import enterprise
from tests.support.lists import published_list
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/audits/"


class TestAuditApiRoles(RoleMatrix):
    build = staticmethod(lambda cast: {"audit": engaged_audit(cast)})
    matrix = {
        "list": LISTS,
        "retrieve": reads(),
        "update": writes(),
        "transitions": reads(),
        "transition": writes(),
        "history": reads(),
        "comments": reads(),
        # Authorities supervise: they may comment although they may not write.
        "comment": reads(201),
    }

    def request(self, action, client, cast):
        detail = f"{URL}{self.world.audit.pk}/"
        return {
            "list": lambda: client.get(URL),
            "retrieve": lambda: client.get(detail),
            "update": lambda: client.patch(detail, {"focus": "Pulping line"}, format="json"),
            "transitions": lambda: client.get(f"{detail}transitions/"),
            "transition": lambda: client.post(
                f"{detail}transition/", {"to": "planning"}, format="json"
            ),
            "history": lambda: client.get(f"{detail}history/"),
            "comments": lambda: client.get(f"{detail}comments/"),
            "comment": lambda: client.post(
                f"{detail}comments/", {"text": "Please start on time."}, format="json"
            ),
        }[action]()


class TestTargetApiRoles(RoleMatrix):
    build = staticmethod(lambda cast: {"audit": engaged_audit(cast)})
    matrix = {
        "list": LISTS,
        "retrieve": reads(),
        "create": creates(),
        "update": writes(),
        "delete": writes(204),
    }

    def request(self, action, client, cast):
        audit = self.world.audit
        target = services.target_save(
            actor=cast.user("consultant"),
            audit=audit,
            indicator="COD per tonne",
            unit="kg/t",
            baseline=8,
        )
        url = "/api/v1/targets/"
        return {
            "list": lambda: client.get(url),
            "retrieve": lambda: client.get(f"{url}{target.pk}/"),
            "create": lambda: client.post(
                url,
                {"audit": audit.pk, "indicator": "Water", "unit": "t/t", "baseline": "60"},
                format="json",
            ),
            "update": lambda: client.patch(f"{url}{target.pk}/", {"near_term": "6"}, format="json"),
            "delete": lambda: client.delete(f"{url}{target.pk}/"),
        }[action]()


class TestBalanceApiRoles(RoleMatrix):
    build = staticmethod(lambda cast: {"audit": engaged_audit(cast)})
    matrix = {
        "list": LISTS,
        "retrieve": reads(),
        "create": creates(),
        "update": writes(),
        "delete": writes(204),
    }

    def request(self, action, client, cast):
        audit = self.world.audit
        balance = services.balance_save(
            actor=cast.user("consultant"),
            audit=audit,
            kind="water",
            title="Water",
            unit="t/d",
            flows=[{"direction": "in", "name": "Fresh water", "quantity": 10}],
        )
        url = "/api/v1/balances/"
        return {
            "list": lambda: client.get(url),
            "retrieve": lambda: client.get(f"{url}{balance.pk}/"),
            "create": lambda: client.post(
                url,
                {"audit": audit.pk, "kind": "energy", "title": "Steam", "unit": "GJ/d"},
                format="json",
            ),
            "update": lambda: client.patch(
                f"{url}{balance.pk}/", {"title": "Water (t/d)"}, format="json"
            ),
            "delete": lambda: client.delete(f"{url}{balance.pk}/"),
        }[action]()


def test_lists_show_each_role_the_audits_in_its_scope(cast):
    engaged_audit(cast)  # Jiangsu's list: Nanjing (cast.firm engaged) and Suzhou
    zhejiang_audit(cast)

    def enterprises(role):
        rows = api_client(cast.user(role)).get(URL).data["results"]
        return {row["enterprise_name"] for row in rows}

    nanjing, suzhou, hangzhou = "Jinling Paper Co.", "Wujiang Dyeing Co.", "Qiantang Chemicals Co."
    assert enterprises("admin") == {nanjing, suzhou, hangzhou}
    assert enterprises("province_officer") == {nanjing, suzhou}
    assert enterprises("city_officer") == {nanjing}
    assert enterprises("other_province_officer") == {hangzhou}
    assert enterprises("consultant") == {nanjing}
    assert enterprises("other_consultant") == set()
    assert enterprises("enterprise_user") == {nanjing}
    assert enterprises("other_enterprise_user") == {hangzhou}


@pytest.mark.parametrize("path", ["/api/v1/targets/", "/api/v1/balances/"])
def test_child_lists_show_nothing_outside_the_callers_scope(cast, audit, path):
    services.target_save(actor=cast.user("consultant"), audit=audit, indicator="COD", unit="kg/t")
    services.balance_save(
        actor=cast.user("consultant"), audit=audit, kind="water", title="Water", unit="t/d"
    )
    for role in ("other_province_officer", "other_consultant", "other_enterprise_user"):
        assert api_client(cast.user(role)).get(path).data["count"] == 0, role
    for role in ("province_officer", "city_officer", "consultant", "enterprise_user"):
        assert api_client(cast.user(role)).get(path).data["count"] == 1, role


def test_walk_from_not_started_to_under_assessment_through_the_api(cast):
    """The enterprise engages its firm; the firm does the phases; each move is logged."""
    published_list(cast, published_on=timezone.localdate())
    audit = Audit.objects.get(enterprise=cast.enterprise)
    company = api_client(cast.user("enterprise_user"))
    firm = api_client(cast.user("consultant"))
    detail = f"{URL}{audit.pk}/"
    before = timezone.now()

    def ok(response, status=200):
        assert response.status_code == status, response.data
        return response.data

    def move(client, to, comment=""):
        data = ok(
            client.post(f"{detail}transition/", {"to": to, "comment": comment}, format="json")
        )
        assert data["state"] == to
        return data

    assert firm.get(detail).status_code == 404  # not engaged yet
    assert (
        ok(company.patch(detail, {"consultancy": cast.firm.pk}, format="json"))["consultancy"]
        == cast.firm.pk
    )

    data = move(company, "planning", "Kick-off meeting held")
    assert data["started_on"] == timezone.localdate().isoformat()

    def document(kind, title):
        return ok(
            firm.post(
                "/api/v1/documents/",
                {
                    "audit": audit.pk,
                    "kind": kind,
                    "title": title,
                    "file": SimpleUploadedFile(f"{kind}.pdf", PDF_BYTES),
                },
                format="multipart",
            ),
            201,
        )

    second = second_auditor(cast)
    data = ok(
        firm.patch(
            detail,
            {"team": [cast.auditor.pk, second.pk], "team_leader": cast.auditor.pk},
            format="json",
        )
    )
    assert sorted(data["team"]) == sorted([cast.auditor.pk, second.pk])
    assert data["team_leader"] == cast.auditor.pk
    document("leadership_commitment", "Commitment of the general manager")
    document("work_plan", "Audit work plan")
    move(firm, "pre_assessment")

    ok(firm.patch(detail, {"focus": "Pulping and bleaching line"}, format="json"))
    ok(
        firm.post(
            "/api/v1/targets/",
            {
                "audit": audit.pk,
                "indicator": "Fresh water per tonne of paper",
                "unit": "t/t",
                "baseline": "60",
                "near_term": "50",
                "long_term": "40",
            },
            format="json",
        ),
        201,
    )
    options = ok(
        firm.post(
            "/api/v1/options/bulk/",
            {
                "audit": audit.pk,
                "text": (
                    "code\ttitle\taspect\tcost_class\tinvestment\tdescription\n"
                    "N1\tFix steam leaks\tmanagement\tno_low\t5000\tWalk the lines weekly\n"
                    "M1\tWhite-water recovery\ttechnology\tmid_high\t3000000\tDisc filter\n"
                ),
            },
            format="json",
        ),
        201,
    )
    ids = {option["code"]: option["id"] for option in options}
    # The status survey (issue 18), pasted from a spreadsheet with its three years.
    ok(
        firm.put(
            f"/api/v1/audits/{audit.pk}/survey/",
            {
                "table": (
                    "category\tname\tunit\t2023\t2024\t2025\n"
                    "output\tPaper\tt\t10000\t10200\t10400\n"
                    "water\tFresh water\tt\t600000\t612000\t624000\n"
                    "energy\tElectricity\tkWh\t5000000\t5100000\t5200000\n"
                )
            },
            format="json",
        )
    )
    move(firm, "focused_assessment")
    ok(
        firm.post(
            "/api/v1/balances/",
            {
                "audit": audit.pk,
                "kind": "water",
                "title": "Water of the pulping line",
                "unit": "t/d",
                "flows": [
                    {"direction": "in", "name": "Fresh water", "quantity": "1000"},
                    {"direction": "out", "name": "Wastewater", "quantity": "970"},
                ],
            },
            format="json",
        ),
        201,
    )
    move(firm, "option_generation")

    def option(code, **fields):
        return ok(firm.patch(f"/api/v1/options/{ids[code]}/", fields, format="json"))

    option("N1", status="retained")
    option("M1", status="retained")
    move(firm, "feasibility")

    assert (
        option(
            "M1",
            status="feasible",
            annual_net_benefit="900000",
            lifetime_years=10,
            discount_rate="0.08",
        )["payback_years"]
        == "3.33"
    )
    option("N1", status="implementing")
    option(
        "N1",
        status="implemented",
        implemented_on=timezone.localdate().isoformat(),
        benefits=[{"indicator": "energy_tce", "expected": "120", "actual": "135"}],
    )
    document("audit_report", "Audit report")
    data = move(firm, "under_assessment", "Report submitted for assessment")
    assert data["report_submitted_on"] == timezone.localdate().isoformat()
    assert data["late"] == []

    history = ok(company.get(f"{detail}history/"))
    assert [(row["from"], row["to"]) for row in history] == list(
        zip(PATH[:6], PATH[1:7], strict=True)
    )
    assert [row["actor"] for row in history] == ["enterprise_user"] + ["consultant"] * 5
    assert [row["comment"] for row in history] == (
        ["Kick-off meeting held"] + [""] * 4 + ["Report submitted for assessment"]
    )
    moments = [datetime.datetime.fromisoformat(row["at"]) for row in history]
    assert moments == sorted(moments)
    assert before <= moments[0] and moments[-1] <= timezone.now()
    audit.refresh_from_db()
    assert audit.state == "under_assessment"
    assert audit.started_on == timezone.localdate()


def test_state_is_not_set_by_patch(cast, audit):
    response = api_client(cast.user("enterprise_user")).patch(
        f"{URL}{audit.pk}/", {"state": "completed", "started_on": "2020-01-01"}, format="json"
    )
    assert response.status_code == 200
    assert response.data["state"] == "not_started"
    assert response.data["started_on"] is None


def test_only_the_enterprise_engages_its_consulting_firm(cast, audit):
    detail = f"{URL}{audit.pk}/"
    response = api_client(cast.user("consultant")).patch(
        detail, {"consultancy": cast.other_firm.pk}, format="json"
    )
    assert response.status_code == 403
    audit.refresh_from_db()
    assert audit.consultancy == cast.firm
    response = api_client(cast.user("enterprise_user")).patch(
        detail, {"consultancy": cast.province.pk}, format="json"
    )
    assert response.status_code == 400
    assert "consultancy" in response.data


def test_team_is_made_of_the_engaged_firms_auditors(cast, audit):
    response = api_client(cast.user("consultant")).patch(
        f"{URL}{audit.pk}/", {"team": [cast.auditor.pk, cast.other_auditor.pk]}, format="json"
    )
    # Another firm's auditor is "not found" (issue 12: its name no longer leaks back).
    assert response.status_code == 400
    assert list(response.data) == ["team"] and "Wang Hua" not in str(response.data)
    assert not audit.team.exists()


def test_switching_firms_does_not_keep_the_previous_firms_team(cast, audit):
    bring_to(cast, audit, "planning")
    services.audit_update(
        actor=cast.user("consultant"), audit=audit, team=[cast.auditor, second_auditor(cast)]
    )
    response = api_client(cast.user("enterprise_user")).patch(
        f"{URL}{audit.pk}/", {"consultancy": cast.other_firm.pk}, format="json"
    )
    # Accepted, and the old firm's auditors left with it: the team guard is unmet again.
    assert response.status_code == 200, response.data
    assert response.data["team"] == []
    moves = api_client(cast.user("enterprise_user")).get(f"{URL}{audit.pk}/transitions/").data
    assert moves[0]["allowed"] is False


def test_authority_comments_and_the_parties_reply(cast, audit):
    url = f"{URL}{audit.pk}/comments/"
    officer = api_client(cast.user("city_officer"))
    assert (
        officer.post(url, {"text": "  The start is due soon.  "}, format="json").status_code == 201
    )
    assert (
        api_client(cast.user("enterprise_user"))
        .post(url, {"text": "Kick-off next week."}, format="json")
        .status_code
        == 201
    )
    rows = api_client(cast.user("province_officer")).get(url).data
    assert [(row["author"], row["author_role"], row["text"]) for row in rows] == [
        ("city_officer", "authority", "The start is due soon."),
        ("enterprise_user", "enterprise", "Kick-off next week."),
    ]
    response = officer.post(url, {"text": "   "}, format="json")
    assert response.status_code == 400
    assert "text" in response.data
    assert AuditComment.objects.count() == 2


def test_target_set_changed_and_removed(cast, audit):
    client = api_client(cast.user("enterprise_user"))
    response = client.post(
        "/api/v1/targets/",
        {
            "audit": audit.pk,
            "indicator": "Comprehensive energy per tonne",
            "unit": "kgce/t",
            "baseline": "420",
            "near_term": "400",
            "long_term": "380",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["near_term"] == "400.0000"
    url = f"/api/v1/targets/{response.data['id']}/"
    assert client.patch(url, {"achieved": "395"}, format="json").data["achieved"] == "395.0000"
    assert client.delete(url).status_code == 204
    assert not Target.objects.exists()


def test_a_target_names_an_indicator_and_a_unit(cast, audit):
    response = api_client(cast.user("consultant")).post(
        "/api/v1/targets/", {"audit": audit.pk, "baseline": "1"}, format="json"
    )
    assert response.status_code == 400
    assert {"indicator", "unit"} <= set(response.data)


def test_a_child_does_not_move_to_another_audit(cast, audit):
    other = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    target = services.target_save(
        actor=cast.user("consultant"), audit=audit, indicator="COD", unit="kg/t"
    )
    response = api_client(cast.user("admin")).patch(
        f"/api/v1/targets/{target.pk}/", {"audit": other.pk}, format="json"
    )
    assert response.status_code == 400
    assert "audit" in response.data


def flows(*, inputs, outputs):
    return [{"direction": "in", "name": f"In {i}", "quantity": q} for i, q in enumerate(inputs)] + [
        {"direction": "out", "name": f"Out {i}", "quantity": q} for i, q in enumerate(outputs)
    ]


@pytest.mark.parametrize(
    "outputs, closure_pct, closes",
    [
        (["90", "7"], "3.00", True),
        (["75", "5"], "20.00", False),
    ],
)
def test_balance_closure_is_computed(cast, audit, outputs, closure_pct, closes):
    client = api_client(cast.user("consultant"))
    response = client.post(
        "/api/v1/balances/",
        {
            "audit": audit.pk,
            "kind": "water",
            "title": "Water balance of the pulping line",
            "unit": "t/d",
            "flows": flows(inputs=["60", "40"], outputs=outputs),
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    for data in (response.data, client.get(f"/api/v1/balances/{response.data['id']}/").data):
        assert data["inputs"] == "100.0000"
        assert data["closure_pct"] == closure_pct
        assert data["closes"] is closes
        assert len(data["flows"]) == 4


def test_balance_flows_are_replaced_and_closure_recomputed(cast, audit):
    balance = services.balance_save(
        actor=cast.user("consultant"),
        audit=audit,
        kind="material",
        title="Fibre",
        unit="t/d",
        flows=flows(inputs=["100"], outputs=["97"]),
    )
    client = api_client(cast.user("enterprise_user"))
    url = f"/api/v1/balances/{balance.pk}/"
    data = client.patch(url, {"flows": flows(inputs=["100"], outputs=["80"])}, format="json").data
    assert (data["outputs"], data["closure_pct"], data["closes"]) == ("80.0000", "20.00", False)
    assert balance.flows.count() == 2
    data = client.patch(url, {"tolerance_pct": "25"}, format="json").data
    assert (data["closure_pct"], data["closes"], len(data["flows"])) == ("20.00", True, 2)


def test_balance_without_inputs_has_no_closure(cast, audit):
    response = api_client(cast.user("consultant")).post(
        "/api/v1/balances/",
        {
            "audit": audit.pk,
            "kind": "energy",
            "title": "Steam",
            "unit": "GJ/d",
            "flows": flows(inputs=[], outputs=["5"]),
        },
        format="json",
    )
    assert response.status_code == 201
    assert (response.data["closure_pct"], response.data["closes"]) == (None, None)


def test_audit_content_is_frozen_under_assessment(cast, audit):
    audit = bring_to(cast, audit, "under_assessment")
    target = audit.targets.get()
    client = api_client(cast.user("consultant"))
    for response in (
        client.patch(f"{URL}{audit.pk}/", {"focus": "Another focus"}, format="json"),
        client.post(
            "/api/v1/targets/",
            {"audit": audit.pk, "indicator": "COD", "unit": "kg/t"},
            format="json",
        ),
        client.patch(f"/api/v1/targets/{target.pk}/", {"achieved": "45"}, format="json"),
        client.delete(f"/api/v1/targets/{target.pk}/"),
        client.post(
            "/api/v1/balances/",
            {"audit": audit.pk, "kind": "water", "title": "W", "unit": "t/d"},
            format="json",
        ),
    ):
        assert response.status_code == 409, response.data
        assert response.data["unmet"] == ["The audit is “Under assessment”."]
    audit.refresh_from_db()
    assert audit.focus == "Pulping and bleaching"
    assert list(audit.targets.values_list("achieved", flat=True)) == [None]
    assert list(Balance.objects.values_list("title", flat=True)) == ["Water of the pulping line"]


def test_filters(cast):
    nanjing = bring_to(cast, engaged_audit(cast), "planning")  # Jiangsu 2026, cast.firm
    suzhou = Audit.objects.get(enterprise=cast.suzhou_enterprise)  # Jiangsu 2026, no firm
    hangzhou = zhejiang_audit(cast, year=2025)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Audit.objects.filter(pk=suzhou.pk).update(start_due=yesterday)
    client = api_client(cast.user("admin"))

    def ids(query):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.data
        return {row["id"] for row in response.data["results"]}

    everyone = {nanjing.pk, suzhou.pk, hangzhou.pk}
    assert ids("") == everyone
    assert ids("state=planning") == {nanjing.pk}
    assert ids("state=not_started") == {suzhou.pk, hangzhou.pk}
    assert ids("state=planning&state=not_started") == everyone
    assert ids("region=32") == {nanjing.pk, suzhou.pk}
    assert ids("region=3201") == {nanjing.pk}
    assert ids("region=320115") == {nanjing.pk}
    assert ids("region=33") == {hangzhou.pk}
    assert ids("industry=22") == {nanjing.pk}
    assert ids("industry=26") == {hangzhou.pk}
    assert ids(f"consultancy={cast.firm.pk}") == {nanjing.pk}
    assert ids("year=2026") == {nanjing.pk, suzhou.pk}
    assert ids("year=2025") == {hangzhou.pk}
    assert ids(f"enterprise={cast.suzhou_enterprise.pk}") == {suzhou.pk}
    assert ids("overdue=true") == {suzhou.pk}
    assert ids("overdue=false") == {nanjing.pk, hangzhou.pk}
    assert ids("overdue=true&region=3201") == set()
    row = client.get(f"{URL}{suzhou.pk}/").data
    assert (row["is_overdue"], row["overdue"]) == (True, ["start"])
    # A started audit is no longer late to start, but may be late with its report.
    Audit.objects.filter(pk=nanjing.pk).update(start_due=yesterday)
    assert ids("overdue=true") == {suzhou.pk}
    Audit.objects.filter(pk=nanjing.pk).update(report_due=yesterday)
    assert ids("overdue=true") == {nanjing.pk, suzhou.pk}
    # Filters narrow the caller's scope, never widen it.
    city = api_client(cast.user("city_officer"))
    assert {row["id"] for row in city.get(f"{URL}?region=32").data["results"]} == {nanjing.pk}


def test_audit_list_query_count_is_constant(cast):
    admin = cast.user("admin")
    second = second_auditor(cast)
    years = iter(range(2030, 2090))

    serials = iter(range(700, 900))

    def grow(n):
        for _ in range(n):
            # Two more Nanjing enterprises on each list: a list of the same ones would
            # continue their open audits (one open audit per enterprise).
            key_list = lists.key_list_create(
                actor=cast.user("province_officer"),
                province=cast.province.region,
                year=next(years),
            )
            for _number in range(2):
                serial = next(serials)
                lists.entry_save(
                    actor=cast.user("province_officer"),
                    key_list=key_list,
                    enterprise=enterprise(f"Grown {serial}", "320102", "26", serial),
                    categories=["energy_intensive"],
                )
            publishing.key_list_publish(actor=cast.user("province_officer"), key_list=key_list)
            for audit in Audit.objects.filter(consultancy__isnull=True):
                services.audit_update(
                    actor=admin, audit=audit, consultancy=cast.firm, team=[cast.auditor, second]
                )

    assert_constant_queries(
        lambda: api_client(admin).get(f"{URL}?page_size=200"), grow, few=1, many=4
    )
    assert Audit.objects.count() == 8
    for role in ("province_officer", "consultant"):
        client = api_client(cast.user(role))
        assert client.get(f"{URL}?page_size=200").data["count"] == 8


def test_target_and_balance_list_query_counts_are_constant(cast, audit):
    consultant = cast.user("consultant")
    client = api_client(consultant)

    def grow_targets(n):
        for i in range(n):
            services.target_save(actor=consultant, audit=audit, indicator=f"T{i}", unit="t")

    def grow_balances(n):
        for i in range(n):
            services.balance_save(
                actor=consultant,
                audit=audit,
                kind="water",
                title=f"B{i}",
                unit="t",
                flows=flows(inputs=["10", "5"], outputs=["14"]),
            )

    assert_constant_queries(lambda: client.get("/api/v1/targets/?page_size=200"), grow_targets)
    assert_constant_queries(lambda: client.get("/api/v1/balances/?page_size=200"), grow_balances)
    assert Balance.objects.count() == 20


def test_an_authority_comments_only_within_its_region(cast, audit):
    from django.core.exceptions import PermissionDenied

    services.comment_add(actor=cast.user("city_officer"), audit=audit, text="Start soon.")
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=cast.user("other_province_officer"), audit=audit, text="x")
    assert [c.text for c in audit.comments.all()] == ["Start soon."]
