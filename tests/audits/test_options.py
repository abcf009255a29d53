"""Options (方案): roles, codes, the status chain, economics, cost-class warnings,
benefits, bulk creation, frozen content (api.md "Audits", domain.md §2)."""

import pytest

from audits.choices import CostClass, OptionStatus
from audits.models import Audit, Option, OptionBenefit
from enterprises.models import ProvincePolicy, Region
from tests.support.audits import (
    ECONOMICS,
    LISTS,
    add_option,
    bring_to,
    creates,
    engaged_audit,
    move_option,
    reads,
    writes,
)
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/options/"
S = OptionStatus


def body(audit, **fields):
    return {
        "audit": audit.pk,
        "code": "M1",
        "title": "White-water recovery",
        "aspect": "technology",
        "cost_class": "mid_high",
        "investment": "3000000",
    } | fields


class TestOptionApiRoles(RoleMatrix):
    build = staticmethod(lambda cast: {"audit": engaged_audit(cast)})
    matrix = {
        "list": LISTS,
        "retrieve": reads(),
        "create": creates(),
        "update": writes(),
        "delete": writes(204),
        "bulk": creates(),
    }

    def request(self, action, client, cast):
        audit = self.world.audit
        option = add_option(cast, audit, code="N1")
        return {
            "list": lambda: client.get(URL),
            "retrieve": lambda: client.get(f"{URL}{option.pk}/"),
            "create": lambda: client.post(URL, body(audit), format="json"),
            "update": lambda: client.patch(
                f"{URL}{option.pk}/", {"title": "Fix leaks"}, format="json"
            ),
            "delete": lambda: client.delete(f"{URL}{option.pk}/"),
            "bulk": lambda: client.post(
                f"{URL}bulk/",
                {
                    "audit": audit.pk,
                    "options": [
                        {
                            "code": "N2",
                            "title": "Timers on lights",
                            "aspect": "management",
                            "cost_class": "no_low",
                            "investment": "800",
                        }
                    ],
                },
                format="json",
            ),
        }[action]()


def test_option_list_shows_nothing_outside_the_callers_scope(cast, audit):
    add_option(cast, audit)
    for role in ("other_province_officer", "other_consultant", "other_enterprise_user"):
        assert api_client(cast.user(role)).get(URL).data["count"] == 0, role
    for role in ("province_officer", "city_officer", "consultant", "enterprise_user"):
        assert api_client(cast.user(role)).get(URL).data["count"] == 1, role


def test_code_is_unique_per_audit(cast, audit):
    client = api_client(cast.user("consultant"))
    assert client.post(URL, body(audit), format="json").status_code == 201
    response = client.post(URL, body(audit, title="Another"), format="json")
    assert response.status_code == 400
    assert Option.objects.filter(audit=audit).count() == 1
    # Renaming another option onto a used code is refused too.
    n1 = add_option(cast, audit, code="N1")
    assert client.patch(f"{URL}{n1.pk}/", {"code": "M1"}, format="json").status_code == 400
    # Another audit may use the same code.
    other = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    assert api_client(cast.user("admin")).post(URL, body(other), format="json").status_code == 201


def test_a_new_option_starts_as_proposed(cast, audit):
    client = api_client(cast.user("consultant"))
    response = client.post(URL, body(audit, status="retained"), format="json")
    assert response.status_code == 400
    assert "status" in response.data
    response = client.post(URL, body(audit), format="json")
    assert response.data["status"] == "proposed"
    assert set(response.data["next_statuses"]) == {"screened_out", "retained", "abandoned"}


