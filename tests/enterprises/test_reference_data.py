import csv

import pytest
from django.utils import translation

from enterprises.models import Industry, Region
from enterprises.reference import DATA_DIR
from tests.support.cast import ROLES
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries, count_queries

pytestmark = pytest.mark.django_db

READ = {role: 200 for role in ROLES} | {"anonymous": 401}
ADMIN_WRITE = {role: 403 for role in ROLES} | {"anonymous": 401}


class TestRegionApiRoles(RoleMatrix):
    matrix = {
        "list": READ,
        "retrieve": READ,
        "create": ADMIN_WRITE | {"admin": 201},
        "update": ADMIN_WRITE | {"admin": 200},
        "delete": ADMIN_WRITE | {"admin": 409},  # enterprises of Xuanwu refer to it
    }

    def request(self, action, client, cast):
        url = "/api/v1/regions/"
        return {
            "list": lambda: client.get(url, {"parent": "320000"}),
            "retrieve": lambda: client.get(f"{url}320000/"),
            "create": lambda: client.post(
                url,
                {
                    "code": "320199",
                    "name_zh": "新区",
                    "name_en": "New Area",
                    "level": "county",
                    "parent": "320100",
                },
                format="json",
            ),
            "update": lambda: client.patch(
                f"{url}320115/", {"name_en": "Jiangning"}, format="json"
            ),
            "delete": lambda: client.delete(f"{url}320115/"),
        }[action]()


class TestIndustryApiRoles(RoleMatrix):
    matrix = {
        "list": READ,
        "retrieve": READ,
        "create": ADMIN_WRITE | {"admin": 201},
        "update": ADMIN_WRITE | {"admin": 200},
        "delete": ADMIN_WRITE | {"admin": 409},
    }

    def request(self, action, client, cast):
        url = "/api/v1/industries/"
        return {
            "list": lambda: client.get(url),
            "retrieve": lambda: client.get(f"{url}26/"),
            "create": lambda: client.post(
                url,
                {
                    "code": "99",
                    "name_zh": "试验",
                    "name_en": "Trial",
                    "level": "division",
                    "section": "C",
                },
                format="json",
            ),
            "update": lambda: client.patch(f"{url}22/", {"name_en": "Paper"}, format="json"),
            "delete": lambda: client.delete(f"{url}22/"),
        }[action]()


def test_migrate_loads_every_region_and_industry():
    with open(DATA_DIR / "regions.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert Region.objects.count() == len(rows) == 3348
    assert Region.objects.filter(level="province").count() == 31
    assert Region.objects.filter(level="city").count() == 342
    assert Region.objects.filter(level="county").count() == 2975
    assert not Region.objects.filter(name_en="").exists()
    assert Industry.objects.filter(level="section").count() == 20
    assert Industry.objects.filter(level="division").count() == 97
    assert not Industry.objects.filter(name_en="").exists()
    nanjing = Region.objects.get(code="320100")
    assert (nanjing.name_zh, nanjing.parent_id, nanjing.level) == ("南京市", "320000", "city")
    assert Industry.objects.get(code="26").section_id == "C"


def test_regions_are_addressed_by_code_and_filtered(cast):
    client = api_client(cast.user("expert"))
    data = client.get("/api/v1/regions/320000/").data
    assert data | {"name": None} == {
        "code": "320000",
        "name": None,
        "name_zh": "江苏省",
        "name_en": "Jiangsu",
        "level": "province",
        "parent": None,
        "retired": False,
    }
    cities = client.get("/api/v1/regions/", {"parent": "320000", "page_size": 200}).data
    assert cities["count"] == 13
    assert {row["level"] for row in cities["results"]} == {"city"}
    assert client.get("/api/v1/regions/", {"level": "province"}).data["count"] == 31
    assert client.get("/api/v1/regions/999999/").status_code == 404


def test_names_follow_the_language(cast):
    client = api_client(cast.user("expert"))
    assert client.get("/api/v1/industries/22/").data["name"] == (
        "Manufacture of Paper and Paper Products"
    )
    with translation.override("zh-hans"):
        response = client.get("/api/v1/industries/22/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.data["name"] == "造纸和纸制品业"


def test_region_list_query_count_is_constant(cast):
    client = api_client(cast.user("expert"))
    # Reference data is already there: compare a small page with a large one.
    small = len(client.get("/api/v1/regions/", {"page_size": 2}).data["results"])
    few = count_queries(lambda: client.get("/api/v1/regions/", {"page_size": 2}))
    many = count_queries(lambda: client.get("/api/v1/regions/", {"page_size": 200}))
    assert small == 2 and few == many


def test_industry_list_query_count_is_constant(cast):
    client = api_client(cast.user("expert"))
    codes = iter(range(100, 200))

    def grow(n):
        Industry.objects.bulk_create(
            [
                Industry(
                    code=f"Z{next(codes)}",
                    name_zh="试",
                    name_en="t",
                    level="division",
                    section_id="C",
                )
                for _ in range(n)
            ]
        )

    assert_constant_queries(lambda: client.get("/api/v1/industries/", {"section": "C"}), grow)
