"""Issue 18, item 5 (the province view) and the CP level at acceptance in the statistics:
`reporting.statistics.signal_statistics` / `cp_grade_statistics`, their fields in
`GET /api/v1/statistics/summary/`, the statistics page's tables, and the review list
filtered to the rounds behind each count.

What a round raised is stored (assessments.RoundCheck / RaisedSignal): written at
conclusion from the snapshot, for an open round whenever its signals are shown, and by
`manage.py record_round_checks`; the figures are checked against a Python recount over
the statistics seed with stored rows, and end to end through the real services."""

import importlib
import itertools
from urllib.parse import parse_qs, urlparse

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import Http404

from assessments import services as reviews
from assessments.compliance import TITLES
from assessments.models import RaisedSignal, Review, RoundCheck
from audits.models import Audit
from reporting.statistics import SIGNAL_KINDS, cp_grade_statistics, signal_statistics
from survey import services as survey_services
from tests.reporting.test_statistics import URL, parse, seed
from tests.support.matrix import api_client, assert_constant_queries, count_queries
from tests.support.reviews import officer, score_all, seat_panel, submitted
from tests.survey.test_signals import contradictory_audit, monitoring_csv

pytestmark = pytest.mark.django_db

PAGE = "/statistics/"
LIST = "/reviews/"
# The kinds each seeded round is given, in turn (some none).
PATTERNS = [
    ["end_of_pipe", "intensity_jump"],
    [],
    ["end_of_pipe"],
    ["monitoring_differs", "no_mid_high", "end_of_pipe"],
    ["same_experts"],
]


def store(review, codes, grades=None, before=None, after=None) -> None:
    """A round's stored check, as round_checks writes it."""
    RoundCheck.objects.update_or_create(
        review=review,
        defaults={
            "signals_at": "2026-01-01T00:00Z",
            "signal_codes": sorted(codes),
            "cp_level_at": "2026-01-01T00:00Z" if grades else None,
            "grades": grades,
            "grade_before": before,
            "grade_after": after,
        },
    )
    RaisedSignal.objects.bulk_create([RaisedSignal(review=review, code=c) for c in codes])


@pytest.fixture
def stored(cast):
    """The statistics seed (Jiangsu's 2025 and 2026 lists, Zhejiang's audit), every round
    with stored signals but one (a round never shown has no check)."""
    seed(cast)
    patterns = itertools.cycle(PATTERNS)
    rounds = list(Review.objects.order_by("pk"))
    for review in rounds[1:]:
        store(review, next(patterns))
    return cast


def recount(prefix: str, year=None) -> dict:
    """The signal counts by firm and city, in Python over the rounds."""
    firms, cities = {}, {}
    for review in Review.objects.select_related("audit__list_entry__key_list"):
        audit = review.audit
        if not audit.region_code.startswith(prefix):
            continue
        if year is not None and audit.list_entry.key_list.year != year:
            continue
        check = RoundCheck.objects.filter(review=review).first()
        if check is None:
            continue
        for rows, key in ((firms, audit.consultancy_id), (cities, audit.city_code + "00")):
            row = rows.setdefault(key, {"rounds": 0, "signals": dict.fromkeys(SIGNAL_KINDS, 0)})
            row["rounds"] += 1
            for code in check.signal_codes:
                row["signals"][code] += 1
    return {"firms": firms, "cities": cities}


def as_counts(data) -> dict:
    return {
        "firms": {
            row["id"]: {"rounds": row["rounds"], "signals": row["signals"]}
            for row in data["by_consultancy"]
        },
        "cities": {
            row["code"]: {"rounds": row["rounds"], "signals": row["signals"]}
            for row in data["by_city"]
        },
    }


@pytest.mark.parametrize(
    "role,region,year,prefix",
    [
        ("admin", None, None, ""),
        ("province_officer", None, None, "32"),
        ("province_officer", None, 2025, "32"),
        ("province_officer", "320500", None, "3205"),
        ("province_officer", "320115", 2025, "320115"),
        ("city_officer", None, None, "3201"),
        ("other_province_officer", None, None, "33"),
    ],
)
def test_signals_by_firm_and_city_agree_with_a_python_recount(stored, role, region, year, prefix):
    data = signal_statistics(user=stored.user(role), region=region, year=year)
    assert as_counts(data) == recount(prefix, year)
    assert [k["kind"] for k in data["kinds"]] == list(TITLES)
    assert data["total"]["rounds"] == sum(r["rounds"] for r in data["by_city"])