# (cost class, the statuses that lead to the start, the status moved to)
ALLOWED = [
    ("no_low", [], S.RETAINED),
    ("mid_high", [], S.RETAINED),
    ("no_low", [], S.SCREENED_OUT),
    ("no_low", [], S.ABANDONED),
    ("no_low", [S.RETAINED], S.IMPLEMENTING),
    ("no_low", [S.RETAINED], S.ABANDONED),
    ("no_low", [S.RETAINED, S.IMPLEMENTING], S.IMPLEMENTED),
    ("no_low", [S.RETAINED, S.IMPLEMENTING], S.ABANDONED),
    ("mid_high", [S.RETAINED], S.FEASIBLE),
    ("mid_high", [S.RETAINED], S.INFEASIBLE),
    ("mid_high", [S.RETAINED], S.ABANDONED),
    ("mid_high", [S.RETAINED, S.FEASIBLE], S.IMPLEMENTING),
    ("mid_high", [S.RETAINED, S.FEASIBLE], S.ABANDONED),
    ("mid_high", [S.RETAINED, S.FEASIBLE, S.IMPLEMENTING], S.IMPLEMENTED),
]
FORBIDDEN = [
    ("no_low", [], S.IMPLEMENTING),
    ("no_low", [], S.IMPLEMENTED),
    ("mid_high", [], S.FEASIBLE),
    ("no_low", [S.RETAINED], S.FEASIBLE),
    ("no_low", [S.RETAINED], S.INFEASIBLE),
    ("no_low", [S.RETAINED], S.IMPLEMENTED),
    ("mid_high", [S.RETAINED], S.IMPLEMENTING),
    ("mid_high", [S.RETAINED], S.IMPLEMENTED),
    ("mid_high", [S.RETAINED, S.FEASIBLE], S.IMPLEMENTED),
    ("mid_high", [S.RETAINED, S.FEASIBLE], S.RETAINED),
    ("no_low", [S.RETAINED, S.IMPLEMENTING], S.PROPOSED),
    ("no_low", [S.SCREENED_OUT], S.RETAINED),
    ("mid_high", [S.RETAINED, S.INFEASIBLE], S.FEASIBLE),
    ("mid_high", [S.RETAINED, S.INFEASIBLE], S.ABANDONED),
    ("no_low", [S.RETAINED, S.IMPLEMENTING, S.IMPLEMENTED], S.ABANDONED),
    ("no_low", [S.ABANDONED], S.RETAINED),
    ("no_low", [S.ABANDONED], S.PROPOSED),
]


def option_at(cast, audit, cost_class, path):
    option = add_option(
        cast,
        audit,
        code="X1",
        cost_class=cost_class,
        investment=5_000 if cost_class == CostClass.NO_LOW else 500_000,
    )
    return move_option(cast, option, *path)


def ids(params):
    return [f"{cost}:{'>'.join(path) or 'proposed'}->{to}" for cost, path, to in params]


