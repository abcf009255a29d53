"""The review rules of domain.md §3, §4 and §7, called as the services (issue 5)."""

import datetime
import io
import random
import zipfile
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import Role
from assessments import services
from assessments.models import ExpertProfile, PanelChange, Review, Score, ScoringSheet
from audits import publishing
from audits import services as audit_services
from audits.choices import AuditState, CostClass, DocumentKind
from audits.models import Audit, Document, Option
from core.errors import StateConflict
from enterprises import services as lists
from enterprises.models import KeyEnterpriseList, ProvincePolicy, Region
from notifications.models import Notification
from tests.support.audits import bring_to, engaged_audit, upload
from tests.support.cast import user
from tests.support.reviews import (
    conclude_round,
    expert_pool,
    items_for,
    officer,
    score_all,
    seat_panel,
    submitted,
    verify_all,
)

pytestmark = pytest.mark.django_db


def conclude(cast, review, opinion="Opinion"):
    demands = [] if services.would_pass(review) else ["Revise the report."]
    return services.review_conclude(
        actor=officer(cast), review=review, opinion=opinion, demands=demands
    )


def scored(cast, review, totals, vetoes=None):
    seat_panel(cast, review)
    score_all(cast, review, totals, vetoes)
    return review


# -- rounds ------------------------------------------------------------------------------


def test_submitting_for_assessment_opens_round_one_with_todays_sheet(cast):
    review = submitted(cast)
    today = timezone.localdate()
    assert (review.kind, review.round, review.state) == ("assessment", 1, "applied")
    assert review.applied_on == today
    assert review.due_on == today + relativedelta(months=1)
    assert review.sheet == ScoringSheet.objects.get(kind="assessment", province=None)
    # The province's and the city's officers hear of the application; the other
    # province's does not.
    told = set(
        Notification.objects.filter(kind="review_applied").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"province_officer", "city_officer"}


@pytest.mark.parametrize(
    ("totals", "vetoes", "result", "mean", "state"),
    [
        ([80, 80, 80], None, "passed", "80.00", AuditState.IMPLEMENTATION),
        ([70, 70, 70], None, "passed", "70.00", AuditState.IMPLEMENTATION),  # at the mark
        ([90, 90, 90], {1: ["falsified_data"]}, "failed", "90.00", AuditState.FEASIBILITY),
        ([65, 65, 65], None, "failed", "65.00", AuditState.FEASIBILITY),
        ([70, 70, 69.5], None, "failed", "69.83", AuditState.FEASIBILITY),  # mean rounded
        # The exact mean 69.9967 fails, though it is shown rounded as 70.00.
        ([70, 70, 69.99], None, "failed", "70.00", AuditState.FEASIBILITY),
    ],
)
def test_assessment_result_and_where_it_sends_the_audit(cast, totals, vetoes, result, mean, state):
    review = scored(cast, submitted(cast), totals, vetoes)
    conclude(cast, review)
    review.refresh_from_db()
    assert (review.result, str(review.score), review.vetoed) == (result, mean, bool(vetoes))
    audit = Audit.objects.get(pk=review.audit_id)
    assert audit.state == state
    assert audit.transitions.last().actor == officer(cast)


def test_failed_round_stays_and_reapplying_opens_round_two(cast):
    first = scored(cast, submitted(cast), [65, 65, 65])
    conclude(cast, first, opinion="Rectify the material balance.")
    audit = Audit.objects.get(pk=first.audit_id)
    bring_to(cast, audit, AuditState.UNDER_ASSESSMENT)  # re-apply
    second = Review.objects.get(audit=audit, round=2)
    assert (second.kind, second.state) == ("assessment", "applied")
    first.refresh_from_db()
    assert (first.result, first.opinion, first.state) == (
        "failed",
        "Rectify the material balance.",
        "concluded",
    )
    assert first.scores.count() == 3
    scored(cast, second, [80, 80, 80])
    conclude(cast, second)
    assert Audit.objects.get(pk=audit.pk).state == AuditState.IMPLEMENTATION
    assert Score.objects.filter(review=first).count() == 3  # round 1 untouched


