"""The record is evidence (issue 11; domain.md §3, §4, §7): what a panel judged stays as
it was. Documents locked once submitted and replaced by new versions, snapshots at
submission and at conclusion that no later edit changes, rectification demands that
re-applying waits for, nothing judged deleted (retired instead), every change an event
with its actor."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Auditor
from assessments import services as reviews
from assessments.models import Demand, Review, ScoreVersion, ScoringSheet
from audits import services
from audits.choices import AuditState, CostClass, DocumentKind, EventKind, OptionStatus
from audits.models import Audit, AuditEvent, Document
from core.errors import StateConflict
from enterprises import services as enterprises
from enterprises.models import PolicyVersion
from tests.support.audits import (
    PDF_BYTES,
    add_option,
    bring_to,
    engaged_audit,
    move_option,
    second_auditor,
    upload,
)
from tests.support.matrix import RoleMatrix, api_client, page_client
from tests.support.reviews import (
    FAIL_TOTAL,
    answer_demands,
    items_for,
    officer,
    round_reads,
    score_all,
    seat_panel,
    submitted,
    verify_all,
)

pytestmark = pytest.mark.django_db

DEMANDS = ["Reconcile the energy data of the three years.", "Add the online monitoring data."]


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, getattr(response, "data", ""))
    return response.data


def failed_round(cast, demands=DEMANDS, audit=None) -> Review:
    """Round 1 of the Nanjing enterprise's assessment, failed with `demands`."""
    review = submitted(cast, audit=audit)
    seat_panel(cast, review)
    score_all(cast, review, [FAIL_TOTAL] * 3)
    reviews.review_conclude(
        actor=officer(cast), review=review, opinion="Not yet.", demands=list(demands)
    )
    return Review.objects.get(pk=review.pk)


def report_v2(cast, audit, supersedes, role="consultant"):
    return api_client(cast.user(role)).post(
        "/api/v1/documents/",
        {
            "audit": audit.pk,
            "kind": supersedes.kind,
            "supersedes": supersedes.pk,
            "file": SimpleUploadedFile("report-v2.pdf", PDF_BYTES + b"% revised\n"),
        },
        format="multipart",
    )


# -- documents --------------------------------------------------------------------------


