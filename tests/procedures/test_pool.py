"""The authority's expert pool: add, retire, industries, employers, declared ties; and
each expert's record over the concluded rounds, leniency and spread checked against a
hand computation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from assessments import services as reviews
from assessments.models import Review
from audits.choices import AuditState
from core.errors import StateConflict
from procedures import pool, services
from procedures.models import ExpertDeclaration
from tests.support.audits import bring_to
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries
from tests.support.reviews import expert_pool, officer, score_all, seat_panel, submitted

pytestmark = pytest.mark.django_db

API = "/api/v1/expert-pool/"


def two_concluded_rounds(cast):
    """Round 1 failed: the cast's expert 95, expert2 40, expert3 35 with a veto (panel
    mean 56.67); round 2 passed: 95, 85, 75 (mean 85)."""
    review = submitted(cast)
    experts = seat_panel(cast, review)
    veto = sorted(review.sheet.veto_codes())[0]
    score_all(cast, review, [95, 40, 35], vetoes={2: [veto]})
    reviews.review_conclude(
        actor=officer(cast), review=review, opinion="Data contradict", demands=["Check the data"]
    )
    audit = review.audit
    audit.refresh_from_db()
    assert audit.state == AuditState.FEASIBILITY
    bring_to(cast, audit, AuditState.UNDER_ASSESSMENT)
    second = Review.objects.get(audit=audit, round=2)
    seat_panel(cast, second, experts)
    score_all(cast, second, [95, 85, 75])
    reviews.review_conclude(actor=officer(cast), review=second, opinion="Passed")
    return experts


def test_leniency_and_spread_match_a_hand_computation(cast):
    experts = two_concluded_rounds(cast)
    figures = pool.records(experts)
    # by hand: panel means 170/3 and 85
    mean1 = (Decimal(95) + 40 + 35) / 3
    expected = {
        # (rounds, vetoes, leniency, spread)
        "expert": (2, 0, ((95 - mean1) + (95 - 85)) / 2, Decimal(0)),
        "expert2": (2, 0, ((40 - mean1) + (85 - 85)) / 2, Decimal("22.5")),
        "expert3": (2, 1, ((35 - mean1) + (75 - 85)) / 2, Decimal(20)),
    }
    for expert in experts:
        rounds, vetoes, leniency, spread = expected[expert.username]
        row = figures[expert.pk]
        assert row["rounds"] == rounds and row["vetoes"] == vetoes, expert
        assert round(Decimal(row["leniency"]), 2) == round(leniency, 2), expert
        assert round(Decimal(row["spread"]), 2) == spread, expert
    # +24.17: the cast's expert scores everyone high, alike
    assert round(Decimal(figures[experts[0].pk]["leniency"]), 2) == Decimal("24.17")


def test_the_pool_page_and_api_show_the_figures(cast, client):
    experts = two_concluded_rounds(cast)
    data = api_client(officer(cast)).get(API).data
    row = next(r for r in data if r["username"] == "expert2")
    assert row["leniency"] == "-8.33" and row["spread"] == "22.50"
    assert row["rounds_sat"] == 2 and row["rounds_scored"] == 2
    client.force_login(officer(cast))
    page = client.get("/experts/").content.decode()
    line = page[page.index('data-expert="expert3"') :]
    line = line[: line.index("</tr>")]
    assert "-15.83" in line and "20.00" in line
    record = client.get(f"/experts/{experts[0].pk}/").content.decode()
    assert "24.17" in record


def test_the_figures_take_constant_queries(cast):
    client = api_client(officer(cast))
    serial = iter(range(10, 100))

    def grow(n):
        for _ in range(n):
            number = next(serial)
            pool.expert_add(
                actor=officer(cast),
                username=f"pool{number}",
                full_name=f"Pool {number}",
                organization=cast.experts,
                industries=["22"],
            )

    assert_constant_queries(lambda: client.get(API), grow, few=2, many=8)


def test_the_authority_adds_changes_and_retires_experts_of_its_region(cast):
    expert = pool.expert_add(
        actor=officer(cast),
        username="newexpert",
        full_name="Zhao Lei",
        organization=cast.experts,
        industries=["22", "26"],
        employer=cast.suzhou_enterprise,
    )
    assert expert.role == "expert" and not expert.has_usable_password()
    assert set(expert.expert_profile.industries.values_list("code", flat=True)) == {"22", "26"}
    with pytest.raises(ValidationError):  # an expert body of another region
        pool.expert_add(
            actor=cast.user("other_province_officer"),
            username="x",
            full_name="X",
            organization=cast.experts,
        )
    with pytest.raises(PermissionDenied):
        pool.expert_retire(actor=cast.user("other_province_officer"), expert=expert)
    with pytest.raises(PermissionDenied):
        pool.expert_add(
            actor=cast.user("consultant"), username="y", full_name="Y", organization=cast.experts
        )
    pool.expert_update(actor=officer(cast), expert=expert, industries=["17"], employer=None)
    expert.expert_profile.refresh_from_db()
    assert list(expert.expert_profile.industries.values_list("code", flat=True)) == ["17"]
    pool.expert_retire(actor=officer(cast), expert=expert)
    assert not User.objects.get(pk=expert.pk).is_active
    with pytest.raises(ValidationError):
        pool.declaration_add(actor=officer(cast), expert=expert, note="")


def test_a_declared_tie_keeps_the_expert_out_of_the_replacement(cast):
    """expert4 declared a tie with the firm until last year; expert5 is drawn."""
    review = submitted(cast)
    experts = expert_pool(cast, count=5)
    seat_panel(cast, review, experts[:3])
    pool.declaration_add(
        actor=officer(cast),
        expert=experts[3],
        consultancy=cast.firm,
        note="Consulted for the firm",
        until=datetime.date(2025, 6, 30),
    )
    meeting = services.meeting_schedule(
        actor=officer(cast), review=review, held_on=datetime.date(2027, 3, 1), place="Room"
    )
    invitation = meeting.invitations.get(expert=experts[1])
    services.invitation_answer(
        actor=experts[1], invitation=invitation, accept=False, no_conflict=True, declaration="Away"
    )
    replacement = services.invitation_replace(actor=officer(cast), invitation=invitation)
    assert replacement.expert == experts[4]
    invitation.refresh_from_db()
    assert invitation.draw["pool"] == [experts[4].pk]
    # with the only one left declining too, the pool is dry
    services.invitation_answer(
        actor=experts[4], invitation=replacement, accept=False, no_conflict=False, declaration="Tie"
    )
    with pytest.raises(StateConflict):
        services.invitation_replace(actor=officer(cast), invitation=replacement)
    assert ExpertDeclaration.objects.for_user(experts[3]).count() == 1
    assert not ExpertDeclaration.objects.for_user(cast.user("consultant")).exists()


def _world(cast):
    expert_pool(cast, count=3)
    return {}


SUPERVISE = {
    "admin": 200,
    "province_officer": 200,
    "other_province_officer": 200,
    "city_officer": 200,
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 403,
    "other_enterprise_user": 403,
    "expert": 403,
}


OUT_OF_POOL = {"other_province_officer": 404, "city_officer": 404, "anonymous": 401}


class TestPoolApiRoles(RoleMatrix):
    build = staticmethod(_world)
    matrix = {
        "list": SUPERVISE | {"anonymous": 401},
        # the Zhejiang officer's pool has no Jiangsu expert in it, nor Nanjing's (the
        # expert body is the province's)
        "retrieve": SUPERVISE | OUT_OF_POOL,
        # the pool is kept through the API as on its page (procedures.pool)
        "add": SUPERVISE
        | {
            "admin": 201,
            "province_officer": 201,
            # not an expert body of their region
            "other_province_officer": 400,
            "city_officer": 400,
            "anonymous": 401,
        },
        "update": SUPERVISE | OUT_OF_POOL,
        "retire": SUPERVISE | OUT_OF_POOL,
        "declarations": SUPERVISE | OUT_OF_POOL,
        "declare": SUPERVISE | OUT_OF_POOL | {"admin": 201, "province_officer": 201},
    }

    def request(self, action, client, cast):
        expert = cast.user("expert")
        return {
            "list": lambda: client.get(API),
            "retrieve": lambda: client.get(f"{API}{expert.pk}/"),
            "add": lambda: client.post(
                API,
                {
                    "username": "added",
                    "full_name": "Added Expert",
                    "organization": cast.experts.pk,
                    "industries": ["22", "26"],
                },
                format="json",
            ),
            "update": lambda: client.patch(
                f"{API}{expert.pk}/",
                {"industries": ["17"], "consultancy": cast.firm.pk},
                format="json",
            ),
            "retire": lambda: client.patch(f"{API}{expert.pk}/", {"active": False}, format="json"),
            "declarations": lambda: client.get(f"{API}{expert.pk}/declarations/"),
            "declare": lambda: client.post(
                f"{API}{expert.pk}/declarations/",
                {"consultancy": cast.firm.pk, "note": "Advised the firm", "since": "2024-01-01"},
                format="json",
            ),
        }[action]()


def test_the_pool_is_kept_through_the_api_by_the_same_rules(cast):
    expert_pool(cast, count=3)
    client = api_client(officer(cast))
    added = client.post(
        API,
        {
            "username": "wang",
            "full_name": "Wang Fang",
            "email": "wang@example.test",
            "organization": cast.experts.pk,
            "industries": ["22"],
            "employer": cast.suzhou_enterprise.pk,
        },
        format="json",
    )
    assert added.status_code == 201, added.data
    assert added.data["industries"] == ["22"]
    assert added.data["employer"] == cast.suzhou_enterprise.pk
    wang = User.objects.get(username="wang")
    assert wang.role == "expert" and wang.organization == cast.experts
    # changing the industries keeps the employer
    changed = client.patch(f"{API}{wang.pk}/", {"industries": ["17", "26"]}, format="json")
    assert changed.data["industries"] == ["17", "26"]
    assert changed.data["employer"] == cast.suzhou_enterprise.pk
    cleared = client.patch(f"{API}{wang.pk}/", {"employer": None}, format="json")
    assert cleared.data["employer"] is None and cleared.data["industries"] == ["17", "26"]
    retired = client.patch(f"{API}{wang.pk}/", {"active": False}, format="json")
    assert retired.data["active"] is False and not User.objects.get(pk=wang.pk).is_active
    assert client.patch(f"{API}{wang.pk}/", {"active": True}, format="json").data["active"]
    # bad input is a 400 naming the field, never a 500
    assert (
        "organization"
        in client.post(
            API, {"username": "x", "full_name": "X", "organization": 999999}, format="json"
        ).data
    )
    assert (
        "full_name"
        in client.post(
            API, {"username": "y", "full_name": " ", "organization": cast.experts.pk}, format="json"
        ).data
    )
    assert "username" in client.patch(f"{API}{wang.pk}/", {"username": "z"}, format="json").data
    refused = client.post(f"{API}{wang.pk}/declarations/", {"note": "x"}, format="json")
    assert refused.status_code == 400 and "enterprise" in refused.data
    # an enterprise out of the officer's scope reads as not there
    far = client.post(
        f"{API}{wang.pk}/declarations/",
        {"enterprise": cast.other_enterprise.pk, "note": "Tie"},
        format="json",
    )
    assert far.status_code == 400 and "enterprise" in far.data
    tie = client.post(
        f"{API}{wang.pk}/declarations/",
        {"enterprise": cast.enterprise.pk, "note": "Consulted for it", "since": "2025-01-01"},
        format="json",
    )
    assert tie.status_code == 201 and tie.data["declared_by"] == "province_officer"
    assert [d["note"] for d in client.get(f"{API}{wang.pk}/declarations/").data] == [
        "Consulted for it"
    ]
    declaration = ExpertDeclaration.objects.get(expert=wang)
    assert declaration.enterprise == cast.enterprise and declaration.declared_by == officer(cast)


class TestPoolPages(RoleMatrix):
    api = False
    build = staticmethod(_world)
    PAGE = SUPERVISE | {"anonymous": 302}
    matrix = {
        "pool": PAGE,
        "record": PAGE | {"other_province_officer": 404, "city_officer": 404},
        # the city's pool: experts of bodies in the city (the Jiangsu pool is the
        # province's)
        "add": PAGE
        | {
            "admin": 302,
            "province_officer": 302,
            "other_province_officer": 400,
            "city_officer": 400,
        },
        "retire": PAGE
        | {
            "admin": 302,
            "province_officer": 302,
            "other_province_officer": 404,
            "city_officer": 404,
        },
        "declare": PAGE
        | {
            "admin": 302,
            "province_officer": 302,
            "other_province_officer": 404,
            "city_officer": 404,
        },
    }

    def request(self, action, client, cast):
        expert = cast.user("expert")
        return {
            "pool": lambda: client.get("/experts/"),
            "record": lambda: client.get(f"/experts/{expert.pk}/"),
            "add": lambda: client.post(
                "/experts/",
                {"username": "added", "full_name": "Added", "organization": cast.experts.pk},
            ),
            "retire": lambda: client.post(f"/experts/{expert.pk}/retire/", {"active": "0"}),
            "declare": lambda: client.post(
                f"/experts/{expert.pk}/declarations/",
                {"enterprise": cast.enterprise.pk, "note": "Former employee"},
            ),
        }[action]()