def test_acceptance_results_move_the_audit(cast):
    review = submitted(cast, "acceptance")
    scored(cast, review, [65, 65, 65])
    verify_all(cast, review)
    conclude(cast, review)
    audit = Audit.objects.get(pk=review.audit_id)
    assert audit.state == AuditState.IMPLEMENTATION
    assert audit.next_round_due is None
    bring_to(cast, audit, AuditState.UNDER_ACCEPTANCE)
    second = Review.objects.get(audit=audit, kind="acceptance", round=2)
    audit = conclude_round(cast, audit, AuditState.COMPLETED)
    second.refresh_from_db()
    assert second.result == "passed" and audit.state == AuditState.COMPLETED


# -- due dates from the policy -----------------------------------------------------------


def test_passed_assessment_sets_acceptance_due_from_the_lists_policy(cast):
    ProvincePolicy.objects.create(province_id="320000", acceptance_months=6)
    review = conclude(cast, scored(cast, submitted(cast), [80, 80, 80]))
    audit = Audit.objects.get(pk=review.audit_id)
    assert audit.acceptance_due == review.concluded_on + relativedelta(months=6)


@pytest.mark.parametrize(
    ("categories", "heavy_metal", "years"),
    [
        (["exceeds_standards"], False, 5),
        (["toxic_hazardous"], False, 5),
        (["toxic_hazardous"], True, 2),
    ],
)
def test_passed_acceptance_sets_next_round_due_by_category_and_industry(
    cast, categories, heavy_metal, years
):
    ProvincePolicy.objects.create(
        province_id="320000", heavy_metal_industries=["22"] if heavy_metal else []
    )
    audit = engaged_audit(cast)
    KeyEnterpriseList.objects.filter(pk=audit.list_entry.key_list_id).update(
        policy=ProvincePolicy.for_province("320000").figures()
    )
    entry = audit.list_entry
    entry.exceeds_standards = "exceeds_standards" in categories
    entry.toxic_hazardous = "toxic_hazardous" in categories
    entry.save()
    review = submitted(cast, "acceptance", audit=audit)
    audit = conclude_round(cast, Audit.objects.get(pk=review.audit_id), AuditState.COMPLETED)
    review.refresh_from_db()
    assert audit.next_round_due == review.concluded_on.replace(
        year=review.concluded_on.year + years
    )


# -- sheets ------------------------------------------------------------------------------


def sheet_rows(total=100):
    return [
        {"code": "a", "title_zh": "甲", "title_en": "A", "max_points": 60},
        {"code": "b", "title_zh": "乙", "title_en": "B", "max_points": total - 60},
    ]


def test_a_round_keeps_the_sheet_version_it_started_with(cast):
    review = submitted(cast)
    sheet = services.sheet_publish(
        actor=officer(cast),
        kind="assessment",
        province=Region.objects.get(code="320000"),
        items=sheet_rows(),
        vetoes=[{"code": "fake", "title_zh": "造假"}],
        pass_mark="80",
    )
    assert sheet.version == 1 and sheet.items[0]["max_points"] == 60
    review.refresh_from_db()
    assert review.sheet.province_id is None  # unchanged
    assert ScoringSheet.objects.current("assessment", "320000") == sheet
    assert ScoringSheet.objects.current("assessment", "330000").province_id is None
    again = services.sheet_publish(
        actor=officer(cast),
        kind="assessment",
        province=Region.objects.get(code="320000"),
        items=sheet_rows(),
        vetoes=[],
        pass_mark=75,
    )
    assert again.version == 2
    assert ScoringSheet.objects.current("assessment", "320000") == again


@pytest.mark.parametrize(
    ("items", "vetoes", "pass_mark", "field"),
    [
        (sheet_rows(90), [], 70, "items"),
        ([], [], 70, "items"),
        (sheet_rows()[:1] + [dict(sheet_rows()[1], code="a")], [], 70, "items"),
        (sheet_rows(), [{"code": "a", "title_zh": "甲"}], 70, "vetoes"),
        (sheet_rows(), [], 120, "pass_mark"),
        (sheet_rows(), [], "x", "pass_mark"),
    ],
)
def test_bad_sheets_are_refused(cast, items, vetoes, pass_mark, field):
    with pytest.raises(ValidationError) as error:
        services.sheet_publish(
            actor=officer(cast),
            kind="acceptance",
            province=Region.objects.get(code="320000"),
            items=items,
            vetoes=vetoes,
            pass_mark=pass_mark,
        )
    assert field in error.value.message_dict
    assert not ScoringSheet.objects.filter(province_id="320000").exists()


