"""Review meetings: scheduled by the authority, the material released the policy's
working days before (across the 2026 Spring Festival), invitations answered with the
declaration, a decline replaced by a recorded draw, pre-review opinions, minutes and
attendance, and scores only from the meeting date (domain.md §7, §8: Hunan)."""

import datetime
import random

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assessments import services as reviews
from assessments.models import PanelMember
from audits.choices import DocumentKind
from core.errors import StateConflict
from notifications.models import Notification
from procedures import services
from procedures.choices import InvitationState
from procedures.models import Invitation, Meeting
from tests.support.audits import upload
from tests.support.matrix import RoleMatrix, api_client
from tests.support.reviews import expert_pool, items_for, officer, seat_panel, submitted

pytestmark = pytest.mark.django_db

D = datetime.date
URL = "/api/v1/meetings/"


def on(day: datetime.date, hour=9):
    """Travel to `day` (Beijing time), the clock standing still."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC), tick=False
    )


def round_with_panel(cast, pool=5):
    """An assessment round of the Nanjing audit with its report, a panel of three (the
    cast's expert, expert2, expert3) and `pool` − 3 more experts of paper left in the
    pool."""
    review = submitted(cast)  # with its audit report (tests.support.audits.prepare)
    experts = expert_pool(cast, count=pool)
    seat_panel(cast, review, experts[:3])
    return review, experts


def schedule(cast, review, held_on, **extra):
    return services.meeting_schedule(
        actor=officer(cast), review=review, held_on=held_on, place="EPB room 3", **extra
    )


def test_the_whole_meeting_across_the_spring_festival(cast):
    review, experts = round_with_panel(cast)
    expert, expert2, expert3 = experts[:3]
    with on(D(2026, 2, 2)):
        meeting = schedule(cast, review, D(2026, 2, 25))
    # 3 working days before Wednesday 25 February 2026: 24, the adjusted Saturday 14,
    # Friday 13 (15–23 February off).
    assert meeting.release_on == D(2026, 2, 13) and not meeting.release_estimated
    assert set(meeting.invitations.values_list("expert__username", flat=True)) == {
        "expert",
        "expert2",
        "expert3",
    }
    assert Notification.objects.filter(kind="meeting_invited", recipient=expert).exists()
    report = review.audit.documents.filter(kind="audit_report").first()
    client = api_client(expert)

    with on(D(2026, 2, 12)):
        # not earlier: the day before the release, the report is withheld
        assert client.get(f"/api/v1/documents/{report.pk}/download/").status_code == 404
        assert not services.released_documents(meeting, expert).exists()
        assert services.released_documents(meeting, officer(cast)).exists()
        assert services.meetings_release() == 0
        invitation = Invitation.objects.get(meeting=meeting, expert=expert)
        services.invitation_answer(
            actor=expert, invitation=invitation, accept=True, no_conflict=True
        )
        with pytest.raises(StateConflict):  # before the release
            services.pre_review_submit(actor=expert, invitation=invitation, text="Data gaps")
        # expert2 declares a tie with the firm: a decline with its reason
        declined = Invitation.objects.get(meeting=meeting, expert=expert2)
        with pytest.raises(ValidationError):  # accepting needs the declaration
            services.invitation_answer(
                actor=expert2, invitation=declined, accept=True, no_conflict=False
            )
        services.invitation_answer(
            actor=expert2,
            invitation=declined,
            accept=False,
            no_conflict=False,
            declaration="I advised the firm in 2024.",
        )
        assert Notification.objects.filter(
            kind="invitation_declined", recipient=officer(cast)
        ).exists()
        replacement = services.invitation_replace(
            actor=officer(cast), invitation=declined, seed=20260212
        )

    with on(D(2026, 2, 13)):
        assert services.meetings_release() == 1
        assert services.meetings_release() == 0  # once
        assert client.get(f"/api/v1/documents/{report.pk}/download/").status_code == 200
        released = Notification.objects.filter(kind="meeting_released")
        assert set(released.values_list("recipient__username", flat=True)) == {
            "expert",
            "expert3",
            replacement.expert.username,
        }
        services.pre_review_submit(actor=expert, invitation=invitation, text="Data gaps")

    # the replacement: drawn from the pool by the recorded rules, seated, invited
    declined.refresh_from_db()
    assert declined.state == InvitationState.REPLACED and declined.replaced_by == replacement
    pool = [experts[3].pk, experts[4].pk]
    assert declined.draw["pool"] == pool and declined.draw["matching"] == pool
    assert replacement.expert_id == random.Random(20260212).choice(pool) == declined.draw["drawn"]
    assert set(PanelMember.objects.filter(review=review).values_list("expert_id", flat=True)) == {
        expert.pk,
        expert3.pk,
        replacement.expert_id,
    }

    with on(D(2026, 2, 24)):
        with pytest.raises(StateConflict) as closed:
            reviews.score_submit(
                actor=expert, review=review, items=items_for(review, 80), vetoes=[]
            )
        assert "2026-02-25" in closed.value.unmet[0]
        with pytest.raises(StateConflict):
            services.minutes_record(
                actor=officer(cast), meeting=meeting, minutes="Held", attended=[expert]
            )
    with on(D(2026, 2, 25)):
        score = reviews.score_submit(
            actor=expert, review=review, items=items_for(review, 80), vetoes=[]
        )
        assert score.total == 80
        with pytest.raises(ValidationError):
            services.minutes_record(actor=officer(cast), meeting=meeting, minutes=" ", attended=[])
        services.minutes_record(
            actor=officer(cast),
            meeting=meeting,
            minutes="The panel met; the energy data were questioned.",
            attended=[expert.pk, expert3.pk],
        )
    attendance = dict(
        meeting.invitations.exclude(state=InvitationState.REPLACED).values_list(
            "expert__username", "attended"
        )
    )
    assert attendance == {"expert": True, "expert3": True, replacement.expert.username: False}


def test_the_date_leaves_the_working_days_for_the_material(cast):
    review, _experts = round_with_panel(cast)
    with on(D(2026, 2, 13)):
        with pytest.raises(ValidationError) as error:
            schedule(cast, review, D(2026, 2, 24))
        # from Friday 13: Saturday 14, Tuesday 24, Wednesday 25
        assert "2026-02-25" in error.value.message_dict["held_on"][0]
        with pytest.raises(ValidationError) as error:
            services.meeting_schedule(actor=officer(cast), review=review, held_on=D(2026, 3, 2))
        assert "place" in error.value.message_dict
        meeting = schedule(cast, review, D(2026, 2, 25), link="https://meet.example.cn/r1")
        assert meeting.is_released()  # released on the day it is scheduled
        assert Notification.objects.filter(kind="meeting_released").count() == 3
    assert not Meeting.objects.exclude(pk=meeting.pk).exists()


def test_a_meeting_next_year_is_estimated_by_weekdays(cast):
    review, _experts = round_with_panel(cast)
    with on(D(2026, 12, 2)):
        meeting = schedule(cast, review, D(2027, 1, 13))
    assert meeting.release_on == D(2027, 1, 8) and meeting.release_estimated


def test_the_meeting_waits_for_the_panel_and_the_authority(cast):
    review = submitted(cast)
    with pytest.raises(StateConflict):
        schedule(cast, review, D(2027, 3, 1))
    seat_panel(cast, review)
    for role in ("consultant", "expert", "other_province_officer"):
        with pytest.raises(PermissionDenied):
            services.meeting_schedule(
                actor=cast.user(role), review=review, held_on=D(2027, 3, 1), place="Room"
            )


def test_only_the_invited_expert_answers_and_a_replaced_seat_stays_replaced(cast):
    review, experts = round_with_panel(cast)
    with on(D(2026, 12, 2)):
        meeting = schedule(cast, review, D(2026, 12, 28))
        invitation = meeting.invitations.get(expert=experts[1])
        with pytest.raises(PermissionDenied):
            services.invitation_answer(
                actor=experts[0], invitation=invitation, accept=True, no_conflict=True
            )
        with pytest.raises(StateConflict):  # only a decline is replaced
            services.invitation_replace(actor=officer(cast), invitation=invitation)
        services.invitation_answer(
            actor=experts[1],
            invitation=invitation,
            accept=False,
            no_conflict=True,
            declaration="Ill",
        )
        with pytest.raises(PermissionDenied):
            services.invitation_replace(actor=cast.user("consultant"), invitation=invitation)
        services.invitation_replace(actor=officer(cast), invitation=invitation, seed=1)
        with pytest.raises(StateConflict):
            services.invitation_answer(
                actor=experts[1], invitation=invitation, accept=True, no_conflict=True
            )


def test_the_pool_running_dry_is_a_conflict_not_a_crash(cast):
    review, experts = round_with_panel(cast, pool=3)
    with on(D(2026, 12, 2)):
        meeting = schedule(cast, review, D(2026, 12, 28))
        invitation = meeting.invitations.get(expert=experts[2])
        services.invitation_answer(
            actor=experts[2],
            invitation=invitation,
            accept=False,
            no_conflict=True,
            declaration="Away",
        )
        with pytest.raises(StateConflict) as error:
            services.invitation_replace(actor=officer(cast), invitation=invitation)
    assert "pool" in error.value.detail
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED


# --- the API and the pages, for every role -----------------------------------------------


def _world(cast):
    review, experts = round_with_panel(cast)
    with on(D(2026, 12, 2)):
        meeting = schedule(cast, review, D(2026, 12, 28))
    return {"review": review, "meeting": meeting, "experts": experts}


SEES_ROUND = {
    "admin": 200,
    "province_officer": 200,
    "other_province_officer": 404,
    "city_officer": 200,
    "consultant": 200,
    "other_consultant": 404,
    "enterprise_user": 200,
    "other_enterprise_user": 404,
    "expert": 200,
    "anonymous": 401,
}
SUPERVISES = SEES_ROUND | {
    "consultant": 403,
    "enterprise_user": 403,
    "expert": 403,
    "other_consultant": 403,
    "other_enterprise_user": 403,
}


class TestMeetingApiRoles(RoleMatrix):
    build = staticmethod(_world)
    matrix = {
        "list": SEES_ROUND
        | {"other_province_officer": 200, "other_consultant": 200, "other_enterprise_user": 200},
        "retrieve": SEES_ROUND,
        # a round out of scope reads as not there (400 on `review`)
        "schedule": SUPERVISES
        | {
            "admin": 201,
            "province_officer": 201,
            "city_officer": 201,
            "other_province_officer": 400,
        },
        "minutes": SUPERVISES | {"admin": 409, "province_officer": 409, "city_officer": 409},
        "invitations": SEES_ROUND
        | {
            "other_province_officer": 200,
            "other_consultant": 403,
            "consultant": 403,
            "enterprise_user": 403,
            "other_enterprise_user": 403,
        },
        "answer": SUPERVISES
        | {
            "expert": 200,
            "admin": 403,
            "province_officer": 403,
            "city_officer": 403,
            "other_province_officer": 403,
        },
        "replace": SUPERVISES
        | {"admin": 409, "province_officer": 409, "city_officer": 409, "expert": 403},
    }

    def request(self, action, client, cast):
        meeting = self.world.meeting
        detail = f"{URL}{meeting.pk}/"
        mine = meeting.invitations.get(expert=cast.user("expert"))
        with on(D(2026, 12, 2)):
            return {
                "list": lambda: client.get(URL),
                "retrieve": lambda: client.get(detail),
                "schedule": lambda: client.post(
                    URL,
                    {"review": self.world.review.pk, "held_on": "2026-12-29", "place": "Room 5"},
                    format="json",
                ),
                "minutes": lambda: client.post(
                    f"{detail}minutes/", {"minutes": "Held", "attended": []}, format="json"
                ),
                "invitations": lambda: client.get(f"/api/v1/invitations/?meeting={meeting.pk}"),
                "answer": lambda: client.post(
                    f"/api/v1/invitations/{mine.pk}/answer/",
                    {"accept": True, "no_conflict": True},
                    format="json",
                ),
                "replace": lambda: client.post(
                    f"/api/v1/invitations/{mine.pk}/replace/", {}, format="json"
                ),
            }[action]()


def test_the_api_shows_what_is_released_and_what_is_due(cast):
    world = _world(cast)
    expert = api_client(cast.user("expert"))
    with on(D(2026, 12, 2)):
        data = expert.get(f"{URL}{world['meeting'].pk}/").data
        assert data["release_on"] == "2026-12-23" and not data["released"]
        assert not data["scores_open"]
        # the expert sees only their own invitation, the enterprise none, the authority all
        assert [i["expert"] for i in data["invitations"]] == [cast.user("expert").pk]
        assert len(expert.get("/api/v1/invitations/").data["results"]) == 1
        assert (
            not api_client(cast.user("enterprise_user"))
            .get(f"{URL}{world['meeting'].pk}/")
            .data["invitations"]
        )
        assert (
            len(api_client(officer(cast)).get(f"{URL}{world['meeting'].pk}/").data["invitations"])
            == 3
        )
        bad = expert.post(
            f"/api/v1/invitations/{world['meeting'].invitations.get(expert=cast.user('expert')).pk}/answer/",
            {"accept": True},
            format="json",
        )
        assert bad.status_code == 400 and "no_conflict" in bad.data
        early = api_client(officer(cast)).post(
            URL,
            {"review": world["review"].pk, "held_on": "2026-12-03", "place": "Room"},
            format="json",
        )
        assert early.status_code == 400 and "held_on" in early.data
    with on(D(2026, 12, 23)):
        assert expert.get(f"{URL}{world['meeting'].pk}/").data["released"]


PAGES = {
    "admin": 200,
    "province_officer": 200,
    "other_province_officer": 404,
    "city_officer": 200,
    "consultant": 200,
    "other_consultant": 404,
    "enterprise_user": 200,
    "other_enterprise_user": 404,
    "expert": 200,
    "anonymous": 302,
}


class TestMeetingPages(RoleMatrix):
    api = False
    build = staticmethod(_world)
    matrix = {
        "meeting": PAGES,
        "schedule": PAGES
        | {
            "admin": 302,
            "province_officer": 302,
            "city_officer": 302,
            "consultant": 403,
            "enterprise_user": 403,
            "expert": 403,
            "other_consultant": 403,
            "other_enterprise_user": 403,
        },
        "answer": PAGES
        | {
            "expert": 302,
            "admin": 403,
            "province_officer": 403,
            "city_officer": 403,
            "consultant": 403,
            "enterprise_user": 403,
            "other_province_officer": 403,
            "other_consultant": 403,
            "other_enterprise_user": 403,
        },
        "mine": {role: 403 for role in PAGES} | {"expert": 200, "anonymous": 302},
    }

    def request(self, action, client, cast):
        review = self.world.review
        mine = self.world.meeting.invitations.get(expert=cast.user("expert"))
        with on(D(2026, 12, 2)):
            return {
                "meeting": lambda: client.get(f"/reviews/{review.pk}/meeting/"),
                "schedule": lambda: client.post(
                    f"/reviews/{review.pk}/meeting/schedule/",
                    {"held_on": "2026-12-29", "place": "Room 5"},
                ),
                "answer": lambda: client.post(
                    f"/invitations/{mine.pk}/answer/", {"accept": "1", "no_conflict": "on"}
                ),
                "mine": lambda: client.get("/meetings/mine/"),
            }[action]()


def test_the_pages_show_the_meeting_the_release_and_the_invitations(cast, client):
    world = _world(cast)
    review = world["review"]
    with on(D(2026, 12, 2)):
        client.force_login(cast.user("expert"))
        page = client.get(f"/reviews/{review.pk}/meeting/").content.decode()
        assert "2026-12-28" in page and "2026-12-23" in page
        assert 'data-testid="answer-form"' in page
        assert 'data-testid="invitations"' not in page  # the panel's answers are the authority's
        mine = client.get("/meetings/mine/").content.decode()
        assert "Answer the invitation" in mine
        refused = client.post(
            f"/invitations/{world['meeting'].invitations.get(expert=cast.user('expert')).pk}/answer/",
            {"accept": "1"},
        )
        assert refused.status_code == 400
        client.force_login(officer(cast))
        page = client.get(f"/reviews/{review.pk}/meeting/").content.decode()
        assert 'data-testid="invitations"' in page and 'data-testid="meeting-form"' in page
        too_early = client.post(
            f"/reviews/{review.pk}/meeting/schedule/", {"held_on": "2026-12-03", "place": "R"}
        )
        assert too_early.status_code == 400 and "earliest" in too_early.content.decode()


def test_titles_are_withheld_from_the_panel_until_the_release_across_the_spring_festival(
    cast, client
):
    """Before the release day (13 February 2026, the Spring Festival between it and the
    meeting) an expert of the panel sees neither the documents nor their titles, on no
    page and through no endpoint; from that day on, both."""
    review, experts = round_with_panel(cast)
    expert = experts[0]
    title = "Kiln line energy ledger"
    with on(D(2026, 2, 2)):
        upload(cast, review.audit, kind=DocumentKind.MONITORING_REPORT, title=title)
        meeting = schedule(cast, review, D(2026, 2, 25))
    assert meeting.release_on == D(2026, 2, 13)
    api = api_client(expert)
    client.force_login(expert)
    audit = review.audit
    pages = [
        f"/audits/{audit.pk}/",
        f"/reviews/{review.pk}/",
        f"/reviews/{review.pk}/meeting/",
    ]
    endpoints = [
        f"/api/v1/documents/?audit={audit.pk}",
        f"/api/v1/audits/{audit.pk}/events/",
        f"/api/v1/assessments/{review.pk}/snapshot/",
    ]

    def seen():
        shown = {}
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            shown[url] = title in response.content.decode()
        for url in endpoints:
            response = api.get(url)
            assert response.status_code == 200, url
            shown[url] = title in response.content.decode()
        return shown

    with on(D(2026, 2, 12), hour=15):  # the last day before the release (23:00 Beijing)
        assert seen() == dict.fromkeys(pages + endpoints, False)
        # the authority reads them whenever
        assert title in api_client(officer(cast)).get(endpoints[0]).content.decode()
        # nor the submitted report's entry in the round's snapshot
        assert "documents" not in api.get(endpoints[2]).data["submitted"]
    with on(D(2026, 2, 13)):
        shown = seen()
        assert api.get(endpoints[2]).data["submitted"]["documents"]
    # The round's snapshot is what was submitted; the document came after it.
    assert shown == dict.fromkeys(pages + endpoints, True) | {
        f"/reviews/{review.pk}/": False,
        endpoints[2]: False,
    }


# --- the invitations follow the panel; every draw keeps declared ties out ---------------


def test_the_invitations_follow_the_panel_after_the_meeting_is_scheduled(cast, client):
    review, experts = round_with_panel(cast)
    with on(D(2026, 12, 2)):
        meeting = schedule(cast, review, D(2026, 12, 28))
        # expert3 leaves, expert4 takes the seat
        seat_panel(cast, review, [experts[0], experts[1], experts[3]])
    gone = meeting.invitations.get(expert=experts[2])
    assert gone.state == InvitationState.WITHDRAWN
    assert gone.withdrawn_by == officer(cast) and gone.withdrawn_at is not None
    assert gone.withdrawal_reason == "The expert was taken off the panel."
    assert Notification.objects.filter(kind="meeting_withdrawn", recipient=experts[2]).exists()
    new = meeting.invitations.get(expert=experts[3])
    assert new.state == InvitationState.INVITED
    assert Notification.objects.filter(kind="meeting_invited", recipient=experts[3]).exists()
    seated = meeting.invitations.seated().values_list("expert_id", flat=True)
    assert set(seated) == {experts[0].pk, experts[1].pk, experts[3].pk}
    # the one who left can no longer answer; taken back, they are invited again
    with on(D(2026, 12, 3)), pytest.raises(StateConflict):
        services.invitation_answer(actor=experts[2], invitation=gone, accept=True, no_conflict=True)
    with on(D(2026, 12, 23)):  # the release day: the newcomer is told of the material too
        services.meetings_release()
        seat_panel(cast, review, [experts[0], experts[1], experts[3], experts[2]])
    again = meeting.invitations.exclude(state__in=["withdrawn", "replaced"]).get(expert=experts[2])
    assert again.pk != gone.pk and again.state == InvitationState.INVITED
    assert Notification.objects.filter(kind="meeting_released", recipient=experts[2]).exists()
    # a new draw of the whole panel: the invitations of those it leaves out are withdrawn
    with on(D(2026, 12, 23)):
        reviews.panel_draw(actor=officer(cast), review=review, size=3, seed=7)
    on_panel = set(PanelMember.objects.filter(review=review).values_list("expert_id", flat=True))
    live = meeting.invitations.exclude(state__in=["withdrawn", "replaced"])
    assert set(live.values_list("expert_id", flat=True)) == on_panel
    for invitation in meeting.invitations.filter(
        state="withdrawn", withdrawn_at__gte=again.created_at
    ):
        assert invitation.withdrawal_reason.startswith("The panel was drawn again")
    # the authority reads who withdrew it, when and why, on the page and through the API
    with on(D(2026, 12, 23)):
        client.force_login(officer(cast))
        response = client.get(f"/reviews/{review.pk}/meeting/")
        assert response.status_code == 200, response
        page = response.content.decode()
        data = api_client(officer(cast)).get(f"/api/v1/invitations/{gone.pk}/").data
    assert "The expert was taken off the panel." in page
    assert data["state"] == "withdrawn" and data["withdrawn_by"] == officer(cast).username
    assert data["withdrawal_reason"] == "The expert was taken off the panel."


def test_no_draw_ever_seats_an_expert_with_a_declared_tie(cast):
    from procedures import pool

    review = submitted(cast)
    experts = expert_pool(cast, count=6)
    audit = review.audit
    tied, firm_tied, old_tie = experts[1], experts[2], experts[3]
    pool.declaration_add(
        actor=officer(cast),
        expert=tied,
        note="Adviser to the enterprise",
        enterprise=audit.enterprise,
    )
    pool.declaration_add(
        actor=officer(cast),
        expert=firm_tied,
        note="Worked for the firm",
        consultancy=audit.consultancy,
        since=D(2020, 1, 1),
        until=D(2025, 6, 30),
    )
    # a tie that ended more than three years ago no longer counts
    pool.declaration_add(
        actor=officer(cast),
        expert=old_tie,
        note="Long ago",
        enterprise=audit.enterprise,
        since=D(2015, 1, 1),
        until=D(2019, 12, 31),
    )
    with on(D(2026, 12, 2)):
        matching, others = reviews.drawable(review)
        assert tied.pk not in matching + others and firm_tied.pk not in matching + others
        assert old_tie.pk in matching
        # every seed: the pool recorded and the panel drawn leave the tied experts out
        for seed in range(40):
            reviews.panel_draw(actor=officer(cast), review=review, size=3, seed=seed)
            change = review.panel_changes.order_by("-id").first()
            assert tied.pk not in change.draw["pool"] and firm_tied.pk not in change.draw["pool"]
            assert not {tied.pk, firm_tied.pk} & set(change.draw["drawn"])
        # nor seated by hand: the reason is named
        with pytest.raises(ValidationError) as refused:
            reviews.panel_set(
                actor=officer(cast),
                review=review,
                expert_ids=[experts[0].pk, tied.pk, experts[4].pk],
            )
        assert "declared a tie" in str(refused.value.message_dict["experts"])
        # and the replacement draw reads the same rule
        reviews.panel_set(
            actor=officer(cast),
            review=review,
            expert_ids=[experts[0].pk, experts[4].pk, experts[5].pk],
        )
        meeting = schedule(cast, review, D(2026, 12, 28))
        declined = meeting.invitations.get(expert=experts[5])
        services.invitation_answer(
            actor=experts[5],
            invitation=declined,
            accept=False,
            no_conflict=True,
            declaration="Away",
        )
        for seed in range(10):
            with transaction.atomic():
                replacement = services.invitation_replace(
                    actor=officer(cast), invitation=declined, seed=seed
                )
                assert replacement.expert_id == old_tie.pk
                transaction.set_rollback(True)


# --- the meeting on a round: /api/v1/assessments/{id}/meeting/ ---------------------------


class TestRoundMeetingApiRoles(RoleMatrix):
    build = staticmethod(_world)
    matrix = {
        "read": SEES_ROUND,
        # moved (it exists): 200
        "schedule": SUPERVISES | {"admin": 200, "province_officer": 200, "city_officer": 200},
        "bad": SUPERVISES | {"admin": 400, "province_officer": 400, "city_officer": 400},
        # before the meeting date: 409
        "minutes": SUPERVISES | {"admin": 409, "province_officer": 409, "city_officer": 409},
        "wrong_kind": {role: 404 for role in SEES_ROUND} | {"anonymous": 401},
    }

    def request(self, action, client, cast):
        review = self.world.review
        url = f"/api/v1/assessments/{review.pk}/meeting/"
        with on(D(2026, 12, 2)):
            return {
                "read": lambda: client.get(url),
                "schedule": lambda: client.post(
                    url, {"held_on": "2026-12-29", "place": "Room 5"}, format="json"
                ),
                "bad": lambda: client.post(url, {"held_on": "2026-12-03"}, format="json"),
                "minutes": lambda: client.post(
                    f"{url}minutes/", {"minutes": "Held", "attended": []}, format="json"
                ),
                "wrong_kind": lambda: client.get(f"/api/v1/acceptances/{review.pk}/meeting/"),
            }[action]()


def test_the_meeting_on_a_round_is_scheduled_read_and_held_through_its_path(cast):
    review, experts = round_with_panel(cast)
    url = f"/api/v1/assessments/{review.pk}/meeting/"
    authority = api_client(officer(cast))
    with on(D(2026, 12, 2)):
        assert authority.get(url).status_code == 404  # none yet
        created = authority.post(
            url, {"held_on": "2026-12-28", "link": "https://meet.example.cn/r1"}, format="json"
        )
        assert created.status_code == 201, created.data
        assert created.data["release_on"] == "2026-12-23" and len(created.data["invitations"]) == 3
        bad = authority.post(url, {"held_on": "2026-12-28"}, format="json")
        assert bad.status_code == 400 and "place" in bad.data
        mine = api_client(experts[0]).get(url).data
        assert [i["expert"] for i in mine["invitations"]] == [experts[0].pk]
        assert mine["id"] == Meeting.objects.get(review=review).pk
    with on(D(2026, 12, 28)):
        held = authority.post(
            f"{url}minutes/",
            {"minutes": "Held.", "attended": [experts[0].pk, experts[1].pk]},
            format="json",
        )
        assert held.status_code == 200 and held.data["minutes"] == "Held."
        assert authority.get(f"{url}minutes/").status_code == 405
