"""Urging and enforcement (issue 16, item 2): an urge notice about an overdue audit goes to
the enterprise and its firm and stays on the audit; a penalty decision is recorded
against an enterprise or a firm; both show on the audit's page, in the firm's record and
in the next list's carry-over suggestions; penalised firms are public where the policy
says so."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits import publishing
from audits.choices import AuditState
from core.errors import StateConflict
from enterprises import services as lists
from enterprises.models import Region
from notifications.models import Notification
from supervision import services
from supervision.choices import PenaltyGround
from supervision.models import Penalty, SupervisionPolicy, Urge
from supervision.selectors import audit_events, firm_record
from tests.supervision.roles import NOT_FOR_THEM
from tests.support.audits import engaged_audit, pdf, zhejiang_audit
from tests.support.matrix import RoleMatrix, api_client, page_client

pytestmark = pytest.mark.django_db

LOGIN = 302
LONG_AGO = datetime.date(2025, 3, 1)  # the audits' deadlines have all passed


def overdue_audit(cast):
    return engaged_audit(cast, published_on=LONG_AGO)


def urge(cast, audit, text="Start the audit now."):
    return services.urge_send(actor=cast.user("province_officer"), audit=audit, text=text)


def penalty(cast, **fields):
    return services.penalty_record(
        actor=cast.user("province_officer"),
        ground=fields.pop("ground", PenaltyGround.NOT_AUDITED),
        legal_basis=fields.pop("legal_basis", "Cleaner Production Promotion Law, art. 39"),
        decided_on=fields.pop("decided_on", datetime.date(2026, 5, 10)),
        **fields,
    )


def test_urge_goes_to_the_enterprise_and_the_firm_and_stays(cast):
    audit = overdue_audit(cast)
    sent = urge(cast, audit)
    assert sent.sent_by == cast.user("province_officer")
    assert "start" in sent.overdue
    told = set(
        Notification.objects.filter(kind="urge").values_list("recipient__username", flat=True)
    )
    assert told == {"enterprise_user", "consultant"}


def test_an_audit_on_time_is_not_urged(cast):
    audit = engaged_audit(cast)  # published today: nothing overdue
    with pytest.raises(StateConflict):
        urge(cast, audit)
    assert not Urge.objects.exists()


def test_only_authorities_over_the_region_urge(cast):
    audit = overdue_audit(cast)
    for who in ("other_province_officer", "consultant", "enterprise_user"):
        with pytest.raises(PermissionDenied):
            services.urge_send(actor=cast.user(who), audit=audit, text="Hurry")
    with pytest.raises(ValidationError):
        urge(cast, audit, text="   ")


def test_penalty_against_an_enterprise_or_a_firm(cast):
    audit = overdue_audit(cast)
    decided = penalty(cast, enterprise=cast.enterprise, audit=audit, amount=50_000, document=pdf())
    assert decided.document_sha256 and decided.document_content_type == "application/pdf"
    assert Notification.objects.filter(kind="penalty", recipient__username="enterprise_user")
    named = penalty(cast, consultancy=cast.firm, ground=PenaltyGround.FAKED)
    assert named.party == cast.firm


@pytest.mark.parametrize(
    "fields,field",
    [
        ({}, "enterprise"),
        ({"enterprise": "E", "consultancy": "F"}, "enterprise"),
        ({"enterprise": "E", "decided_on": datetime.date(2999, 1, 1)}, "decided_on"),
        ({"enterprise": "E", "amount": -1}, "amount"),
        ({"enterprise": "E", "legal_basis": ""}, "legal_basis"),
    ],
)
def test_penalty_rejects_bad_input(cast, fields, field):
    parties = {"E": cast.enterprise, "F": cast.firm}
    fields = {
        key: parties.get(value, value) if isinstance(value, str) else value
        for key, value in fields.items()
    }
    with pytest.raises(ValidationError) as error:
        penalty(cast, **fields)
    assert field in error.value.message_dict
    assert not Penalty.objects.exists()


def test_penalty_outside_the_region_is_refused(cast):
    with pytest.raises(PermissionDenied):
        penalty(cast, enterprise=cast.other_enterprise)


def test_urge_and_penalty_on_the_audit_page_the_record_and_the_suggestions(cast, client):
    audit = overdue_audit(cast)
    urge(cast, audit, text="Start the audit within ten days.")
    penalty(cast, consultancy=cast.firm, audit=audit, amount=80_000)
    penalty(cast, enterprise=cast.enterprise, audit=audit, amount=100_000)
    # The audit's page, as its enterprise sees it.
    client.force_login(cast.user("enterprise_user"))
    page = client.get(f"/audits/{audit.pk}/").content.decode()
    assert "Start the audit within ten days." in page
    assert page.count('data-kind="penalty"') == 4  # the supervision section and the record
    # The firm's record.
    record = firm_record(user=cast.user("province_officer"), firm=cast.firm)
    assert [u.text for u in record["urges"]] == ["Start the audit within ten days."]
    assert len(record["penalties"]) == 1
    # The next year's list suggests the enterprise, with its urges and penalties.
    officer = cast.user("province_officer")
    next_list = lists.key_list_create(
        actor=officer, province=Region.objects.get(code="320000"), year=2027
    )
    suggestions = publishing.carry_over_suggestions(key_list=next_list, actor=officer)
    reasons = next(s["reasons"] for s in suggestions if s["enterprise"] == cast.enterprise)
    assert any("urged 1 times" in reason for reason in reasons)
    assert any("penalised 1 times" in reason for reason in reasons)


def test_a_penalised_enterprise_is_suggested_even_when_on_time(cast):
    audit = engaged_audit(cast)
    penalty(cast, enterprise=cast.enterprise, audit=audit, ground=PenaltyGround.FAKED)
    officer = cast.user("province_officer")
    next_list = lists.key_list_create(
        actor=officer, province=Region.objects.get(code="320000"), year=2027
    )
    suggested = publishing.carry_over_suggestions(key_list=next_list, actor=officer)
    assert [s["enterprise"] for s in suggested] == [cast.enterprise]


def test_public_page_shows_penalised_firms_where_the_policy_says_so(cast, client):
    penalty(cast, consultancy=cast.firm, amount=60_000)
    page = client.get("/public/penalties/")
    assert page.status_code == 200 and cast.firm.name in page.content.decode()
    SupervisionPolicy.objects.create(province_id="320000", publish_penalised_firms=False)
    assert cast.firm.name not in client.get("/public/penalties/").content.decode()


def test_overdue_page_urges(cast, client):
    audit = overdue_audit(cast)
    client.force_login(cast.user("city_officer"))
    page = client.get("/supervision/overdue/")
    assert f'data-audit="{audit.pk}"' in page.content.decode()
    response = client.post(
        f"/supervision/audits/{audit.pk}/urge/",
        {"text": "Report back by Friday.", "next": "/supervision/overdue/"},
    )
    assert response.status_code == 302 and response["Location"] == "/supervision/overdue/"
    assert Urge.objects.get().sent_by == cast.user("city_officer")
    empty = client.post(f"/supervision/audits/{audit.pk}/urge/", {"text": ""})
    assert empty.status_code == 400


def test_the_deadline_board_leads_to_the_urge_form_and_back(cast, client):
    """Issue 17, item 5: each overdue audit of the authority's board has its urge button;
    the form names what is overdue, and sending it returns to the board."""
    audit = overdue_audit(cast)
    client.force_login(cast.user("province_officer"))
    board = client.get("/dashboard/").content.decode()
    link = f'href="/supervision/audits/{audit.pk}/urge/?next=/dashboard/" data-testid="urge"'
    assert link in board
    form = client.get(f"/supervision/audits/{audit.pk}/urge/?next=/dashboard/")
    assert form.status_code == 200
    content = form.content.decode()
    assert '<input type="hidden" name="next" value="/dashboard/">' in content
    assert 'data-testid="urge-overdue">Overdue: Start the audit' in content
    sent = client.post(
        f"/supervision/audits/{audit.pk}/urge/", {"text": "Start now.", "next": "/dashboard/"}
    )
    assert sent.status_code == 302 and sent["Location"] == "/dashboard/"
    assert Urge.objects.get().text == "Start now."
    # Another site is never where it leads back to.
    elsewhere = client.post(
        f"/supervision/audits/{audit.pk}/urge/",
        {"text": "Again.", "next": "https://example.com/"},
    )
    assert elsewhere["Location"] == f"/audits/{audit.pk}/"
    # Those who cannot urge see no button: the consulting firm's dashboard lists the audit.
    client.force_login(cast.user("consultant"))
    assert 'data-testid="urge"' not in client.get("/dashboard/").content.decode()
    assert client.get(f"/supervision/audits/{audit.pk}/urge/").status_code == 403


def test_api_urges_and_records_penalties(cast):
    audit = overdue_audit(cast)
    officer = api_client(cast.user("province_officer"))
    sent = officer.post("/api/v1/urges/", {"audit": audit.pk, "text": "Hurry"}, format="json")
    assert sent.status_code == 201 and "start" in sent.data["overdue"]
    assert api_client(cast.user("enterprise_user")).get("/api/v1/urges/").data["count"] == 1
    created = officer.post(
        "/api/v1/penalties/",
        {
            "enterprise": cast.enterprise.pk,
            "ground": "not_audited",
            "legal_basis": "Art. 39",
            "amount": "50000.00",
            "decided_on": "2026-05-10",
            "document": pdf(),
        },
        format="multipart",
    )
    assert created.status_code == 201, created.data
    assert created.data["document_url"]
    document = officer.get(created.data["document_url"])
    assert document.status_code == 200
    bad = officer.post(
        "/api/v1/penalties/",
        {
            "enterprise": cast.enterprise.pk,
            "consultancy": cast.firm.pk,
            "ground": "faked",
            "legal_basis": "x",
            "decided_on": "2026-05-10",
        },
        format="json",
    )
    assert bad.status_code == 400 and "enterprise" in bad.data
    assert Penalty.objects.count() == 1


def enforcement_world(cast):
    audit = overdue_audit(cast)
    return {
        "audit": audit,
        "urge": urge(cast, audit),
        "penalty": penalty(cast, enterprise=cast.enterprise),
    }


class TestEnforcementApiRoles(RoleMatrix):
    build = staticmethod(enforcement_world)
    matrix = {
        "urges": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            "consultant": 200,
            "other_consultant": 200,
            "enterprise_user": 200,
            "other_enterprise_user": 200,
            "expert": 200,
            "anonymous": 401,
        },
        "urge": {
            "admin": 201,
            "province_officer": 201,
            "other_province_officer": 400,
            "city_officer": 201,
            **NOT_FOR_THEM,
            "anonymous": 401,
        },
        "penalty": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            "consultant": 404,
            "other_consultant": 404,
            "enterprise_user": 200,
            "other_enterprise_user": 404,
            "expert": 403,
            "anonymous": 401,
        },
    }

    def request(self, action, client, cast):
        if action == "urges":
            return client.get("/api/v1/urges/")
        if action == "urge":
            return client.post(
                "/api/v1/urges/", {"audit": self.world.audit.pk, "text": "Go"}, format="json"
            )
        return client.get(f"/api/v1/penalties/{self.world.penalty.pk}/")


class TestEnforcementPageRoles(RoleMatrix):
    api = False
    build = staticmethod(enforcement_world)
    matrix = {
        "overdue": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        "urge": {
            "admin": 302,
            "province_officer": 302,
            "other_province_officer": 404,
            "city_officer": 302,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        # The urge form, the deadline board's way in (issue 17).
        "urge_form": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        "penalties": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        "public": {role: 200 for role in NOT_FOR_THEM}
        | {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            "anonymous": 200,
        },
    }

    def request(self, action, client, cast):
        if action == "overdue":
            return client.get("/supervision/overdue/")
        if action == "urge":
            return client.post(f"/supervision/audits/{self.world.audit.pk}/urge/", {"text": "Go"})
        if action == "urge_form":
            return client.get(f"/supervision/audits/{self.world.audit.pk}/urge/")
        if action == "penalties":
            return client.get("/supervision/penalties/")
        return client.get("/public/penalties/")


def test_urge_count_on_the_overdue_page_does_not_grow_the_queries(cast, client):
    from tests.support.matrix import count_queries

    audit = overdue_audit(cast)
    client.force_login(cast.user("province_officer"))
    before = count_queries(lambda: client.get("/supervision/overdue/"))
    for n in range(5):
        urge(cast, audit, text=f"Urge {n}")
    assert count_queries(lambda: client.get("/supervision/overdue/")) == before
    assert audit.state == AuditState.NOT_STARTED


def test_urges_and_penalties_as_timeline_events(cast):
    audit = overdue_audit(cast)
    urge(cast, audit, text="Start now")
    penalty(cast, enterprise=cast.enterprise, audit=audit, amount=50_000)
    events = audit_events(audit)
    assert [event["kind"] for event in events] == ["urge", "penalty"]
    assert events[0]["actor"] == "province_officer" and "Start now" in events[0]["summary"]
    assert {"at", "actor", "kind", "summary", "params"} <= set(events[1])
    assert events[1]["params"]["amount"] == "50000.00"


def timeline_kinds(response) -> list[str]:
    import re

    html = response.content.decode()
    timeline = html[html.index('data-testid="events"') :]
    return re.findall(r'data-kind="([a-z_]+)"', timeline[: timeline.index("</ol>")])


def test_urge_and_penalty_on_the_events_api_and_the_page_timeline_merged_by_time(cast, client):
    audit = overdue_audit(cast)
    urge(cast, audit, text="Start now")
    penalty(
        cast,
        enterprise=cast.enterprise,
        audit=audit,
        amount=80_000,
        legal_basis="Art. 39",
        decided_on=datetime.date(2026, 5, 10),
    )
    from audits import services as audit_services

    audit_services.comment_add(actor=cast.user("consultant"), audit=audit, text="x")
    rows = api_client(cast.user("enterprise_user")).get(f"/api/v1/audits/{audit.pk}/events/").json()
    kinds = [row["kind"] for row in rows]
    assert kinds.index("urge") < kinds.index("penalty")
    assert [row["at"] for row in rows] == sorted(row["at"] for row in rows)
    urge_row = next(row for row in rows if row["kind"] == "urge")
    penalty_row = next(row for row in rows if row["kind"] == "penalty")
    assert urge_row["actor"] == "province_officer"
    assert urge_row["params"]["text"] == "Start now" and "Start now" in urge_row["summary"]
    assert penalty_row["actor"] == "province_officer"
    assert penalty_row["params"]["legal_basis"] == "Art. 39"
    assert penalty_row["params"]["amount"] == "80000.00"
    assert penalty_row["params"]["decided_on"] == "2026-05-10"
    assert "Art. 39" in penalty_row["summary"] and "80000" in penalty_row["summary"]
    for language, word in (("en", "Urge notice"), ("zh-hans", None)):
        page_client(client, cast.user("consultant"))
        response = client.get(f"/audits/{audit.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        page = timeline_kinds(response)
        assert page == kinds
        if word:
            assert word in response.content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", 200),
        ("province_officer", 200),
        ("city_officer", 200),
        ("other_province_officer", 404),
        ("consultant", 200),
        ("other_consultant", 404),
        ("enterprise_user", 200),
        ("other_enterprise_user", 404),
        ("expert", 404),
        ("anonymous", 401),
    ],
)
def test_urges_and_penalties_on_the_events_api_by_role(cast, role, expected):
    audit = overdue_audit(cast)
    urge(cast, audit)
    penalty(cast, consultancy=cast.firm, audit=audit, amount=60_000)
    response = api_client(cast.user(role)).get(f"/api/v1/audits/{audit.pk}/events/")
    assert response.status_code == expected
    if expected == 200:
        assert {"urge", "penalty"} <= {row["kind"] for row in response.json()}


def test_an_urge_on_one_audit_is_not_on_another_audits_timeline(cast):
    audit = overdue_audit(cast)
    other = zhejiang_audit(cast)
    urge(cast, audit)
    rows = api_client(cast.user("admin")).get(f"/api/v1/audits/{other.pk}/events/").json()
    assert "urge" not in {row["kind"] for row in rows}


def test_audit_page_queries_do_not_grow_with_urges_and_penalties(cast, client):
    from tests.support.matrix import count_queries

    audit = overdue_audit(cast)
    client.force_login(cast.user("province_officer"))
    urge(cast, audit)
    penalty(cast, enterprise=cast.enterprise, audit=audit)
    few = count_queries(lambda: client.get(f"/audits/{audit.pk}/"))
    for n in range(4):
        urge(cast, audit, text=f"Again {n}")
        penalty(cast, consultancy=cast.firm, audit=audit)
    many = count_queries(lambda: client.get(f"/audits/{audit.pk}/"))
    assert few == many
    assert timeline_kinds(client.get(f"/audits/{audit.pk}/")).count("urge") == 5