def test_the_province_sees_its_cities_and_a_city_its_own(stored):
    province = signal_statistics(user=stored.user("province_officer"))
    assert [row["code"] for row in province["by_city"]] == ["320100", "320500"]
    assert province["by_city"][0]["name"] == "Nanjing"
    # The firms by name, the self-audits last.
    names = [row["name"] for row in province["by_consultancy"]]
    assert names[-1] == "No consulting firm (self-audit)"
    assert province["by_consultancy"][-1]["id"] is None
    city = signal_statistics(user=stored.user("city_officer"))
    assert [row["code"] for row in city["by_city"]] == ["320100"]
    zhejiang = signal_statistics(user=stored.user("other_province_officer"))
    assert [row["code"] for row in zhejiang["by_city"]] == ["330100"]
    assert {row["id"] for row in zhejiang["by_consultancy"]} == {stored.other_firm.pk}


def test_out_of_scope_is_404_and_other_roles_403(stored):
    for role, region in (("city_officer", "320500"), ("other_province_officer", "320000")):
        with pytest.raises(Http404):
            signal_statistics(user=stored.user(role), region=region)
        with pytest.raises(Http404):
            cp_grade_statistics(user=stored.user(role), region=region)
    for role in ("consultant", "enterprise_user", "expert"):
        with pytest.raises(PermissionDenied):
            signal_statistics(user=stored.user(role))
        with pytest.raises(PermissionDenied):
            cp_grade_statistics(user=stored.user(role))


def test_the_api_answers_the_signals_and_grades_as_the_functions_do(stored):
    user = stored.user("province_officer")
    body = api_client(user).get(URL, {"region": "320100"}).json()
    data = signal_statistics(user=user, region="320100")
    assert body["signals"]["by_city"] == data["by_city"]
    assert body["signals"]["total"] == data["total"]
    assert body["signals"]["by_consultancy"] == data["by_consultancy"]
    assert body["cp_grades"] == cp_grade_statistics(user=user, region="320100")
    # As of a day, the stored rows (as they are now) are not given.
    past = api_client(user).get(URL, {"as_of": "2026-01-01"}).json()
    assert "signals" not in past and "cp_grades" not in past
    assert api_client(stored.user("city_officer")).get(URL, {"region": "320500"}).status_code == 404
    assert api_client(stored.user("consultant")).get(URL).status_code == 403


def grower():
    """`grow(n)`: n more concluded acceptance rounds of the Jiangsu audits, stored."""
    audits = itertools.cycle(Audit.objects.filter(region_code__startswith="32").order_by("pk"))
    rounds = itertools.count(10)
    patterns = itertools.cycle(PATTERNS)

    def grow(count):
        for _number in range(count):
            audit = next(audits)
            review = Review.objects.create(
                audit=audit,
                kind="acceptance",
                round=next(rounds),
                sheet=Review.objects.first().sheet,
                state="concluded",
                result="failed",
                applied_on="2026-01-01",
                due_on="2026-02-01",
                concluded_on="2026-01-20",
            )
            store(review, next(patterns), grades=3, before=3, after=2)

    return grow


def test_signal_statistics_queries_do_not_grow_with_the_rounds(stored):
    user = stored.user("province_officer")
    grow = grower()
    assert_constant_queries(lambda: signal_statistics(user=user), grow, few=2, many=12)
    # One aggregate query, then the names of the cities.
    assert count_queries(lambda: signal_statistics(user=user)) == 2
    assert count_queries(lambda: cp_grade_statistics(user=user)) == 1
    client = api_client(user)
    assert_constant_queries(lambda: client.get(URL), grow, few=1, many=6)


def test_the_page_queries_do_not_grow_with_the_rounds(stored, client):
    client.force_login(stored.user("province_officer"))
    assert_constant_queries(lambda: client.get(PAGE), grower(), few=1, many=8)


