"""City proposals: a city officer proposes entries for the province's draft list; the
province accepts (an entry with the city's reason) or rejects with its reason; the
city sees the outcomes; counts by city on the list page (domain.md §1, §8)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import StateConflict
from enterprises import services as lists
from enterprises.models import ListEntry, Region
from notifications.models import Notification
from procedures import services
from procedures.choices import ProposalState
from procedures.models import CityProposal
from tests.support.audits import pdf
from tests.support.cast import enterprise
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/proposals/"


def empty_draft(cast):
    return lists.key_list_create(
        actor=cast.user("province_officer"), province=Region.objects.get(code="320000"), year=2027
    )


def propose(cast, key_list, company=None, reason="COD 3× the quota in 2026 inspections"):
    return services.proposal_submit(
        actor=cast.user("city_officer"),
        key_list=key_list,
        enterprise=company or cast.enterprise,
        categories=["exceeds_standards"],
        reason=reason,
        evidence=pdf("inspection.pdf"),
    )


def test_an_accepted_proposal_appears_on_the_list_with_its_reason(cast):
    key_list = empty_draft(cast)
    proposal = propose(cast, key_list)
    assert proposal.evidence_sha256 and proposal.evidence_name == "inspection.pdf"
    assert Notification.objects.filter(
        kind="proposal_submitted", recipient=cast.user("province_officer")
    ).exists()
    assert not key_list.entries.exists()  # the city does not write into the list
    services.proposal_decide(actor=cast.user("province_officer"), proposal=proposal, accept=True)
    entry = ListEntry.objects.get(key_list=key_list)
    assert entry.enterprise == cast.enterprise
    assert entry.reason == "COD 3× the quota in 2026 inspections"
    assert entry.proposed_by == cast.user("city_officer")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED and proposal.entry == entry
    assert proposal.changes.get().actor == cast.user("province_officer")
    assert Notification.objects.filter(
        kind="proposal_decided", recipient=cast.user("city_officer")
    ).exists()
    with pytest.raises(StateConflict):
        services.proposal_decide(
            actor=cast.user("province_officer"), proposal=proposal, accept=False, reason="x"
        )


def test_a_rejection_needs_its_reason_and_the_city_sees_it(cast):
    key_list = empty_draft(cast)
    proposal = propose(cast, key_list)
    with pytest.raises(ValidationError):
        services.proposal_decide(
            actor=cast.user("province_officer"), proposal=proposal, accept=False
        )
    services.proposal_decide(
        actor=cast.user("province_officer"),
        proposal=proposal,
        accept=False,
        reason="Already audited in 2025",
    )
    seen = api_client(cast.user("city_officer")).get(URL).data["results"]
    assert [(p["state"], p["decision_reason"]) for p in seen] == [
        ("rejected", "Already audited in 2025")
    ]
    assert not key_list.entries.exists()


def test_who_proposes_and_who_decides(cast):
    key_list = empty_draft(cast)
    with pytest.raises(PermissionDenied):  # the province writes its list itself
        services.proposal_submit(
            actor=cast.user("province_officer"),
            key_list=key_list,
            enterprise=cast.enterprise,
            categories=["exceeds_standards"],
            reason="r",
        )
    with pytest.raises(PermissionDenied):  # and the city no longer does
        lists.entry_save(
            actor=cast.user("city_officer"),
            key_list=key_list,
            enterprise=cast.enterprise,
            categories=["exceeds_standards"],
        )
    with pytest.raises(ValidationError):  # outside the city
        propose(cast, key_list, company=cast.suzhou_enterprise)
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(
            actor=cast.user("city_officer"),
            key_list=key_list,
            enterprise=cast.enterprise,
            categories=[],
            reason=" ",
        )
    assert {"categories"} <= set(error.value.message_dict)
    proposal = propose(cast, key_list)
    with pytest.raises(ValidationError):  # proposed once while waiting
        propose(cast, key_list)
    for role in ("city_officer", "other_province_officer", "consultant"):
        with pytest.raises(PermissionDenied):
            services.proposal_decide(actor=cast.user(role), proposal=proposal, accept=True)


def test_counts_by_city_on_the_list_page(cast, client):
    key_list = empty_draft(cast)
    accepted = propose(cast, key_list)
    services.proposal_decide(actor=cast.user("province_officer"), proposal=accepted, accept=True)
    propose(cast, key_list, company=enterprise("Pukou Steel Co.", "320111", "31", 901))
    client.force_login(cast.user("province_officer"))
    page = client.get(f"/lists/{key_list.pk}/").content.decode()
    assert 'data-testid="proposal-counts"' in page
    row = page[page.index("Nanjing EPB") :]
    cells = [c.split("<")[0] for c in row.split('class="num">')[1:5]]
    assert cells == ["2", "1", "0", "1"]
    # the accepted one is on the list with the city's reason
    assert "COD 3× the quota in 2026 inspections" in page


def _world(cast):
    key_list = empty_draft(cast)
    return {"key_list": key_list, "proposal": propose(cast, key_list)}


NONE = {
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 403,
    "other_enterprise_user": 403,
    "expert": 403,
}


class TestProposalApiRoles(RoleMatrix):
    build = staticmethod(_world)
    matrix = {
        "list": NONE
        | {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            "anonymous": 401,
        },
        "retrieve": NONE
        | {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            "anonymous": 401,
        },
        "create": NONE
        | {
            "admin": 403,
            "province_officer": 403,
            # Jiangsu's draft is not Zhejiang's to reach
            "other_province_officer": 400,
            "city_officer": 201,
            "anonymous": 401,
        },
        "decide": NONE
        | {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 403,
            "anonymous": 401,
        },
        "evidence": NONE
        | {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            "anonymous": 401,
        },
    }

    def request(self, action, client, cast):
        proposal = self.world.proposal
        detail = f"{URL}{proposal.pk}/"
        newcomer = enterprise("Jiangning Foundry Co.", "320115", "33", 902)
        return {
            "list": lambda: client.get(URL),
            "retrieve": lambda: client.get(detail),
            "create": lambda: client.post(
                URL,
                {
                    "key_list": self.world.key_list.pk,
                    "enterprise": newcomer.pk,
                    "categories": ["toxic_hazardous"],
                    "reason": "Uses chromium",
                },
                format="json",
            ),
            "decide": lambda: client.post(f"{detail}decide/", {"accept": True}, format="json"),
            # the file is stored in this cell's media folder
            "evidence": lambda: client.get(
                f"{URL}{propose(cast, self.world.key_list, company=newcomer).pk}/evidence/"
            ),
        }[action]()


class TestProposalPages(RoleMatrix):
    api = False
    build = staticmethod(_world)
    PAGE = NONE | {
        "admin": 200,
        "province_officer": 200,
        "other_province_officer": 200,
        "city_officer": 200,
        "anonymous": 302,
    }
    matrix = {
        "list": PAGE,
        "create": PAGE
        | {
            "admin": 403,
            "province_officer": 403,
            "city_officer": 302,
            "other_province_officer": 404,
        },
        "decide": PAGE
        | {
            "admin": 302,
            "province_officer": 302,
            "city_officer": 403,
            "other_province_officer": 404,
        },
    }

    def request(self, action, client, cast):
        proposal = self.world.proposal
        newcomer = enterprise("Jiangning Foundry Co.", "320115", "33", 903)
        return {
            "list": lambda: client.get("/proposals/"),
            "create": lambda: client.post(
                f"/proposals/lists/{self.world.key_list.pk}/",
                {"enterprise": newcomer.pk, "categories": ["toxic_hazardous"], "reason": "Cr"},
            ),
            "decide": lambda: client.post(
                f"/proposals/{proposal.pk}/decide/", {"accept": "1", "reason": ""}
            ),
        }[action]()


def test_the_proposal_list_runs_the_same_queries_for_few_and_many(cast):
    key_list = empty_draft(cast)
    serial = iter(range(950, 999))
    client = api_client(cast.user("province_officer"))

    def grow(n):
        for _ in range(n):
            propose(
                cast, key_list, company=enterprise(f"E{next(serial)}", "320115", "22", next(serial))
            )

    assert_constant_queries(lambda: client.get(URL), grow, few=2, many=6)


def test_bad_input_on_the_page_is_a_400_with_the_form(cast, client):
    key_list = empty_draft(cast)
    client.force_login(cast.user("city_officer"))
    response = client.post(
        f"/proposals/lists/{key_list.pk}/", {"enterprise": cast.enterprise.pk, "reason": ""}
    )
    assert response.status_code == 400
    assert not CityProposal.objects.exists()
