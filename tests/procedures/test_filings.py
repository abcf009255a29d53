"""Registration and filing (报备): the rules, the start they make where the policy says
so, the API and the pages for every role (domain.md §7, §8)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audits.choices import AuditState, DocumentKind
from audits.models import Audit
from audits.workflow import audit_transition, available_transitions
from core.errors import StateConflict
from notifications.models import Notification
from procedures import services
from procedures.choices import FilingState
from procedures.models import Filing, FilingChange, Registration
from tests.support.audits import engaged_audit, pdf, reads, upload, writes
from tests.support.lists import published_list
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries

from .support import filed, filing_documents, jiangsu_policy, wuhan_rules

pytestmark = pytest.mark.django_db

URL = "/api/v1/filings/"


# --- the rules ---------------------------------------------------------------------------


def test_publication_sets_the_registration_and_filing_deadlines_from_the_policy(cast):
    """A month to register, 45 working days to file (Shandong-like), counted from the
    publication with the holidays: 1 September 2026 + 45 working days crosses National
    Day."""
    jiangsu_policy(filing_working_days=45)
    published_list(cast, published_on=datetime.date(2026, 9, 1))
    audit = Audit.objects.get(enterprise=cast.enterprise)
    assert audit.registration_due == datetime.date(2026, 10, 1)
    # 21 in September, 8–9 and the adjusted Saturday 10 October, …, the 45th on 9 November
    assert audit.filing_due == datetime.date(2026, 11, 9)
    assert audit.start_due == datetime.date(2026, 11, 1)
    # the list keeps the figures it was published with
    assert audit.list_entry.key_list.policy["filing_working_days"] == 45


def test_the_enterprise_registers_with_its_basic_data_and_a_contact(cast):
    audit = engaged_audit(cast, published_on=timezone.localdate())
    registration = services.registration_save(
        actor=cast.user("enterprise_user"),
        audit=audit,
        contact_name="Li Lei",
        contact_phone="025-1234567",
    )
    assert registration.confirmed_data["credit_code"] == cast.enterprise.credit_code
    assert registration.registered_on == timezone.localdate()
    assert not registration.late
    with pytest.raises(ValidationError) as error:
        services.registration_save(
            actor=cast.user("enterprise_user"), audit=audit, contact_name=" ", contact_phone=""
        )
    assert set(error.value.message_dict) == {"contact_name", "contact_phone"}
    with pytest.raises(PermissionDenied):
        services.registration_save(
            actor=cast.user("consultant"), audit=audit, contact_name="X", contact_phone="1"
        )
    assert Registration.objects.get(audit=audit).contact_name == "Li Lei"


def test_a_filing_carries_the_contract_and_the_audit_plan(cast):
    audit = engaged_audit(cast, published_on=timezone.localdate())
    contract_only = filing_documents(cast, audit, plan=False)
    with pytest.raises(ValidationError) as error:
        services.filing_submit(
            actor=cast.user("consultant"), audit=audit, kind="start", documents=contract_only
        )
    assert "documents" in error.value.message_dict
    assert not Filing.objects.exists()
    # a contract filing needs the contract alone
    filing = services.filing_submit(
        actor=cast.user("consultant"), audit=audit, kind="contract", documents=contract_only
    )
    assert filing.state == FilingState.SUBMITTED
    # a report is not what the start filing asks for
    report = upload(cast, audit, kind=DocumentKind.AUDIT_REPORT)
    with pytest.raises(ValidationError):
        services.filing_submit(
            actor=cast.user("consultant"),
            audit=audit,
            kind="start",
            documents=[*contract_only, report],
        )


def test_returned_then_refiled_then_accepted_starts_the_audit_that_day_where_the_policy_says(
    cast,
):
    wuhan_rules()
    officer = cast.user("province_officer")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        audit = engaged_audit(cast, published_on=datetime.date(2026, 3, 2))
        # planning needs the accepted filing under these rules
        (move,) = available_transitions(audit)
        assert not move["allowed"] and "filing" in move["unmet"][0]
        with pytest.raises(StateConflict):
            audit_transition(audit=audit, to=AuditState.PLANNING, actor=cast.user("consultant"))
        first = filed(cast, audit)
        with pytest.raises(StateConflict):  # one waiting at a time
            filed(cast, audit)
        with pytest.raises(ValidationError):  # returning needs the reasons
            services.filing_return(actor=officer, filing=first, reason="  ")
        services.filing_return(actor=officer, filing=first, reason="The plan has no dates.")
    first.refresh_from_db()
    assert first.state == FilingState.RETURNED and first.decided_by == officer
    assert first.decided_on == datetime.date(2026, 3, 2)
    assert Notification.objects.filter(
        kind="filing_returned", recipient=cast.user("consultant")
    ).exists()
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC), tick=False):
        second = filed(cast, audit, role="enterprise_user")
        services.filing_accept(actor=cast.user("city_officer"), filing=second)
        with pytest.raises(StateConflict):  # decided once
            services.filing_accept(actor=officer, filing=second)
    audit.refresh_from_db()
    assert audit.state == AuditState.PLANNING
    assert audit.started_on == datetime.date(2026, 3, 20)
    move = audit.transitions.get(to_state=AuditState.PLANNING)
    assert move.actor == cast.user("city_officer") and "accepted" in move.comment
    assert list(FilingChange.objects.order_by("at", "id").values_list("to_state", "comment")) == [
        ("returned", "The plan has no dates."),
        ("accepted", ""),
    ]
    with pytest.raises(StateConflict):  # the start is filed once
        filed(cast, audit)


def test_by_default_the_filing_neither_gates_nor_starts_the_audit(cast):
    audit = engaged_audit(cast, published_on=timezone.localdate())
    assert available_transitions(audit)[0]["allowed"]
    filing = filed(cast, audit)
    services.filing_accept(actor=cast.user("province_officer"), filing=filing)
    audit.refresh_from_db()
    assert audit.state == AuditState.NOT_STARTED and audit.started_on is None
    audit_transition(audit=audit, to=AuditState.PLANNING, actor=cast.user("consultant"))
    audit.refresh_from_db()
    assert audit.started_on == timezone.localdate()


def test_under_the_filing_start_rule_the_planning_move_does_not_date_the_start(cast):
    """Filing starts the audit (Wuhan) but does not gate planning: the move to planning
    leaves the start to the filing's acceptance."""
    jiangsu_policy(filing_is_start=True)
    audit = engaged_audit(cast, published_on=timezone.localdate())
    audit_transition(audit=audit, to=AuditState.PLANNING, actor=cast.user("consultant"))
    audit.refresh_from_db()
    assert audit.started_on is None
    services.filing_accept(actor=cast.user("province_officer"), filing=filed(cast, audit))
    audit.refresh_from_db()
    assert audit.started_on == timezone.localdate() and audit.state == AuditState.PLANNING