@pytest.mark.parametrize(
    ("role", "province"),
    [
        ("city_officer", "320000"),
        ("province_officer", "330000"),
        ("province_officer", None),
        ("consultant", "320000"),
    ],
)
def test_only_the_provinces_own_authority_publishes_its_sheet(cast, role, province):
    with pytest.raises(PermissionDenied):
        services.sheet_publish(
            actor=cast.user(role),
            kind="assessment",
            province=province and Region.objects.get(code=province),
            items=sheet_rows(),
            vetoes=[],
            pass_mark=70,
        )


# -- panels ------------------------------------------------------------------------------


def test_panel_refuses_fewer_than_three_and_dependent_experts_naming_each(cast):
    review = submitted(cast)
    experts = expert_pool(cast, 5)
    ExpertProfile.objects.filter(user=experts[3]).update(employer=cast.enterprise)
    ExpertProfile.objects.filter(user=experts[4]).update(consultancy=cast.firm)
    with pytest.raises(ValidationError) as error:
        services.panel_set(actor=officer(cast), review=review, expert_ids=[experts[0].pk])
    assert error.value.message_dict["experts"] == ["A panel has at least 3 experts; 1 were named."]
    with pytest.raises(ValidationError) as error:
        services.panel_set(
            actor=officer(cast),
            review=review,
            expert_ids=[
                experts[0].pk,
                experts[3].pk,
                experts[4].pk,
                cast.user("consultant").pk,
                999999,
            ],
        )
    assert error.value.message_dict["experts"] == [
        "No user with id 999999.",
        "consultant (consultant): not an expert; works for the enterprise's consulting firm.",
        "expert4 (expert4): works for the enterprise under review.",
        "expert5 (expert5): works for the enterprise's consulting firm.",
    ]
    review.refresh_from_db()
    assert review.state == "applied" and not review.panel.exists()
    assert not PanelChange.objects.exists()


def test_panel_changes_are_recorded_and_a_leaving_experts_score_goes(cast):
    review = submitted(cast)
    first, second, third, fourth = expert_pool(cast, 4)
    seat_panel(cast, review, [first, second, third])
    services.score_submit(actor=third, review=review, items=items_for(review, 75), vetoes=[])
    seat_panel(cast, review, [first, second, fourth])
    changes = list(review.panel_changes.values_list("added", "removed"))
    assert changes == [([first.pk, second.pk, third.pk], []), ([fourth.pk], [third.pk])]
    assert not review.scores.exists()
    assert Notification.objects.filter(kind="review_panel", recipient=fourth).exists()


def test_only_the_authority_in_scope_forms_the_panel(cast):
    review = submitted(cast)
    ids = [e.pk for e in expert_pool(cast)]
    for role in ("consultant", "enterprise_user", "expert", "other_province_officer"):
        with pytest.raises(PermissionDenied):
            services.panel_set(actor=cast.user(role), review=review, expert_ids=ids)
    services.panel_set(actor=cast.user("city_officer"), review=review, expert_ids=ids)
    assert review.panel.count() == 3


