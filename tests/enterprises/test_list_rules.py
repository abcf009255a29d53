"""Cycles and industries at any level; a list published on a day that has come (issue 12
item 8; domain.md §1, §5: toxic/hazardous enterprises every 2 years in heavy-metal
industries, 3 in over-capacity ones, at most 5 otherwise)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audits import publishing
from audits.models import Audit
from enterprises.models import KeyEnterpriseList, ProvincePolicy
from enterprises.reference import HEAVY_METAL_INDUSTRIES
from tests.support.lists import draft_list
from tests.support.matrix import api_client

pytestmark = pytest.mark.django_db

POLICY = "/api/v1/policies/320000/"


def officer(cast):
    return api_client(cast.user("province_officer"))


def test_a_list_is_not_published_on_a_day_to_come(cast):
    key_list = draft_list(cast)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = officer(cast).post(
        f"/api/v1/key-lists/{key_list.pk}/publish/",
        {"published_on": tomorrow.isoformat()},
        format="json",
    )
    assert response.status_code == 400, response.data
    assert "published_on" in response.data
    assert KeyEnterpriseList.objects.get(pk=key_list.pk).status == "draft"
    assert not Audit.objects.exists()
    with pytest.raises(ValidationError):
        publishing.key_list_publish(
            actor=cast.user("province_officer"), key_list=key_list, published_on=tomorrow
        )

    response = officer(cast).post(
        f"/api/v1/key-lists/{key_list.pk}/publish/",
        {"published_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert Audit.objects.count() == 2


def test_the_policy_takes_industry_codes_at_any_level(cast):
    response = officer(cast).patch(
        POLICY, {"heavy_metal_industries": ["09", "321", "3360"]}, format="json"
    )
    assert response.status_code == 200, response.data
    assert ProvincePolicy.objects.get(province_id="320000").heavy_metal_industries == [
        "09",
        "321",
        "3360",
    ]


@pytest.mark.parametrize("codes", [["3x"], ["99"], ["33601"], ["3"], "3360"])
def test_the_policy_refuses_what_is_not_a_gbt_4754_code(cast, codes):
    response = officer(cast).patch(POLICY, {"overcapacity_industries": codes}, format="json")
    assert response.status_code == 400, response.data
    assert "overcapacity_industries" in response.data
    assert not ProvincePolicy.objects.filter(province_id="320000").exists()


@pytest.mark.parametrize(
    ("industry_code", "years"),
    [
        ("3360", 2),  # electroplating: a heavy-metal class
        ("3211", 2),  # copper smelting
        ("3311", 5),  # structural metal products: same division, another class
        ("33", 5),  # a division alone does not match a class of it
        ("3110", 3),  # steelmaking: the over-capacity division 31
        ("2614", 5),
    ],
)
def test_cycles_match_the_enterprises_code_by_prefix(industry_code, years):
    policy = ProvincePolicy.for_province("320000")
    assert policy.cycle_years(toxic_hazardous=True, industry_code=industry_code) == years
    assert policy.cycle_years(toxic_hazardous=False, industry_code=industry_code) == 5


def test_the_national_default_ships_the_heavy_metal_classes():
    policy = ProvincePolicy.for_province("330000")
    assert policy.heavy_metal_industries == HEAVY_METAL_INDUSTRIES
    assert all(len(code) == 4 for code in policy.heavy_metal_industries)
    assert {"0911", "3211", "3360", "3843", "1910"} <= set(policy.heavy_metal_industries)


def test_an_enterprises_class_lies_within_its_division(cast):
    response = officer(cast).patch(
        f"/api/v1/enterprises/{cast.enterprise.pk}/", {"industry_class": "3360"}, format="json"
    )
    assert response.status_code == 400, response.data
    assert "industry_class" in response.data
    division = cast.enterprise.industry_id
    response = officer(cast).patch(
        f"/api/v1/enterprises/{cast.enterprise.pk}/",
        {"industry_class": f"{division}11"},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["industry_class"] == f"{division}11"
