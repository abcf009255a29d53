"""What each party sees due on its dashboard (issue 15, "each party told what is due"):
the authority the filings to decide and the meetings to hold in the next 14 days, the
expert the invitations to answer and the material released; their queries do not grow
with the rows."""

import datetime
import itertools
import re

import pytest

from assessments.models import PanelMember, Review
from audits.models import Audit
from procedures import services
from procedures.models import Filing, Invitation, Meeting
from tests.support.cast import enterprise
from tests.support.matrix import assert_constant_queries
from tests.support.reviews import officer

from .support import filed
from .test_meetings import D, on, round_with_panel, schedule

pytestmark = pytest.mark.django_db


def _count(content, name) -> str:
    return re.search(rf'data-count="{name}">(\d+)<', content).group(1)


def _section(content, testid) -> str:
    return re.search(rf'data-testid="{testid}">(.*?)</ul>', content, re.S).group(1)


def test_the_authority_sees_the_filings_to_decide_and_the_meetings_to_hold(cast, client):
    review, _experts = round_with_panel(cast)
    filing = filed(cast, audit=review.audit)
    with on(D(2026, 12, 2)):
        schedule(cast, review, D(2026, 12, 14))
        client.force_login(officer(cast))
        content = client.get("/dashboard/").content.decode()
        assert _count(content, "filings-waiting") == "1"
        assert '/filings/?state=submitted"' in content
        assert _count(content, "meetings-soon") == "1"
        soon = _section(content, "meetings-soon")
        assert f"/reviews/{review.pk}/meeting/" in soon and "2026-12-14" in soon
        # another province sees none of Jiangsu's
        client.force_login(cast.user("other_province_officer"))
        other = client.get("/dashboard/").content.decode()
        assert _count(other, "filings-waiting") == "0" and _count(other, "meetings-soon") == "0"
    # decided, the filing leaves the count; a meeting beyond 14 days is not one to hold yet
    services.filing_accept(actor=officer(cast), filing=filing)
    with on(D(2026, 11, 20)):
        client.force_login(officer(cast))
        content = client.get("/dashboard/").content.decode()
    assert _count(content, "filings-waiting") == "0" and _count(content, "meetings-soon") == "0"


def test_the_expert_sees_invitations_to_answer_and_the_material_released(cast, client):
    review, experts = round_with_panel(cast)
    expert = experts[0]
    with on(D(2026, 12, 2)):
        meeting = schedule(cast, review, D(2026, 12, 28))
        client.force_login(expert)
        content = client.get("/dashboard/").content.decode()
        assert f"/reviews/{review.pk}/meeting/" in _section(content, "invitations-to-answer")
        assert "/reviews/" not in _section(content, "material-released")
        services.invitation_answer(
            actor=expert,
            invitation=meeting.invitations.get(expert=expert),
            accept=True,
            no_conflict=True,
        )
        content = client.get("/dashboard/").content.decode()
        assert "/reviews/" not in _section(content, "invitations-to-answer")
    with on(D(2026, 12, 23)):  # the release day
        client.force_login(expert)
        released = _section(client.get("/dashboard/").content.decode(), "material-released")
    documents = review.audit.documents.count()
    assert f"/reviews/{review.pk}/meeting/" in released and f"{documents} document" in released


def test_the_dashboards_queries_do_not_grow_with_filings_and_meetings(cast, client):
    review, experts = round_with_panel(cast)
    expert = experts[0]
    serial = itertools.count(7000)
    rounds = itertools.count(1)
    today = datetime.date(2026, 12, 2)

    def grow(n):
        for _ in range(n):
            other = Audit.objects.create(
                enterprise=enterprise("Filed Co.", "320102", "26", next(serial)),
                start_due=today,
                report_due=today,
            )
            Filing.objects.create(audit=other, submitted_by=cast.user("consultant"))
            extra = Review.objects.create(
                audit=other,
                kind=review.kind,
                round=next(rounds),
                sheet=review.sheet,
                state="panel_formed",
                applied_on=today,
                due_on=today,
            )
            PanelMember.objects.create(review=extra, expert=expert)
            meeting = Meeting.objects.create(
                review=extra,
                held_on=today + datetime.timedelta(days=10),
                release_on=today - datetime.timedelta(days=1),
                place="Room",
                scheduled_by=officer(cast),
            )
            Invitation.objects.create(meeting=meeting, expert=expert)

    with on(today):
        client.force_login(officer(cast))
        assert_constant_queries(lambda: client.get("/dashboard/"), grow, few=2, many=12)
        client.force_login(expert)
        assert_constant_queries(lambda: client.get("/dashboard/"), grow, few=2, many=12)
        content = client.get("/dashboard/").content.decode()
    assert content.count("data-invitation=") == 20  # ten of each, the dashboard's rows