def test_draw_is_repeatable_from_its_seed_prefers_the_industry_and_skips_conflicts(cast):
    review = submitted(cast)
    paper = expert_pool(cast, 4)  # paper (22), the enterprise's industry
    others = [user(f"chemist{n}", Role.EXPERT, organization=cast.experts) for n in range(4)]
    for chemist in others:
        ExpertProfile.objects.create(user=chemist).industries.add("26")
    ExpertProfile.objects.filter(user=paper[3]).update(employer=cast.enterprise)
    services.panel_draw(actor=officer(cast), review=review, size=4, seed=42)
    change = review.panel_changes.get()
    draw = change.draw
    assert draw["seed"] == 42 and paper[3].pk not in draw["pool"]
    assert draw["matching"] == [e.pk for e in paper[:3]]
    # The three independent paper experts first, then one more from the rest.
    assert set(draw["drawn"][:3]) == set(draw["matching"])
    rng = random.Random(draw["seed"])
    expected = rng.sample(draw["matching"], 3)
    expected += rng.sample([pk for pk in draw["pool"] if pk not in draw["matching"]], 1)
    assert draw["drawn"] == expected
    assert set(review.panel.values_list("expert_id", flat=True)) == set(expected)


def test_draw_refuses_when_the_pool_is_too_small(cast):
    review = submitted(cast)
    expert_pool(cast, 2)
    with pytest.raises(StateConflict) as error:
        services.panel_draw(actor=officer(cast), review=review)
    assert error.value.unmet == ["The province's pool has 2 independent experts; the draw needs 3."]