def test_only_the_authority_in_scope_decides(cast):
    filing = filed(cast)
    for role in ("consultant", "enterprise_user", "other_province_officer", "expert"):
        with pytest.raises(PermissionDenied):
            services.filing_accept(actor=cast.user(role), filing=filing)
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED
    assert Notification.objects.filter(
        kind="filing_submitted", recipient=cast.user("province_officer")
    ).exists()


# --- the API -----------------------------------------------------------------------------


def _build(cast):
    audit = engaged_audit(cast, published_on=timezone.localdate())
    return {"audit": audit, "documents": filing_documents(cast, audit)}


class TestFilingApiRoles(RoleMatrix):
    build = staticmethod(_build)
    matrix = {
        "list": reads()
        | {
            "other_province_officer": 200,
            "other_consultant": 200,
            "other_enterprise_user": 200,
            "expert": 200,
        },
        "retrieve": reads(),
        "create": writes(201) | {"other_consultant": 400, "other_enterprise_user": 400},
        "accept": reads()
        | {
            "consultant": 403,
            "enterprise_user": 403,
            "expert": 403,
            "other_consultant": 403,
            "other_enterprise_user": 403,
        },
        "return": reads()
        | {
            "consultant": 403,
            "enterprise_user": 403,
            "expert": 403,
            "other_consultant": 403,
            "other_enterprise_user": 403,
        },
    }

    def request(self, action, client, cast):
        world = self.world
        body = {
            "audit": world.audit.pk,
            "kind": "start",
            "documents": [d.pk for d in world.documents],
        }
        if action == "create":
            return client.post(URL, body, format="json")
        filing = services.filing_submit(
            actor=cast.user("consultant"),
            audit=world.audit,
            kind="start",
            documents=world.documents,
        )
        detail = f"{URL}{filing.pk}/"
        return {
            "list": lambda: client.get(URL),
            "retrieve": lambda: client.get(detail),
            "accept": lambda: client.post(f"{detail}accept/"),
            "return": lambda: client.post(
                f"{detail}return/", {"reason": "No dates"}, format="json"
            ),
        }[action]()