def test_a_submitted_report_is_not_deleted_and_still_downloads(cast):
    review = failed_round(cast)
    report = review.audit.documents.get(kind=DocumentKind.AUDIT_REPORT)
    firm = api_client(cast.user("consultant"))
    response = firm.delete(f"/api/v1/documents/{report.pk}/")
    assert response.status_code == 409
    assert "upload a new version" in " ".join(response.data["unmet"])
    download = firm.get(f"/api/v1/documents/{report.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES


def test_a_document_not_yet_submitted_is_deleted_and_the_deletion_recorded(cast):
    audit = engaged_audit(cast)
    document = upload(cast, audit, kind=DocumentKind.EVIDENCE, title="Photo")
    ok(api_client(cast.user("consultant")).delete(f"/api/v1/documents/{document.pk}/"), 204)
    event = AuditEvent.objects.get(audit=audit, kind=EventKind.DOCUMENT_REMOVED)
    assert (event.actor.username, event.params["title"]) == ("consultant", "Photo")
    assert event.params["sha256"] == document.sha256


def test_a_second_version_keeps_the_first(cast):
    review = failed_round(cast)
    audit = Audit.objects.get(pk=review.audit_id)
    first = audit.documents.get(kind=DocumentKind.AUDIT_REPORT)
    second = ok(report_v2(cast, audit, first), 201)
    assert (second["version"], second["supersedes"], second["title"]) == (2, first.pk, first.title)
    firm = api_client(cast.user("consultant"))
    assert ok(firm.get(f"/api/v1/documents/{first.pk}/"))["superseded_by"] == second["id"]
    for pk, body in ((first.pk, PDF_BYTES), (second["id"], PDF_BYTES + b"% revised\n")):
        download = firm.get(f"/api/v1/documents/{pk}/download/")
        assert b"".join(download.streaming_content) == body
    # Only the latest version is replaced; the kind stays.
    again = report_v2(cast, audit, first)
    assert again.status_code == 400 and "supersedes" in again.data
    event = AuditEvent.objects.filter(audit=audit, kind=EventKind.DOCUMENT_ADDED).last()
    assert (event.params["version"], event.params["supersedes"]) == (2, first.pk)


def test_while_a_round_is_open_reports_are_refused_and_evidence_recorded(cast):
    review = submitted(cast)
    audit = review.audit
    firm = api_client(cast.user("consultant"))
    count = Document.objects.count()
    for kind in ("audit_report", "acceptance_report"):
        response = firm.post(
            "/api/v1/documents/",
            {"audit": audit.pk, "kind": kind, "file": SimpleUploadedFile("r.pdf", PDF_BYTES)},
            format="multipart",
        )
        assert response.status_code == 409, kind
    report = audit.documents.get(kind=DocumentKind.AUDIT_REPORT)
    assert report_v2(cast, audit, report).status_code == 409
    assert Document.objects.count() == count
    evidence = firm.post(
        "/api/v1/documents/",
        {"audit": audit.pk, "kind": "evidence", "file": SimpleUploadedFile("e.pdf", PDF_BYTES)},
        format="multipart",
    )
    ok(evidence, 201)
    assert AuditEvent.objects.filter(
        audit=audit, kind=EventKind.DOCUMENT_ADDED, params__document=evidence.data["id"]
    ).exists()


# -- demands ----------------------------------------------------------------------------


def test_a_failed_conclusion_needs_demands_and_a_pass_takes_none(cast):
    review = submitted(cast)
    seat_panel(cast, review)
    score_all(cast, review, [FAIL_TOTAL] * 3)
    authority = api_client(officer(cast))
    path = f"/api/v1/assessments/{review.pk}/conclude/"
    for demands in ([], ["  "]):
        response = authority.post(path, {"opinion": "No", "demands": demands}, format="json")
        assert response.status_code == 400 and "demands" in response.data
    assert Review.objects.get(pk=review.pk).state != "concluded"
    assert not Demand.objects.exists()


def test_a_passed_conclusion_takes_no_demands(cast):
    review = submitted(cast)
    seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    response = api_client(officer(cast)).post(
        f"/api/v1/assessments/{review.pk}/conclude/",
        {"opinion": "Sound", "demands": ["Nothing"]},
        format="json",
    )
    assert response.status_code == 400 and "demands" in response.data
    assert Review.objects.get(pk=review.pk).state != "concluded"


def engaged_for_other_round(cast):
    """The Suzhou enterprise's audit (same list, same firm), for a second round."""
    audit = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    return services.audit_update(actor=cast.user("admin"), audit=audit, consultancy=cast.firm)


def test_two_demands_block_reapplying_until_both_are_answered(cast, client):
    review = failed_round(cast)
    audit = review.audit
    company, firm = api_client(cast.user("enterprise_user")), api_client(cast.user("consultant"))
    demands = ok(company.get(f"/api/v1/assessments/{review.pk}/demands/"))
    assert [d["text"] for d in demands] == DEMANDS
    # api.md "The record": the fields of a demand.
    assert set(demands[0]) == {"id", "text", "response", "document", "responded_by", "responded_at"}
    assert all(d["response"] == "" and d["responded_at"] is None for d in demands)
    transition = f"/api/v1/audits/{audit.pk}/transition/"

    def reapply():
        return firm.post(transition, {"to": "under_assessment"}, format="json")

    response = reapply()
    assert response.status_code == 409
    assert len([u for u in response.data["unmet"] if "rectification demand" in u]) == 2
    evidence = upload(cast, audit, kind=DocumentKind.EVIDENCE, title="Monitoring export")
    ok(
        company.post(
            f"/api/v1/demands/{demands[1]['id']}/respond/",
            {"response": "Added.", "document": evidence.pk},
            format="json",
        )
    )
    response = reapply()
    assert response.status_code == 409
    assert [u for u in response.data["unmet"] if "rectification demand" in u] == [
        f"Answer rectification demand 1 of round 1: {DEMANDS[0]}"
    ]
    bad = firm.post(f"/api/v1/demands/{demands[0]['id']}/respond/", {"response": " "})
    assert bad.status_code == 400 and "response" in bad.data
    answer = ok(
        firm.post(f"/api/v1/demands/{demands[0]['id']}/respond/", {"response": "Reconciled."})
    )
    assert (answer["responded_by"], answer["response"]) == ("consultant", "Reconciled.")
    ok(reapply())
    second = Review.objects.get(audit=audit, round=2)
    shown = second.submitted["previous_demands"]
    assert [(d["text"], d["response"]) for d in shown] == list(
        zip(DEMANDS, ["Reconciled.", "Added."], strict=True)
    )
    assert shown[1]["document_sha256"] == evidence.sha256
    # Answered once re-applied: 409.
    late = firm.post(f"/api/v1/demands/{demands[0]['id']}/respond/", {"response": "More"})
    assert late.status_code == 409
    page = page_client(client, cast.user("province_officer")).get(f"/reviews/{second.pk}/")
    html = page.content.decode()
    assert 'data-testid="previous-demands"' in html and "Reconciled." in html


def test_round_two_shows_what_changed_since_the_failed_round(cast, client):
    review = failed_round(cast)
    audit = Audit.objects.get(pk=review.audit_id)
    consultant = cast.user("consultant")
    report = audit.documents.get(kind=DocumentKind.AUDIT_REPORT)
    ok(report_v2(cast, audit, report), 201)
    option = audit.options.get(code="M1")
    services.option_save(actor=consultant, audit=audit, option=option, investment=2_500_000)
    new = add_option(cast, audit, code="N9", title="Condensate return")
    move_option(cast, new, OptionStatus.RETAINED)
    move_option(
        cast,
        new,
        OptionStatus.IMPLEMENTING,
        OptionStatus.IMPLEMENTED,
        benefits=[{"indicator": "water_t", "expected": 10, "actual": 9}],
    )
    target = audit.targets.first()
    services.target_save(actor=consultant, audit=audit, target=target, near_term=45)
    answer_demands(cast, audit)
    bring_to(cast, audit, AuditState.UNDER_ASSESSMENT)
    second = Review.objects.get(audit=audit, round=2)
    data = ok(
        api_client(cast.user("enterprise_user")).get(f"/api/v1/assessments/{second.pk}/snapshot/")
    )
    changes = data["changes_since_previous"]
    assert changes["options"]["added"] == ["N9"]
    assert changes["options"]["removed"] == []
    m1 = next(row for row in changes["options"]["changed"] if row["code"] == "M1")
    assert "investment" in m1["fields"]
    assert [d["version"] for d in changes["documents"]["new_versions"]] == [2]
    assert changes["targets"]["changed"] == [
        {"indicator": target.indicator, "fields": ["near_term"]}
    ]
    assert data["submitted"]["review"]["round"] == 2 and data["concluded"] is None
    html = page_client(client, officer(cast)).get(f"/reviews/{second.pk}/").content.decode()
    assert 'data-testid="changes"' in html and "N9" in html


# -- snapshots --------------------------------------------------------------------------


def test_a_concluded_snapshot_is_byte_for_byte_the_same_after_every_later_edit(cast):
    """Everything the snapshot covers is edited after conclusion: the team and its
    auditors, the firm, focus, targets, balances with their flows, options with their
    figures and benefits, documents (a new version), the sheet and the policy."""
    review = submitted(cast)
    seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    reviews.review_conclude(actor=officer(cast), review=review, opinion="Sound.")
    audit = Audit.objects.get(pk=review.audit_id)
    assert audit.state == AuditState.IMPLEMENTATION
    authority = api_client(officer(cast))
    path = f"/api/v1/assessments/{review.pk}/snapshot/"
    before = authority.get(path).content
    frozen = Review.objects.get(pk=review.pk).snapshot
    assert frozen["team"] and frozen["consultancy"]["name"] == cast.firm.name
    assert {"name", "certificate_no", "level", "issued_on", "valid_until", "employer"} <= set(
        frozen["team"][0]
    )
    assert frozen["balances"][0]["flows"] and "closure_note" in frozen["balances"][0]
    assert {"version", "sha256", "size", "kind", "title"} <= set(frozen["documents"][0])
    assert frozen["sheet"]["version"] == review.sheet.version

    consultant = cast.user("consultant")
    services.audit_update(actor=consultant, audit=audit, focus="Another focus")
    for target in audit.targets.all():
        services.target_save(actor=consultant, audit=audit, target=target, achieved=1)
    for balance in audit.balances.all():
        services.balance_save(
            actor=consultant,
            audit=audit,
            balance=balance,
            closure_note="Changed",
            flows=[{"direction": "in", "name": "Other", "quantity": 1}],
        )
    for option in audit.options.all():
        services.option_save(
            actor=consultant,
            audit=audit,
            option=option,
            title="Renamed",
            description="Changed",
            benefits=[{"indicator": "cod_t", "expected": 1, "actual": None}],
        )
    report = audit.documents.get(kind=DocumentKind.AUDIT_REPORT)
    ok(report_v2(cast, audit, report), 201)
    for auditor in Auditor.objects.filter(audits=audit):
        Auditor.objects.filter(pk=auditor.pk).update(
            name="Renamed", certificate_no=f"X-{auditor.pk}", valid_until=timezone.localdate()
        )
    third = second_auditor(cast, certificate_no="JS-0777", name="Zhou Lei")
    services.audit_update(
        actor=consultant, audit=audit, team=[*audit.team.all(), third], team_leader=third
    )
    services.audit_update(actor=cast.user("enterprise_user"), audit=audit, consultancy=None)
    reviews.sheet_publish(
        actor=cast.user("admin"),
        kind="assessment",
        province=None,
        items=[{"code": "all", "title_zh": "全部", "max_points": 100}],
        vetoes=[],
        pass_mark=60,
    )
    enterprises.policy_save(actor=cast.user("admin"), province_code=None, report_months=6)
    assert authority.get(path).content == before
    assert Review.objects.get(pk=review.pk).snapshot == frozen


def test_snapshot_endpoint_costs_the_same_queries_for_a_small_or_large_audit(cast):
    from tests.support.matrix import count_queries

    review = failed_round(cast)
    client = api_client(officer(cast))
    path = f"/api/v1/assessments/{review.pk}/snapshot/"
    small = count_queries(lambda: client.get(path))
    for number in range(10):
        add_option(cast, Audit.objects.get(pk=review.audit_id), code=f"X{number}")
    assert count_queries(lambda: client.get(path)) == small


# -- nothing judged is deleted ----------------------------------------------------------


def test_an_auditor_on_a_judged_team_is_not_deleted_but_retired(cast):
    review = failed_round(cast)
    audit = Audit.objects.get(pk=review.audit_id)
    admin = api_client(cast.user("admin"))
    response = admin.delete(f"/api/v1/auditors/{cast.auditor.pk}/")
    assert response.status_code == 409
    assert f"The team of audit {audit.pk}" in " ".join(response.data["unmet"])
    assert audit.team.filter(pk=cast.auditor.pk).exists()
    retired = ok(admin.patch(f"/api/v1/auditors/{cast.auditor.pk}/", {"active": False}))
    assert retired["active"] is False
    # Hidden from new choices: another audit cannot take them; this one keeps them.
    other = engaged_for_other_round(cast)
    with pytest.raises(Exception) as error:
        services.audit_update(actor=cast.user("admin"), audit=other, team=[cast.auditor])
    assert "Retired" in str(error.value)
    services.audit_update(
        actor=cast.user("consultant"), audit=audit, team=[*audit.team.all()], focus="Kept"
    )
    # An auditor on no submitted team goes.
    spare = second_auditor(cast, certificate_no="JS-0555", name="Spare")
    ok(admin.delete(f"/api/v1/auditors/{spare.pk}/"), 204)


def test_an_enterprise_and_a_firm_on_the_record_are_not_deleted(cast):
    review = failed_round(cast)
    admin = api_client(cast.user("admin"))
    response = admin.delete(f"/api/v1/enterprises/{cast.enterprise.pk}/")
    assert response.status_code == 409
    assert f"Audit {review.audit_id} (round 1)." in response.data["unmet"]
    response = admin.delete(f"/api/v1/organizations/{cast.firm.pk}/")
    assert response.status_code == 409
    assert f"Audit {review.audit_id} (its consulting firm)." in response.data["unmet"]
    ok(admin.patch(f"/api/v1/enterprises/{cast.enterprise.pk}/", {"active": False}))
    ok(admin.patch(f"/api/v1/organizations/{cast.firm.pk}/", {"active": False}))
    assert Review.objects.get(pk=review.pk).snapshot["consultancy"]["name"] == cast.firm.name


def test_a_submitted_document_cannot_be_deleted_by_the_service_either(cast):
    review = submitted(cast)
    report = review.audit.documents.get(kind=DocumentKind.AUDIT_REPORT)
    with pytest.raises(StateConflict):
        services.document_delete(actor=cast.user("consultant"), document=report)


# -- scores -----------------------------------------------------------------------------


def test_a_replaced_score_keeps_its_earlier_version_for_the_authority_after_conclusion(cast):
    review = submitted(cast)
    experts = seat_panel(cast, review)
    score_all(cast, review, [FAIL_TOTAL] * 3)
    reviews.score_submit(
        actor=experts[0], review=review, items=items_for(review, 62), vetoes=[], comment="2nd"
    )
    assert ScoreVersion.objects.get().total == FAIL_TOTAL
    path = f"/api/v1/assessments/{review.pk}/scores/"
    mine = ok(api_client(experts[0]).get(path))
    assert len(mine) == 1 and mine[0]["earlier"] == []
    assert all(s["earlier"] == [] for s in ok(api_client(officer(cast)).get(path)))
    reviews.review_conclude(actor=officer(cast), review=review, opinion="No", demands=["Redo"])
    scores = ok(api_client(officer(cast)).get(path))
    earlier = {s["expert"]: s["earlier"] for s in scores}
    assert [v["total"] for v in earlier[experts[0].pk]] == ["60.00"]
    assert all(s["earlier"] == [] for s in ok(api_client(experts[1]).get(path)))


def test_policy_edits_keep_every_version_with_who_saved_it(cast):
    admin = api_client(cast.user("admin"))
    ok(admin.patch("/api/v1/policies/320000/", {"report_months": 10}, format="json"))
    officer_client = api_client(officer(cast))
    ok(officer_client.patch("/api/v1/policies/320000/", {"report_months": 8}, format="json"))
    history = ok(officer_client.get("/api/v1/policies/320000/history/"))
    assert [(v["actor"], v["figures"]["report_months"]) for v in history] == [
        ("admin", 10),
        ("province_officer", 8),
    ]
    assert PolicyVersion.objects.count() == 2
    assert ok(officer_client.get("/api/v1/policies/330000/history/")) == []


# -- events -----------------------------------------------------------------------------


def test_every_kind_of_change_is_an_event_with_its_actor(cast):
    """Walk an audit through both reviews (the assessment failed once) and find every
    event kind the issue lists, each with who made it."""
    audit = engaged_audit(cast)
    consultant = cast.user("consultant")
    bring_to(cast, audit, AuditState.FOCUSED_ASSESSMENT)
    stray = upload(cast, audit, kind=DocumentKind.OTHER, title="Draft")
    services.document_delete(actor=consultant, document=stray)
    option = add_option(cast, audit, code="N5")
    services.option_save(actor=consultant, audit=audit, option=option, investment=30_000)
    failed = failed_round(cast, audit=audit)
    answer_demands(cast, failed.audit)
    review = submitted(cast, "acceptance", audit=Audit.objects.get(pk=audit.pk))
    seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    expert = review.panel.first().expert
    reviews.score_submit(actor=expert, review=review, items=items_for(review, 81), vetoes=[])
    verify_all(cast, review)
    reviews.review_conclude(actor=officer(cast), review=review, opinion="Accepted.")
    found = {}
    for event in AuditEvent.objects.filter(audit=audit).select_related("actor"):
        found.setdefault(event.kind, set()).add(event.actor.username)
    expected = {
        EventKind.TRANSITION: {"consultant", "province_officer"},
        EventKind.CONSULTANCY_CHANGED: {"enterprise_user"},
        EventKind.TEAM_CHANGED: {"consultant"},
        EventKind.FOCUS_CHANGED: {"consultant"},
        EventKind.TARGET_CHANGED: {"consultant"},
        EventKind.BALANCE_CHANGED: {"consultant"},
        EventKind.OPTION_ADDED: {"consultant"},
        EventKind.OPTION_CHANGED: {"consultant"},
        EventKind.OPTION_STATUS: {"consultant"},
        EventKind.DOCUMENT_ADDED: {"consultant"},
        EventKind.DOCUMENT_REMOVED: {"consultant"},
        EventKind.PANEL_CHANGED: {"province_officer"},
        EventKind.SCORE_SUBMITTED: {"expert", "expert2", "expert3"},
        EventKind.SCORE_REPLACED: {expert.username},
        EventKind.VERIFIED: {"province_officer"},
        EventKind.CONCLUDED: {"province_officer"},
        EventKind.DEMAND_ANSWERED: {"consultant"},
    }
    for kind, actors in expected.items():
        assert found.get(kind, set()) >= actors, (kind, found.get(kind))
    rows = ok(api_client(cast.user("enterprise_user")).get(f"/api/v1/audits/{audit.pk}/events/"))
    assert {row["kind"] for row in rows} >= set(expected)
    assert all(row["summary"] and row["actor"] and row["at"] for row in rows)
    assert {"at", "actor", "kind", "summary"} <= set(rows[0])
    # A score event never shows the points.
    assert all("80" not in row["summary"] for row in rows if row["kind"] == "score_submitted")


def test_the_audit_page_shows_the_record_as_a_timeline_in_both_languages(cast, client):
    audit = engaged_audit(cast)
    bring_to(cast, audit, AuditState.PRE_ASSESSMENT)
    count = AuditEvent.objects.filter(audit=audit).count()
    page_client(client, cast.user("enterprise_user"))
    for language in ("en", "zh-hans"):
        response = client.get(f"/audits/{audit.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count('data-kind="team_changed"') == 1
        timeline = html[html.index('data-testid="events"') :]
        assert timeline[: timeline.index("</ol>")].count("<li ") == count
    client.cookies.load({"django_language": "zh-hans"})
    html = client.get(f"/audits/{audit.pk}/").content.decode()
    assert 'lang="zh-hans"' in html or 'lang="zh-Hans"' in html


def test_the_events_endpoint_costs_the_same_queries_for_few_or_many_events(cast):
    from tests.support.matrix import assert_constant_queries

    audit = engaged_audit(cast)
    client = api_client(cast.user("consultant"))

    def grow(n):
        for number in range(n):
            add_option(cast, audit, code=f"G{number}{timezone.now().microsecond}")

    assert_constant_queries(lambda: client.get(f"/api/v1/audits/{audit.pk}/events/"), grow)


# -- roles ------------------------------------------------------------------------------


# The enterprise and its firm answer; authorities and experts are refused by role; other
# firms and enterprises do not see the demand.
RESPONDS = round_reads() | {
    "province_officer": 403,
    "city_officer": 403,
    "other_province_officer": 403,
    "expert": 403,
}
# Admins and authorities in scope are told the auditor is on the record; other roles may
# not delete auditors at all.
AUDITOR_DELETES = {
    "admin": 409,
    "province_officer": 409,
    "other_province_officer": 404,
    "city_officer": 409,
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 403,
    "other_enterprise_user": 403,
    "expert": 403,
    "anonymous": 401,
}
# The workers are told the document was submitted; authorities and experts may not
# delete documents.
DOCUMENT_DELETES = round_reads(409) | {
    "province_officer": 403,
    "other_province_officer": 403,
    "city_officer": 403,
    "expert": 403,
}
POLICY_READS = {role: 200 for role in round_reads()} | {"anonymous": 401}


class TestRecordApiRoles(RoleMatrix):
    """A failed assessment round with two demands (the cast's expert on its panel)."""

    build = staticmethod(lambda cast: {"review": failed_round(cast)})
    matrix = {
        "events": round_reads(),
        "snapshot": round_reads(),
        "demands": round_reads(),
        "respond": RESPONDS,
        "delete_auditor": AUDITOR_DELETES,
        "delete_document": DOCUMENT_DELETES,
        "policy_history": POLICY_READS,
    }

    def request(self, action, client, cast):
        review = self.world.review
        demand = review.demands.first()
        report = review.audit.documents.get(kind=DocumentKind.AUDIT_REPORT)
        return {
            "events": lambda: client.get(f"/api/v1/audits/{review.audit_id}/events/"),
            "snapshot": lambda: client.get(f"/api/v1/assessments/{review.pk}/snapshot/"),
            "demands": lambda: client.get(f"/api/v1/assessments/{review.pk}/demands/"),
            "respond": lambda: client.post(
                f"/api/v1/demands/{demand.pk}/respond/", {"response": "Done"}, format="json"
            ),
            "delete_auditor": lambda: client.delete(f"/api/v1/auditors/{cast.auditor.pk}/"),
            "delete_document": lambda: client.delete(f"/api/v1/documents/{report.pk}/"),
            "policy_history": lambda: client.get("/api/v1/policies/320000/history/"),
        }[action]()


# On the round page: the enterprise and its firm answer (a redirect); the others are
# refused by role, or do not see the round.
PAGE_RESPONDS = RESPONDS | {"admin": 302, "consultant": 302, "enterprise_user": 302}
PAGE_RESPONDS |= {"anonymous": 302}  # to the login page


class TestDemandPageRoles(RoleMatrix):
    api = False
    build = staticmethod(lambda cast: {"review": failed_round(cast)})
    matrix = {"respond": PAGE_RESPONDS, "round": round_reads() | {"anonymous": 302}}

    def request(self, action, client, cast):
        review = self.world.review
        demand = review.demands.first()
        if action == "round":
            return client.get(f"/reviews/{review.pk}/")
        return client.post(
            f"/reviews/{review.pk}/demands/{demand.pk}/respond/",
            {f"demand-{demand.pk}-response": "Reconciled"},
        )


def test_answering_a_demand_through_the_round_page(cast, client):
    review = failed_round(cast)
    demand = review.demands.first()
    page_client(client, cast.user("consultant"))
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    assert html.count('data-testid="demand-form"') == 2
    bad = client.post(
        f"/reviews/{review.pk}/demands/{demand.pk}/respond/", {f"demand-{demand.pk}-response": ""}
    )
    assert bad.status_code == 400 and "Write the response." in bad.content.decode()
    response = client.post(
        f"/reviews/{review.pk}/demands/{demand.pk}/respond/",
        {f"demand-{demand.pk}-response": "Reconciled with the meters."},
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.response, demand.responded_by.username) == (
        "Reconciled with the meters.",
        "consultant",
    )
    assert demand.responded_at <= timezone.now() + datetime.timedelta(seconds=1)


def test_mid_high_options_stay_in_the_snapshot_as_judged(cast):
    review = failed_round(cast)
    codes = [o["code"] for o in review.snapshot["options"] if o["cost_class"] == "mid_high"]
    assert codes == list(
        review.audit.options.filter(cost_class=CostClass.MID_HIGH).values_list("code", flat=True)
    )
    assert review.snapshot["demands"][0]["text"] == DEMANDS[0]


def test_a_sheet_a_round_used_is_not_deleted_but_retired(cast):
    review = failed_round(cast)
    sheet = review.sheet
    admin = api_client(cast.user("admin"))
    newer = ok(
        admin.post(
            "/api/v1/sheets/",
            {
                "kind": "assessment",
                "items": [{"code": "all", "title_zh": "全部", "max_points": 100}],
                "pass_mark": 60,
            },
            format="json",
        ),
        201,
    )
    response = admin.delete(f"/api/v1/sheets/{sheet.pk}/")
    assert response.status_code == 409
    assert response.data["unmet"] == [f"Review round {review.pk} (Assessment, round 1)."]
    edit = admin.patch(f"/api/v1/sheets/{sheet.pk}/", {"pass_mark": 10}, format="json")
    assert edit.status_code == 400 and "pass_mark" in edit.data
    # Retiring the newer one gives new rounds the older again; the round keeps its own.
    assert (
        ok(admin.patch(f"/api/v1/sheets/{newer['id']}/", {"active": False}, format="json"))[
            "active"
        ]
        is False
    )
    assert ScoringSheet.objects.current("assessment", "320000").pk == sheet.pk
    ok(admin.delete(f"/api/v1/sheets/{newer['id']}/"), 204)
    assert Review.objects.get(pk=review.pk).sheet_id == sheet.pk


def test_an_expert_who_sat_on_a_panel_keeps_the_profile(cast):
    failed_round(cast)
    admin = api_client(cast.user("admin"))
    profile = cast.user("expert").expert_profile
    response = admin.delete(f"/api/v1/expert-profiles/{profile.pk}/")
    assert response.status_code == 409 and response.data["unmet"]
    ok(admin.patch(f"/api/v1/users/{cast.user('expert').pk}/", {"is_active": False}), 200)


SHEET_WRITES = {
    "admin": 409,
    "province_officer": 403,  # the national default is the admin's
    "other_province_officer": 403,
    "city_officer": 403,
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 403,
    "other_enterprise_user": 403,
    "expert": 403,
    "anonymous": 401,
}
PROFILE_DELETES = {role: 403 for role in round_reads()} | {"admin": 409, "anonymous": 401}


class TestRetireApiRoles(RoleMatrix):
    build = staticmethod(lambda cast: {"review": failed_round(cast)})
    matrix = {"delete_sheet": SHEET_WRITES, "delete_profile": PROFILE_DELETES}

    def request(self, action, client, cast):
        review = self.world.review
        profile = review.panel.first().expert.expert_profile
        return {
            "delete_sheet": lambda: client.delete(f"/api/v1/sheets/{review.sheet_id}/"),
            "delete_profile": lambda: client.delete(f"/api/v1/expert-profiles/{profile.pk}/"),
        }[action]()


def test_evidence_added_during_a_round_is_kept_once_concluded(cast):
    review = submitted(cast)
    evidence = upload(cast, review.audit, kind=DocumentKind.EVIDENCE, title="Photo on site")
    assert Document.objects.get(pk=evidence.pk).submitted_at is None
    seat_panel(cast, review)
    score_all(cast, review, [FAIL_TOTAL] * 3)
    reviews.review_conclude(actor=officer(cast), review=review, opinion="No", demands=["Redo"])
    response = api_client(cast.user("consultant")).delete(f"/api/v1/documents/{evidence.pk}/")
    assert response.status_code == 409
    assert evidence.pk in [d["id"] for d in Review.objects.get(pk=review.pk).snapshot["documents"]]


def test_a_document_answering_a_demand_is_not_deleted_through_the_page(cast, client):
    review = failed_round(cast)
    audit = Audit.objects.get(pk=review.audit_id)
    answer = upload(cast, audit, kind=DocumentKind.EVIDENCE, title="Meter ledger")
    reviews.demand_respond(
        actor=cast.user("consultant"),
        demand=review.demands.first(),
        response="See",
        document=answer,
    )
    page_client(client, cast.user("consultant"))
    response = client.post(f"/audits/{audit.pk}/documents/{answer.pk}/delete/")
    assert response.status_code == 409
    assert "rectification demands" in response.content.decode()
    assert Document.objects.filter(pk=answer.pk).exists()


def test_the_admin_site_offers_no_delete_for_an_auditor_on_a_judged_team(cast, client):
    failed_round(cast)
    page_client(client, cast.user("admin"))
    response = client.get(f"/admin/accounts/auditor/{cast.auditor.pk}/delete/")
    assert response.status_code == 403
    assert Auditor.objects.filter(pk=cast.auditor.pk).exists()