def test_the_page_links_each_count_to_the_rounds_that_raised_it(stored, client):
    client.force_login(stored.user("province_officer"))
    tables = parse(client.get(PAGE)).tables
    by_firm = {row[0]: row for row in tables["table-signals-by-firm"]}
    data = signal_statistics(user=stored.user("province_officer"))
    kinds = [k["kind"] for k in data["kinds"] if data["total"]["signals"][k["kind"]]]
    firm = next(r for r in data["by_consultancy"] if r["id"] == stored.firm.pk)
    assert by_firm[firm["name"]][1:] == [str(firm["rounds"])] + [
        str(firm["signals"][kind]) for kind in kinds
    ]
    assert "table-signals-by-city" in tables
    page = client.get(PAGE).content.decode()
    # Every count's link lists exactly the rounds it counts.
    hrefs = [href for href in set(page.split('href="')[1:]) if href.startswith(LIST + "?signal=")]
    hrefs = {href.split('"')[0].replace("&amp;", "&") for href in hrefs}
    assert hrefs
    for href in hrefs:
        query = {key: values[0] for key, values in parse_qs(urlparse(href).query).items()}
        listed = client.get(href)
        assert listed.status_code == 200
        expected = Review.objects.filter(raised_signals__code=query["signal"])
        if "consultancy" in query:
            expected = (
                expected.filter(audit__consultancy__isnull=True)
                if query["consultancy"] == "none"
                else expected.filter(audit__consultancy_id=query["consultancy"])
            )
        if "region" in query:
            expected = expected.filter(audit__city_code=query["region"][:4])
        expected = expected.filter(audit__region_code__startswith="32")
        assert listed.context["page"].paginator.count == expected.count(), href
        assert {r.pk for r in listed.context["page"]} <= set(expected.values_list("pk", flat=True))
        assert 'data-testid="narrowed"' in listed.content.decode()


def test_the_page_shows_the_grades_at_acceptance(stored, client):
    acceptance = Review.objects.filter(kind="acceptance").order_by("pk")
    for review in acceptance:
        store(review, [], grades=3, before=3, after=1)
    client.force_login(stored.user("province_officer"))
    rows = {row[0]: row[1:] for row in parse(client.get(PAGE)).tables["cp-grades"]}
    # The latest acceptance round of each Jiangsu audit at acceptance: three audits.
    assert rows["Grade I (internationally leading)"] == ["0", "3"]
    assert rows["Grade III (domestic general level)"] == ["3", "0"]
    assert rows["No grade reached"] == ["0", "0"]


def test_the_review_list_keeps_to_the_callers_scope(stored, client):
    # The other province's firm's rounds: none of them in Jiangsu's list.
    client.force_login(stored.user("province_officer"))
    theirs = client.get(LIST, {"signal": "end_of_pipe", "consultancy": stored.other_firm.pk})
    jiangsu = Review.objects.filter(
        raised_signals__code="end_of_pipe",
        audit__consultancy=stored.other_firm,
        audit__region_code__startswith="32",
    )
    assert theirs.context["page"].paginator.count == jiangsu.count()
    client.force_login(stored.user("city_officer"))
    suzhou = client.get(LIST, {"signal": "end_of_pipe", "region": "320500"})
    assert suzhou.status_code == 200 and suzhou.context["page"].paginator.count == 0
    # A firm's list is not narrowed by the signals (they are the panel's and the
    # authority's): the parameter is not understood, the firm's rounds are listed.
    client.force_login(stored.user("consultant"))
    mine = client.get(LIST, {"signal": "end_of_pipe"})
    assert mine.status_code == 200 and "signal" not in mine.context["form"].fields
    assert mine.context["page"].paginator.count == client.get(LIST).context["page"].paginator.count
    assert 'name="signal"' not in mine.content.decode()