def test_the_api_walk_register_file_return_refile_accept(cast):
    wuhan_rules()
    audit = engaged_audit(cast, published_on=timezone.localdate())
    enterprise = api_client(cast.user("enterprise_user"))
    officer = api_client(cast.user("province_officer"))
    response = enterprise.post(
        "/api/v1/registrations/",
        {"audit": audit.pk, "contact_name": "Li Lei", "contact_phone": "025-1"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["registration_due"] == audit.registration_due.isoformat()
    bad = enterprise.post("/api/v1/registrations/", {"audit": audit.pk}, format="json")
    assert bad.status_code == 400 and "contact_name" in bad.data

    def documents():
        ids = []
        for kind, name in (("consultancy_contract", "c.pdf"), ("work_plan", "p.pdf")):
            response = enterprise.post(
                "/api/v1/documents/",
                {"audit": audit.pk, "kind": kind, "file": pdf(name)},
                format="multipart",
            )
            assert response.status_code == 201, response.data
            ids.append(response.data["id"])
        return ids

    missing = enterprise.post(URL, {"audit": audit.pk, "documents": documents()[:1]}, format="json")
    assert missing.status_code == 400 and "documents" in missing.data
    first = enterprise.post(URL, {"audit": audit.pk, "documents": documents()}, format="json")
    assert first.status_code == 201 and first.data["state"] == "submitted"
    assert first.data["filing_due"] == audit.filing_due.isoformat()
    again = enterprise.post(URL, {"audit": audit.pk, "documents": documents()}, format="json")
    assert again.status_code == 409
    no_reason = officer.post(f"{URL}{first.data['id']}/return/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.data
    returned = officer.post(
        f"{URL}{first.data['id']}/return/", {"reason": "Unsigned contract"}, format="json"
    )
    assert returned.status_code == 200
    assert returned.data | {} == returned.data and returned.data["state"] == "returned"
    assert returned.data["reason"] == "Unsigned contract"
    assert returned.data["decided_by"] == "province_officer"
    second = enterprise.post(URL, {"audit": audit.pk, "documents": documents()}, format="json")
    accepted = officer.post(f"{URL}{second.data['id']}/accept/")
    assert accepted.status_code == 200 and accepted.data["state"] == "accepted"
    assert accepted.data["decided_on"] == timezone.localdate().isoformat()
    twice = officer.post(f"{URL}{second.data['id']}/accept/")
    assert twice.status_code == 409
    detail = enterprise.get(f"/api/v1/audits/{audit.pk}/").data
    assert (
        detail["state"] == "planning" and detail["started_on"] == timezone.localdate().isoformat()
    )


def test_the_filing_list_runs_the_same_queries_for_few_and_many(cast):
    client = api_client(cast.user("province_officer"))
    audit = engaged_audit(cast, published_on=timezone.localdate())

    def grow(n):
        for _ in range(n):
            filing = filed(cast, audit)
            services.filing_return(actor=cast.user("province_officer"), filing=filing, reason="x")

    assert_constant_queries(lambda: client.get(URL), grow, few=2, many=6)


# --- the pages ---------------------------------------------------------------------------

PAGE_READS = reads() | {"expert": 403, "anonymous": 302}


class TestFilingPages(RoleMatrix):
    api = False
    build = staticmethod(lambda cast: {"filing": filed(cast)})
    matrix = {
        "procedures": PAGE_READS,
        "list": PAGE_READS
        | {"other_province_officer": 200, "other_consultant": 200, "other_enterprise_user": 200},
        "detail": PAGE_READS,
        # accepted: a redirect to the filing's page
        "decide": PAGE_READS
        | {
            "admin": 302,
            "province_officer": 302,
            "city_officer": 302,
            "consultant": 403,
            "enterprise_user": 403,
            "other_consultant": 403,
            "other_enterprise_user": 403,
        },
        "register": PAGE_READS
        | {
            "admin": 302,
            "enterprise_user": 302,
            "consultant": 403,
            "province_officer": 403,
            "city_officer": 403,
            "other_province_officer": 403,
        },
    }

    def request(self, action, client, cast):
        filing = self.world.filing
        audit = filing.audit
        return {
            "procedures": lambda: client.get(f"/audits/{audit.pk}/procedures/"),
            "list": lambda: client.get("/filings/"),
            "detail": lambda: client.get(f"/filings/{filing.pk}/"),
            "decide": lambda: client.post(f"/filings/{filing.pk}/decide/", {"decision": "accept"}),
            "register": lambda: client.post(
                f"/audits/{audit.pk}/register/",
                {"contact_name": "Li Lei", "contact_phone": "025-1"},
            ),
        }[action]()


def test_the_pages_file_return_and_show_the_reasons(cast, client):
    audit = engaged_audit(cast, published_on=timezone.localdate())
    client.force_login(cast.user("consultant"))
    page = client.get(f"/audits/{audit.pk}/procedures/")
    assert b'data-testid="filing-form"' in page.content
    assert audit.filing_due.isoformat().encode() in page.content
    missing = client.post(
        f"/audits/{audit.pk}/file/", {"kind": "start", "contract": pdf("c.pdf"), "note": ""}
    )
    assert missing.status_code == 400
    assert not Filing.objects.exists() and not audit.documents.exists()  # all or nothing
    done = client.post(
        f"/audits/{audit.pk}/file/",
        {"kind": "start", "contract": pdf("c.pdf"), "plan": pdf("p.pdf"), "note": "Signed"},
    )
    assert done.status_code == 302
    filing = Filing.objects.get()
    assert sorted(filing.documents.values_list("kind", flat=True)) == [
        "consultancy_contract",
        "work_plan",
    ]
    client.force_login(cast.user("province_officer"))
    queue = client.get("/filings/")
    assert cast.enterprise.name.encode() in queue.content
    empty = client.post(f"/filings/{filing.pk}/decide/", {"decision": "return", "reason": ""})
    assert empty.status_code == 400
    client.post(f"/filings/{filing.pk}/decide/", {"decision": "return", "reason": "Unsigned"})
    client.force_login(cast.user("consultant"))
    page = client.get(f"/audits/{audit.pk}/procedures/")
    assert b"Unsigned" in page.content and b"Returned" in page.content