@pytest.mark.parametrize("cost_class, path, to", ALLOWED, ids=ids(ALLOWED))
def test_status_moves_along_the_chain(cast, audit, cost_class, path, to):
    if cost_class == CostClass.MID_HIGH and S.IMPLEMENTING in [*path, to]:
        # A mid/high option is implemented once the assessment has passed (issue 12).
        audit = bring_to(cast, audit, "implementation")
    option = option_at(cast, audit, cost_class, path)
    client = api_client(cast.user("consultant"))
    assert to in client.get(f"{URL}{option.pk}/").data["next_statuses"]
    # What the move needs besides: the economics to be feasible, the date implemented.
    needs = {S.FEASIBLE: ECONOMICS, S.IMPLEMENTED: {"implemented_on": "2026-11-30"}}
    response = client.patch(
        f"{URL}{option.pk}/",
        {"status": to, "reason": "Decided"} | needs.get(to, {}),
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == to


@pytest.mark.parametrize("cost_class, path, to", FORBIDDEN, ids=ids(FORBIDDEN))
def test_status_may_not_leave_the_chain(cast, audit, cost_class, path, to):
    option = option_at(cast, audit, cost_class, path)
    client = api_client(cast.user("consultant"))
    assert to not in client.get(f"{URL}{option.pk}/").data["next_statuses"]
    response = client.patch(
        f"{URL}{option.pk}/", {"status": to, "reason": "Because"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.data) == ["status"]
    option.refresh_from_db()
    assert option.status == (path[-1] if path else S.PROPOSED)


def test_closed_options_offer_no_next_status(cast, audit):
    client = api_client(cast.user("consultant"))
    for code, cost_class, path in [
        ("A", "no_low", [S.SCREENED_OUT]),
        ("B", "mid_high", [S.RETAINED, S.INFEASIBLE]),
        ("C", "no_low", [S.RETAINED, S.IMPLEMENTING, S.IMPLEMENTED]),
        ("D", "mid_high", [S.ABANDONED]),
    ]:
        option = move_option(cast, add_option(cast, audit, code=code, cost_class=cost_class), *path)
        assert client.get(f"{URL}{option.pk}/").data["next_statuses"] == [], code


def test_an_unknown_status_is_refused(cast, audit):
    option = add_option(cast, audit)
    response = api_client(cast.user("consultant")).patch(
        f"{URL}{option.pk}/", {"status": "done"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.data


@pytest.mark.parametrize(
    "cost_class, path, to",
    [
        ("no_low", [], S.SCREENED_OUT),
        ("mid_high", [S.RETAINED], S.INFEASIBLE),
        ("no_low", [S.RETAINED], S.ABANDONED),
    ],
)
def test_a_reason_is_required_to_close_an_option_unfinished(cast, audit, cost_class, path, to):
    option = option_at(cast, audit, cost_class, path)
    client = api_client(cast.user("consultant"))
    for reason in ({}, {"reason": ""}, {"reason": "   "}):
        response = client.patch(f"{URL}{option.pk}/", {"status": to, **reason}, format="json")
        assert response.status_code == 400
        assert list(response.data) == ["reason"]
    response = client.patch(
        f"{URL}{option.pk}/", {"status": to, "reason": "The supplier closed down"}, format="json"
    )
    assert response.status_code == 200
    assert (response.data["status"], response.data["reason"]) == (to, "The supplier closed down")


def test_economics_of_a_mid_high_option(cast, audit):
    response = api_client(cast.user("consultant")).post(
        URL,
        body(
            audit,
            investment="3000000",
            annual_net_benefit="900000",
            lifetime_years=10,
            discount_rate="0.08",
        ),
        format="json",
    )
    assert response.status_code == 201, response.data
    data = response.data
    assert data["payback_years"] == "3.33"
    assert abs(float(data["npv"]) - 3039073.26) < 1
    assert data["irr"] == "0.2732"


def test_economics_are_recomputed_on_change_and_not_writable(cast, audit):
    client = api_client(cast.user("consultant"))
    data = client.post(
        URL,
        body(
            audit,
            annual_net_benefit="900000",
            lifetime_years=10,
            discount_rate="0.08",
            payback_years="1",
            irr="0.9",
        ),
        format="json",
    ).data
    assert (data["payback_years"], data["irr"]) == ("3.33", "0.2732")
    data = client.patch(
        f"{URL}{data['id']}/", {"annual_net_benefit": "1500000"}, format="json"
    ).data
    assert data["payback_years"] == "2.00"
    assert float(data["irr"]) > 0.2732
    data = client.patch(f"{URL}{data['id']}/", {"discount_rate": None}, format="json").data
    assert data["npv"] is None
    assert data["payback_years"] == "2.00"


@pytest.mark.parametrize("benefit", [None, "0", "-10000"])
def test_no_irr_without_a_benefit(cast, audit, benefit):
    data = (
        api_client(cast.user("consultant"))
        .post(
            URL,
            body(audit, annual_net_benefit=benefit, lifetime_years=10, discount_rate="0.08"),
            format="json",
        )
        .data
    )
    assert data["irr"] is None
    assert data["payback_years"] is None
    if benefit == "0":
        assert data["npv"] == "-3000000.00"


def test_a_long_lifetime_is_refused_on_its_field_not_a_server_error(cast, audit):
    response = api_client(cast.user("consultant")).post(
        URL,
        body(audit, annual_net_benefit="1000", lifetime_years=200, discount_rate="0.08"),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.data) == ["lifetime_years"]


# The national default: a no/low-cost option invests at most 100,000 yuan.
@pytest.mark.parametrize(
    "cost_class, investment, warned",
    [
        ("no_low", "100001", True),
        ("no_low", "100000", False),
        ("no_low", "0", False),
        ("mid_high", "100000", True),
        ("mid_high", "5000", True),
        ("mid_high", "100000.01", False),
    ],
)
def test_cost_class_warning_against_the_national_threshold(
    cast, audit, cost_class, investment, warned
):
    client = api_client(cast.user("consultant"))
    response = client.post(
        URL, body(audit, cost_class=cost_class, investment=investment), format="json"
    )
    assert response.status_code == 201
    warnings = response.data["warnings"]
    assert len(warnings) == int(warned)
    if warned:
        assert "100,000" in warnings[0]
    assert client.get(f"{URL}{response.data['id']}/").data["warnings"] == warnings


def test_cost_class_warning_follows_the_provinces_own_threshold(cast, audit):
    ProvincePolicy.objects.create(
        province=Region.objects.get(code="320000"), no_low_cost_max_investment=200_000
    )
    data = (
        api_client(cast.user("consultant"))
        .post(URL, body(audit, cost_class="no_low", investment="150000"), format="json")
        .data
    )
    assert data["warnings"] == []
    data = (
        api_client(cast.user("consultant"))
        .post(
            URL, body(audit, code="M2", cost_class="mid_high", investment="150000"), format="json"
        )
        .data
    )
    assert len(data["warnings"]) == 1 and "200,000" in data["warnings"][0]


def benefits(option):
    return {b.indicator: (b.expected, b.actual) for b in option.benefits.all()}


def test_benefits_are_written_nested_and_replaced_as_a_set(cast, audit):
    client = api_client(cast.user("consultant"))
    response = client.post(
        URL,
        body(
            audit,
            benefits=[
                {"indicator": "water_t", "expected": "120000"},
                {"indicator": "cod_t", "expected": "35.5", "actual": None},
            ],
        ),
        format="json",
    )
    assert response.status_code == 201, response.data
    assert sorted(b["indicator"] for b in response.data["benefits"]) == ["cod_t", "water_t"]
    url = f"{URL}{response.data['id']}/"
    option = Option.objects.get(pk=response.data["id"])
    # Without `benefits` a change leaves them alone.
    client.patch(url, {"title": "Disc filter"}, format="json")
    assert set(benefits(option)) == {"water_t", "cod_t"}
    data = client.patch(
        url,
        {
            "benefits": [
                {"indicator": "water_t", "expected": "120000", "actual": "110000"},
                {"indicator": "economic_yuan", "expected": "900000"},
            ]
        },
        format="json",
    ).data
    assert {b["indicator"]: b["actual"] for b in data["benefits"]} == {
        "economic_yuan": None,
        "water_t": "110000.0000",
    }
    assert set(benefits(option)) == {"water_t", "economic_yuan"}
    client.patch(url, {"benefits": []}, format="json")
    assert benefits(option) == {}


def test_a_benefit_indicator_appears_once_per_option(cast, audit):
    client = api_client(cast.user("consultant"))
    twice = [{"indicator": "water_t", "expected": "1"}, {"indicator": "water_t", "expected": "2"}]
    response = client.post(URL, body(audit, benefits=twice), format="json")
    assert response.status_code == 400
    assert "benefits" in response.data
    assert not Option.objects.exists()
    option = add_option(cast, audit, benefits=[{"indicator": "cod_t", "expected": 3}])
    response = client.patch(
        f"{URL}{option.pk}/", {"title": "Changed", "benefits": twice}, format="json"
    )
    assert response.status_code == 400
    option.refresh_from_db()
    assert option.title == "Option N1"
    assert set(benefits(option)) == {"cod_t"}


def test_an_unknown_benefit_indicator_is_refused(cast, audit):
    response = api_client(cast.user("consultant")).post(
        URL, body(audit, benefits=[{"indicator": "happiness", "expected": "1"}]), format="json"
    )
    assert response.status_code == 400
    assert "benefits" in response.data


HEADING = "code\ttitle\taspect\tcost_class\tinvestment\tdescription"
ROWS = (
    "N1\tFix steam leaks\tmanagement\tno_low\t5,000\tWeekly walk\n"
    "M1\tWhite-water recovery\ttechnology\tmid_high\t3000000\tDisc filter\n"
)


def bulk(cast, audit, role="consultant", **payload):
    return api_client(cast.user(role)).post(
        f"{URL}bulk/", {"audit": audit.pk, **payload}, format="json"
    )


def test_bulk_creates_options_from_rows(cast, audit):
    response = bulk(
        cast,
        audit,
        options=[
            {
                "code": "N1",
                "title": "Fix steam leaks",
                "aspect": "management",
                "cost_class": "no_low",
                "investment": "5000",
            },
            {
                "code": "M1",
                "title": "White-water recovery",
                "aspect": "technology",
                "cost_class": "mid_high",
                "investment": "3000000",
                "description": "Disc filter",
            },
        ],
    )
    assert response.status_code == 201, response.data
    assert [(o["code"], o["status"], o["investment"]) for o in response.data] == [
        ("M1", "proposed", "3000000.00"),
        ("N1", "proposed", "5000.00"),
    ]


@pytest.mark.parametrize(
    "text",
    [f"{HEADING}\n{ROWS}", ROWS, ROWS.replace("\t", ",").replace("5,000", '"5,000"')],
    ids=["tabs-with-heading", "tabs-without-heading", "csv"],
)
def test_bulk_creates_options_from_pasted_text(cast, audit, text):
    response = bulk(cast, audit, text=text)
    assert response.status_code == 201, response.data
    options = {o.code: o for o in Option.objects.filter(audit=audit)}
    assert set(options) == {"N1", "M1"}
    assert (
        options["N1"].title,
        options["N1"].aspect,
        options["N1"].cost_class,
        options["N1"].investment,
        options["N1"].description,
    ) == ("Fix steam leaks", "management", "no_low", 5000, "Weekly walk")
    assert options["M1"].investment == 3_000_000


def test_bulk_is_all_or_nothing_and_names_each_bad_row(cast, audit):
    add_option(cast, audit, code="N1")
    response = bulk(
        cast,
        audit,
        options=[
            {"code": "N2", "title": "Good row", "aspect": "management", "cost_class": "no_low"},
            {"code": "N1", "title": "Used code", "aspect": "management", "cost_class": "no_low"},
            {
                "code": "",
                "title": "",
                "aspect": "weather",
                "cost_class": "cheap",
                "investment": "a lot",
            },
            {
                "code": "N2",
                "title": "Twice in the paste",
                "aspect": "waste",
                "cost_class": "mid_high",
                "investment": "-5",
            },
        ],
    )
    assert response.status_code == 400
    assert sorted((e["row"], e["field"]) for e in response.data["errors"]) == [
        (2, "code"),
        (3, "aspect"),
        (3, "code"),
        (3, "cost_class"),
        (3, "investment"),
        (3, "title"),
        (4, "code"),
        (4, "investment"),
    ]
    assert all(e["message"] for e in response.data["errors"])
    assert list(Option.objects.values_list("code", flat=True)) == ["N1"]


def test_bulk_text_errors_count_the_pasted_rows(cast, audit):
    response = bulk(
        cast, audit, text="N1\tFine\tmanagement\tno_low\t0\nN2\tBad aspect\tluck\tno_low\t0\n"
    )
    assert response.status_code == 400
    assert response.data == {
        "errors": [{"row": 2, "field": "aspect", "message": "Unknown aspect “luck”."}]
    }
    assert not Option.objects.exists()


@pytest.mark.parametrize("payload", [{}, {"text": ""}, {"options": []}, {"text": HEADING}])
def test_bulk_needs_at_least_one_row(cast, audit, payload):
    response = bulk(cast, audit, **payload)
    assert response.status_code == 400
    assert not Option.objects.exists()


def test_bulk_takes_a_numeric_code_as_its_text(cast, audit):
    response = bulk(
        cast,
        audit,
        options=[{"code": 7, "title": "Seven", "aspect": "management", "cost_class": "no_low"}],
    )
    assert response.status_code == 201
    assert Option.objects.get(audit=audit).code == "7"


def test_bulk_checks_field_lengths_as_row_errors(cast, audit):
    response = bulk(
        cast,
        audit,
        options=[
            {
                "code": "N" * 21,
                "title": "Too long a code",
                "aspect": "management",
                "cost_class": "no_low",
            }
        ],
    )
    assert response.status_code == 400
    assert response.data["errors"][0]["field"] == "code"


@pytest.mark.parametrize("state", ["under_assessment", "under_acceptance", "completed"])
def test_options_are_frozen_while_reviewed_and_once_closed(cast, audit, state):
    audit = bring_to(cast, audit, state)
    option = audit.options.get(code="N1")
    client = api_client(cast.user("consultant"))
    expected_unmet = [f"The audit is “{audit.get_state_display()}”."]
    for response in (
        client.patch(f"{URL}{option.pk}/", {"title": "Changed"}, format="json"),
        client.patch(f"{URL}{option.pk}/", {"benefits": []}, format="json"),
        client.post(URL, body(audit), format="json"),
        client.delete(f"{URL}{option.pk}/"),
        bulk(
            cast,
            audit,
            options=[{"code": "N9", "title": "Late", "aspect": "waste", "cost_class": "no_low"}],
        ),
    ):
        assert response.status_code == 409, response.data
        assert response.data["unmet"] == expected_unmet
    option.refresh_from_db()
    assert option.title == "Option N1"
    assert option.benefits.exists()
    assert Option.objects.filter(audit=audit).count() == 1


def test_only_a_proposed_option_is_deleted(cast, audit):
    client = api_client(cast.user("enterprise_user"))
    retained = move_option(cast, add_option(cast, audit, code="N1"), S.RETAINED)
    response = client.delete(f"{URL}{retained.pk}/")
    assert response.status_code == 409
    assert response.data["unmet"] == ["The option is “Retained”."]
    proposed = add_option(cast, audit, code="N2")
    assert client.delete(f"{URL}{proposed.pk}/").status_code == 204
    assert list(Option.objects.values_list("code", flat=True)) == ["N1"]


def test_option_list_query_count_is_constant(cast, audit):
    client = api_client(cast.user("consultant"))
    codes = iter(range(1000))

    def grow(n):
        for _ in range(n):
            add_option(
                cast,
                audit,
                code=f"O{next(codes)}",
                benefits=[
                    {"indicator": "water_t", "expected": 10, "actual": 9},
                    {"indicator": "cod_t", "expected": 1},
                ],
            )

    assert_constant_queries(lambda: client.get(f"{URL}?page_size=200"), grow)
    assert OptionBenefit.objects.count() == 40


def test_bulk_paste_accepts_the_chinese_and_english_labels(cast, audit):
    text = "F1\t雨水回用\t管理\t无/低费\t20000\nF2\tNew boiler\tEquipment\tMid/high-cost\t900000"
    response = bulk(cast, audit, text=text)
    assert response.status_code == 201, response.data
    assert [(o["code"], o["aspect"], o["cost_class"]) for o in response.data] == [
        ("F1", "management", "no_low"),
        ("F2", "equipment", "mid_high"),
    ]


def test_options_move_together_each_through_its_own_move(cast, audit):
    """Issue 17: several options, one status, one transaction; each move is the one
    `option_save` makes (its rules, its log), and a refusal moves none."""
    from django.core.exceptions import ValidationError

    from audits import services

    consultant = cast.user("consultant")
    options = [add_option(cast, audit, code=f"N{n}", title=f"Option {n}") for n in (1, 2, 3)]
    moved = services.options_move(
        actor=consultant, audit=audit, options=options[:2], status=S.SCREENED_OUT, reason="Dup"
    )
    assert [(o.code, o.status, o.reason) for o in moved] == [
        ("N1", "screened_out", "Dup"),
        ("N2", "screened_out", "Dup"),
    ]
    # N1 is screened out for good; N3 could be retained, but moves only with N1.
    with pytest.raises(ValidationError) as refused:
        services.options_move(
            actor=consultant, audit=audit, options=[options[2], options[0]], status=S.RETAINED
        )
    assert refused.value.message_dict["options"] == [
        "N1 “Option 1” cannot move: An option that is “Screened out” cannot become “Retained”."
    ]
    assert Option.objects.get(pk=options[2].pk).status == S.PROPOSED
    with pytest.raises(ValidationError) as empty:
        services.options_move(actor=consultant, audit=audit, options=[], status=S.RETAINED)
    assert empty.value.message_dict == {"options": ["Choose the options to move."]}


def test_a_heading_row_maps_columns_with_economics_and_benefits(cast, audit):
    """Issue 17: the pasted table takes the economics and per-indicator expected
    benefits by their headings, in either language and any order."""
    from decimal import Decimal

    from django.utils import translation

    from audits import services

    with translation.override("zh-hans"):
        water = str(OptionBenefit._meta.get_field("indicator").choices[0][1])
    text = (
        f"编号\t名称\t方面\t类别\t投资\t年节约\t寿命\t贴现率\t{water}\tcod_t\t描述\n"
        "M1\t白水回收\ttechnology\tmid_high\t3,000,000\t600,000\t10\t8\t5000\t1.2\t盘式过滤\n"
        "N1\tFix leaks\tmanagement\tno_low\t5000\t\t\t\t\t\t\n"
    )
    rows = services.parse_option_text(text)
    services.options_bulk_create(actor=cast.user("consultant"), audit=audit, rows=rows)
    m1 = Option.objects.get(audit=audit, code="M1")
    assert (m1.title, m1.description, m1.investment) == ("白水回收", "盘式过滤", 3_000_000)
    assert (m1.annual_net_benefit, m1.lifetime_years, str(m1.discount_rate)) == (
        600_000,
        10,
        "0.0800",
    )
    assert m1.payback_years == 5 and m1.npv is not None and m1.irr is not None
    assert sorted(m1.benefits.values_list("indicator", "expected")) == [
        ("cod_t", Decimal("1.2")),
        ("water_t", 5000),
    ]
    n1 = Option.objects.get(audit=audit, code="N1")
    assert n1.annual_net_benefit is None and not n1.benefits.exists()
    # English headings, other order; the API takes the same keys as JSON rows.
    rows = services.parse_option_text(
        "title,code,cost class,aspect,annual saving,lifetime,Water,investment\n"
        "Reuse rinse water,N2,no_low,water,12000,5,800,9000\n"
    )
    assert rows[0]["annual_net_benefit"] == "12000" and rows[0]["benefit:water_t"] == "800"
    response = bulk(
        cast,
        audit,
        options=[
            {
                "code": "N3",
                "title": "Meters",
                "aspect": "management",
                "cost_class": "no_low",
                "investment": "4000",
                "annual_net_benefit": "2000",
                "benefits": [{"indicator": "electricity_kwh", "expected": "30000"}],
            }
        ],
    )
    assert response.status_code == 201, response.data
    n3 = Option.objects.get(audit=audit, code="N3")
    assert n3.payback_years == 2
    assert list(n3.benefits.values_list("indicator", "expected")) == [("electricity_kwh", 30000)]


def test_a_cell_beyond_the_known_columns_is_an_error_naming_it(cast, audit):
    """A sixth-plus cell no heading names is refused, never appended to the
    description; so is a heading nobody knows."""
    from audits import services
    from core.errors import RowErrors

    def refused(text):
        with pytest.raises(RowErrors) as caught:
            services.options_bulk_create(
                actor=cast.user("consultant"),
                audit=audit,
                rows=services.parse_option_text(text),
            )
        return [(e["row"], e["field"], e["message"]) for e in caught.value.errors]

    assert refused("N1\tFix leaks\tmanagement\tno_low\t5000\tWeekly walk\t600000\n") == [
        (1, "columns", "Column 7 (“600000”) has no heading: name it in a heading row.")
    ]
    heading = "code\ttitle\taspect\tcost_class\tinvestment\tdescription\n"
    assert refused(heading + "N1\tFix leaks\tmanagement\tno_low\t5000\tWalk\t\tstray\n") == [
        (1, "columns", "Column 8 (“stray”) has no heading: name it in a heading row.")
    ]
    with pytest.raises(RowErrors) as caught:
        services.parse_option_text("code\ttitle\tweather\ttitle\nN1\tFix\tsun\tx\n")
    assert [e["message"] for e in caught.value.errors] == [
        "Column 3: no column is called “weather”.",
        "Column 4: “title” is there twice.",
    ]
    assert refused(
        heading.strip() + "\tlifetime\tcod_t\nN1\tFix\tmanagement\tno_low\t1\t\t0\tx\n"
    ) == [
        (1, "lifetime_years", "Not a number: “0”."),
        (1, "benefit:cod_t", "Not a number: “x”."),
    ]
    assert not Option.objects.filter(audit=audit).exists()