def test_a_bad_filter_is_a_form_error_not_a_500(stored, client):
    client.force_login(stored.user("province_officer"))
    response = client.get(LIST, {"signal": "made_up", "consultancy": "x", "year": "1900"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"signal", "consultancy", "year"}
    assert 'data-testid="filter-errors"' in response.content.decode()


# --- end to end: written by the services --------------------------------------------------


def test_a_concluded_round_stores_what_it_raised_and_the_province_sees_it(cast, client):
    audit = contradictory_audit(cast)
    review = submitted(cast, audit=audit)
    seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    reviews.review_conclude(actor=officer(cast), review=review, opinion="Passed")
    review.refresh_from_db()
    kept = {signal["code"] for signal in review.snapshot["signals"]}
    assert {"intensity_jump", "monitoring_differs", "end_of_pipe"} <= kept
    assert set(review.raised_signals.values_list("code", flat=True)) == kept
    assert review.round_check.signal_codes == sorted(kept)

    data = signal_statistics(user=cast.user("province_officer"))
    firm = next(row for row in data["by_consultancy"] if row["id"] == cast.firm.pk)
    assert firm["rounds"] == 1 and firm["signals"]["intensity_jump"] == 1
    assert firm["signals"]["same_experts"] == 0
    assert [row["code"] for row in data["by_city"]] == ["320100"]

    client.force_login(cast.user("province_officer"))
    listed = client.get(LIST, {"signal": "intensity_jump", "consultancy": cast.firm.pk})
    assert [r.pk for r in listed.context["page"]] == [review.pk]
    assert "Green Source Consulting" in listed.content.decode()
    other = client.get(LIST, {"signal": "same_experts", "consultancy": cast.firm.pk})
    assert other.context["page"].paginator.count == 0


def test_an_open_round_stores_its_signals_as_last_shown(cast, client):
    review = submitted(cast)  # the clean survey
    # Recorded as applied for.
    check = RoundCheck.objects.get(review=review)
    assert "monitoring_differs" not in check.signal_codes
    assert check.cp_level_at is not None and check.grades is None  # no industry system
    shown_at = check.signals_at
    # Shown unchanged: nothing written.
    client.force_login(officer(cast))
    client.get(f"/reviews/{review.pk}/")
    assert RoundCheck.objects.get(review=review).signals_at == shown_at
    # The authority imports monitoring figures that disagree: the next showing records it.
    survey_services.monitoring_import(
        actor=officer(cast),
        audit=review.audit,
        source="online",
        upload=monitoring_csv([("COD", review.audit.survey.years[-1], 90)]),
    )
    api_client(officer(cast)).get(f"/api/v1/assessments/{review.pk}/")
    codes = set(RaisedSignal.objects.filter(review=review).values_list("code", flat=True))
    assert "monitoring_differs" in codes
    assert codes == set(RoundCheck.objects.get(review=review).signal_codes)
    assert signal_statistics(user=officer(cast))["total"]["signals"]["monitoring_differs"] == 1


def test_the_command_checks_open_rounds_and_fills_concluded_ones(cast):
    audit = contradictory_audit(cast)
    review = submitted(cast, audit=audit)
    RoundCheck.objects.all().delete()  # as before this issue: an open round not recorded
    RaisedSignal.objects.all().delete()
    call_command("record_round_checks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert "end_of_pipe" in RoundCheck.objects.get(review=review).signal_codes
    # A concluded round whose row went missing is filled from its snapshot.
    seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    reviews.review_conclude(actor=officer(cast), review=review, opinion="Passed")
    RoundCheck.objects.filter(review=review).delete()
    RaisedSignal.objects.filter(review=review).delete()
    call_command("record_round_checks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    review.refresh_from_db()
    assert set(review.round_check.signal_codes) == {
        signal["code"] for signal in review.snapshot["signals"]
    }
    assert review.round_check.cp_level_at is not None


def test_the_migration_fills_the_concluded_rounds_from_their_snapshots(cast):
    audit = contradictory_audit(cast)
    review = submitted(cast, audit=audit)
    seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    reviews.review_conclude(actor=officer(cast), review=review, opinion="Passed")
    RoundCheck.objects.all().delete()
    RaisedSignal.objects.all().delete()
    migration = importlib.import_module("assessments.migrations.0008_round_checks")
    migration.fill_concluded(apps, None)
    review.refresh_from_db()
    assert set(review.raised_signals.values_list("code", flat=True)) == {
        signal["code"] for signal in review.snapshot["signals"]
    }