# -- scores ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "vetoes", "errors"),
    [
        (
            {"report": 15},
            [],
            {
                "items": [
                    "“process”: give a score.",
                    "“focus_targets”: give a score.",
                    "“balance”: give a score.",
                    "“no_low”: give a score.",
                    "“mid_high_plan”: give a score.",
                ]
            },
        ),
        ("over", [], {"items": ["“report”: give 0 to 15 points."]}),
        ("negative", [], {"items": ["“report”: give 0 to 15 points."]}),
        ("text", [], {"items": ["“report”: a number of points, at most two decimals."]}),
        ("extra", [], {"items": ["“bonus” is not an item of the sheet."]}),
        ("ok", ["made_up"], {"vetoes": ["Not a veto item of the sheet: made_up."]}),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_saved(cast, items, vetoes, errors):
    review = submitted(cast)
    seat_panel(cast, review)
    full = items_for(review, 80)
    if isinstance(items, str):
        items = {
            "over": full | {"report": "15.5"},
            "negative": full | {"report": -1},
            "text": full | {"report": "many"},
            "extra": full | {"bonus": 5},
            "ok": full,
        }[items]
    with pytest.raises(ValidationError) as error:
        services.score_submit(actor=cast.user("expert"), review=review, items=items, vetoes=vetoes)
    assert error.value.message_dict == errors
    assert not review.scores.exists()


def test_scores_are_replaced_until_concluded_and_only_by_the_panel(cast):
    review = submitted(cast)
    seat_panel(cast, review)
    expert = cast.user("expert")
    services.score_submit(actor=expert, review=review, items=items_for(review, 60), vetoes=[])
    services.score_submit(
        actor=expert,
        review=review,
        items=items_for(review, 85.5),
        vetoes=["wrong_focus"],
        comment=" Better ",
    )
    score = review.scores.get()
    assert (score.total, score.vetoes, score.comment) == (
        Decimal("85.5"),
        ["wrong_focus"],
        "Better",
    )
    with pytest.raises(PermissionDenied):
        services.score_submit(
            actor=officer(cast), review=review, items=items_for(review, 80), vetoes=[]
        )
    score_all(cast, review, [80, 80, 80])
    conclude(cast, review)
    with pytest.raises(StateConflict):
        services.score_submit(actor=expert, review=review, items=items_for(review, 10), vetoes=[])
    assert review.scores.get(expert=expert).total == 80


def test_experts_see_only_their_own_scores_until_the_conclusion(cast):
    review = scored(cast, submitted(cast), [80, 75, 70])
    expert = cast.user("expert")
    assert list(services.visible_scores(expert, review).values_list("expert", flat=True)) == [
        expert.pk
    ]
    assert not services.visible_scores(cast.user("enterprise_user"), review).exists()
    assert services.visible_scores(officer(cast), review).count() == 3
    conclude(cast, review)
    review.refresh_from_db()
    assert services.visible_scores(expert, review).count() == 3
    assert services.visible_scores(cast.user("enterprise_user"), review).count() == 3


# -- conclusion --------------------------------------------------------------------------


def test_conclusion_waits_for_the_panel_and_every_score(cast):
    review = submitted(cast)
    with pytest.raises(StateConflict) as error:
        conclude(cast, review)
    assert error.value.unmet == ["Form the panel."]
    experts = seat_panel(cast, review)
    services.score_submit(actor=experts[0], review=review, items=items_for(review, 80), vetoes=[])
    with pytest.raises(StateConflict) as error:
        conclude(cast, review)
    assert error.value.unmet == ["Waiting for the scores of: expert2, expert3."]
    score_all(cast, review, [80, 80, 80])
    with pytest.raises(ValidationError):
        conclude(cast, review, opinion="  ")
    with pytest.raises(PermissionDenied):
        services.review_conclude(actor=cast.user("consultant"), review=review, opinion="x")
    conclude(cast, review)
    with pytest.raises(StateConflict):
        conclude(cast, review)


def test_acceptance_waits_for_every_feasible_mid_high_option_to_be_verified(cast):
    review = submitted(cast, "acceptance")
    audit = review.audit
    scored(cast, review, [80, 80, 80])
    with pytest.raises(StateConflict) as error:
        conclude(cast, review)
    assert error.value.unmet == ["Verify the mid/high-cost options: M1."]
    option = audit.options.get(code="M1")
    verification = services.verification_save(
        actor=cast.user("expert"),
        review=review,
        option=option,
        implemented=True,
        verified_benefits=[{"indicator": "water_t", "value": "4000"}],
        note="Meters read",
    )
    rows = services.benefit_comparison(verification)
    assert rows == [
        {
            "indicator": "water_t",
            "claimed": Decimal("4800"),
            "verified": Decimal("4000"),
            "difference": Decimal("-800"),
        }
    ]
    conclude(cast, review)
    assert Audit.objects.get(pk=audit.pk).state == AuditState.COMPLETED


def test_verification_rules(cast):
    review = submitted(cast, "acceptance")
    seat_panel(cast, review)
    audit = review.audit
    no_low = audit.options.get(code="N1")
    with pytest.raises(ValidationError) as error:
        services.verification_save(
            actor=officer(cast),
            review=review,
            option=no_low,
            implemented=True,
            verified_benefits=[
                {"indicator": "nope", "value": 1},
                {"indicator": "cod_t", "value": "x"},
            ],
        )
    assert set(error.value.message_dict) == {"option", "verified_benefits"}
    with pytest.raises(PermissionDenied):
        services.verification_save(
            actor=cast.user("consultant"),
            review=review,
            option=audit.options.get(code="M1"),
            implemented=True,
            verified_benefits=[],
        )
    assessment = Review.objects.get(audit=audit, kind="assessment")
    with pytest.raises(StateConflict):
        services.verification_save(
            actor=officer(cast),
            review=assessment,
            option=audit.options.get(code="M1"),
            implemented=True,
            verified_benefits=[],
        )


def test_conclusion_keeps_what_was_judged(cast):
    review = scored(cast, submitted(cast), [80, 80, 80])
    conclude(cast, review)
    review.refresh_from_db()
    frozen = review.snapshot
    document = review.audit.documents.get(kind=DocumentKind.AUDIT_REPORT)
    kept = {d["id"]: d["sha256"] for d in frozen["documents"]}
    assert kept[document.pk] == document.sha256
    assert [o["code"] for o in frozen["options"]] == ["M1", "N1"]
    assert [s["total"] for s in frozen["scores"]] == ["80.00"] * 3
    # Later work on the audit changes nothing the round shows.
    option = Option.objects.get(audit=review.audit, code="M1")
    audit_services.option_save(
        actor=cast.user("consultant"),
        audit=review.audit,
        option=option,
        investment=9_999_999,
        title="Renamed",
    )
    # The submitted report is not deleted (issue 11): the round's hashes name a file.
    with pytest.raises(StateConflict):
        audit_services.document_delete(actor=cast.user("consultant"), document=document)
    assert Document.objects.filter(pk=document.pk).exists()
    review.refresh_from_db()
    assert review.snapshot == frozen
    assert frozen["options"][0]["investment"] == "2000000.00"
    assert [s["code"] for s in services.signals(review)] == [s["code"] for s in frozen["signals"]]


def test_conclusion_tells_the_enterprise_its_firm_and_the_panel(cast):
    review = scored(cast, submitted(cast), [80, 80, 80])
    conclude(cast, review)
    told = set(
        Notification.objects.filter(kind="review_concluded").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"enterprise_user", "consultant", "expert", "expert2", "expert3"}
    note = Notification.objects.filter(kind="review_concluded").first()
    assert note.text == (
        "Assessment of Jinling Paper Co. (round 1) concluded: Passed, mean score 80.00."
    )


# -- scoping -----------------------------------------------------------------------------


def test_an_expert_reaches_only_the_audits_of_the_rounds_they_sit_on(cast):
    review = submitted(cast)
    expert = cast.user("expert")
    assert not Audit.objects.for_user(expert).exists()
    assert not Review.objects.for_user(expert).exists()
    seat_panel(cast, review)
    assert list(Audit.objects.for_user(expert)) == [review.audit]
    assert list(Review.objects.for_user(expert)) == [review]
    assert list(Option.objects.for_user(expert).values_list("code", flat=True)) == ["M1", "N1"]
    from enterprises.models import Enterprise

    assert list(Enterprise.objects.for_user(expert)) == [cast.enterprise]
    seat_panel(cast, review, expert_pool(cast, 4)[1:])  # replaced
    assert not Audit.objects.for_user(expert).exists()


# -- token-compliance signals ------------------------------------------------------------


def codes(review):
    return [signal["code"] for signal in services.signals(review)]


def test_signals_of_a_re_labelled_audit(cast):
    audit = engaged_audit(cast)
    bring_to(cast, audit, AuditState.OPTION_GENERATION)
    option = audit.options.get(code="N1")
    audit_services.option_save(
        actor=cast.user("consultant"),
        audit=audit,
        option=option,
        implemented_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    review = submitted(cast, audit=Audit.objects.get(pk=audit.pk))
    Option.objects.filter(audit=audit, cost_class=CostClass.MID_HIGH).delete()
    found = services.signals(review)
    assert [s["code"] for s in found] == [
        "predates_audit",
        "no_mid_high",
        "benefits_without_evidence",
    ]
    assert found[0]["text"].startswith("N1 were implemented before the audit started on")
    assert found[2]["text"] == (
        "N1 claim actual benefits, but no evidence document is attached to them."
    )


def test_no_signal_for_evidenced_benefits(cast):
    review = submitted(cast)
    upload(
        cast,
        review.audit,
        kind=DocumentKind.EVIDENCE,
        title="Meter log",
        option=review.audit.options.get(code="N1"),
    )
    assert codes(review) == []


def test_signals_of_the_acceptance_verification(cast):
    review = submitted(cast, "acceptance")
    seat_panel(cast, review)
    services.verification_save(
        actor=officer(cast),
        review=review,
        option=review.audit.options.get(code="M1"),
        implemented=False,
        verified_benefits=[{"indicator": "water_t", "value": 1000}],
    )
    found = {s["code"]: s["text"] for s in services.signals(review)}
    assert found["not_found_implemented"] == (
        "The audit reports M1 as implemented; the panel did not find them implemented."
    )
    assert found["verified_below_claimed"] == (
        "The panel verified less than half of the claimed benefit: M1 Water (t/a): 1000 of "
        "4800 claimed."
    )


def docx(text: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(
            "word/document.xml",
            (
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
                f'main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'
            ),
        )
    return SimpleUploadedFile("report.docx", buffer.getvalue())


REPORT = "".join(
    f"第{n}号工段漂白废水化学需氧量{n * 37}吨，洗浆改进后白水回用{n * 11}吨。" for n in range(1, 80)
)


def test_a_report_repeating_another_audit_of_the_same_firm_is_signalled(
    cast, django_capture_on_commit_callbacks
):
    earlier = engaged_audit(cast)
    suzhou = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    Audit.objects.filter(pk=suzhou.pk).update(consultancy=cast.firm, state=AuditState.FEASIBILITY)
    with django_capture_on_commit_callbacks(execute=True):
        audit_services.document_upload(
            actor=cast.user("consultant"),
            audit=suzhou,
            kind=DocumentKind.AUDIT_REPORT,
            title="Wujiang report",
            file=docx(REPORT),
        )
    review = submitted(cast, audit=earlier)
    report = review.audit.documents.get(kind=DocumentKind.AUDIT_REPORT)
    assert codes(review) == ["benefits_without_evidence"]  # a PDF without text
    with django_capture_on_commit_callbacks(execute=True):
        Audit.objects.filter(pk=earlier.pk).update(state=AuditState.FEASIBILITY)
        report.delete()
        audit_services.document_upload(
            actor=cast.user("consultant"),
            audit=earlier,
            kind=DocumentKind.AUDIT_REPORT,
            title="Jinling report",
            file=docx("前言：" + REPORT[:-40] + "结论。"),
        )
    found = [s for s in services.signals(review) if s["code"] == "repeated_report"]
    assert len(found) == 1
    assert "also appears in the report of Wujiang Dyeing Co. (round 1)" in found[0]["text"]
    with django_capture_on_commit_callbacks(execute=True):
        other = audit_services.document_upload(
            actor=cast.user("consultant"),
            audit=earlier,
            kind=DocumentKind.AUDIT_REPORT,
            title="Rewritten",
            file=docx("".join(f"实测第{n}台设备电耗{n * 53}千瓦时；" for n in range(90))),
        )
    assert other.pk and "repeated_report" not in codes(review)


# -- carry-over --------------------------------------------------------------------------


def test_a_failed_review_not_reapplied_for_is_suggested_for_next_years_list(cast):
    review = scored(cast, submitted(cast), [60, 60, 60])
    conclude(cast, review)
    next_year = lists.key_list_create(
        actor=officer(cast), year=2027, province=Region.objects.get(code="320000")
    )
    suggestions = publishing.carry_over_suggestions(key_list=next_year, actor=officer(cast))
    review.refresh_from_db()
    assert [(s["enterprise"], s["reasons"]) for s in suggestions] == [
        (cast.enterprise, [f"round 1: the assessment failed on {review.concluded_on}"])
    ]
    bring_to(cast, review.audit, AuditState.UNDER_ASSESSMENT)  # re-applied
    assert publishing.carry_over_suggestions(key_list=next_year, actor=officer(cast)) == []


def test_a_panel_expert_reads_the_audit_but_does_not_change_it(cast):
    """The expert sees the report, the options, the documents and the history
    (issue 5, item 4), and cannot change any of them."""
    from tests.support.matrix import api_client

    review = submitted(cast)
    seat_panel(cast, review)
    client = api_client(cast.user("expert"))
    audit = review.audit
    document = audit.documents.get(kind=DocumentKind.AUDIT_REPORT)
    assert client.get(f"/api/v1/audits/{audit.pk}/").status_code == 200
    assert client.get(f"/api/v1/audits/{audit.pk}/history/").data[-1]["to"] == ("under_assessment")
    assert client.get(f"/api/v1/options/?audit={audit.pk}").data["count"] == 2
    assert client.get(f"/api/v1/documents/{document.pk}/download/").status_code == 200
    option = audit.options.get(code="M1")
    assert (
        client.patch(f"/api/v1/options/{option.pk}/", {"title": "x"}, format="json").status_code
        == 403
    )
    assert (
        client.patch(f"/api/v1/audits/{audit.pk}/", {"focus": "x"}, format="json").status_code
        == 403
    )


def test_an_acceptance_is_ready_to_conclude_only_once_its_options_are_verified(cast):
    review = scored(cast, submitted(cast, "acceptance"), [80, 80, 80])
    assert Review.objects.with_progress().get(pk=review.pk).stage == "scoring"
    verify_all(cast, review)
    assert Review.objects.with_progress().get(pk=review.pk).stage == "ready"
    assessment = Review.objects.get(audit=review.audit, kind="assessment")
    assert Review.objects.with_progress().get(pk=assessment.pk).stage == "concluded"
