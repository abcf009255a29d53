import pytest

from core.credit_code import make_credit_code
from enterprises.models import Enterprise
from tests.support.cast import enterprise
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"

# Detail actions address cast.enterprise (Nanjing, Jiangsu).
ALLOWED_READ = {
    "admin": 200,
    "province_officer": 200,
    "other_province_officer": 404,
    "city_officer": 200,
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 200,
    "other_enterprise_user": 404,
    "expert": 403,
    "anonymous": 401,
}


def writes(ok):
    return {
        "admin": ok,
        "province_officer": ok,
        "other_province_officer": 404,
        "city_officer": ok,
        "consultant": 403,
        "other_consultant": 403,
        "enterprise_user": 403,
        "other_enterprise_user": 403,
        "expert": 403,
        "anonymous": 401,
    }


class TestEnterpriseApiRoles(RoleMatrix):
    matrix = {
        "list": {**ALLOWED_READ, "other_province_officer": 200, "other_enterprise_user": 200},
        "retrieve": ALLOWED_READ,
        "create": {**writes(201), "other_province_officer": 400},
        "update": writes(200),
        # Deletes address the Suzhou enterprise: in the province, outside Nanjing.
        "delete": {**writes(204), "city_officer": 404},
    }

    def request(self, action, client, cast):
        detail = f"{URL}{cast.enterprise.pk}/"
        if action == "list":
            return client.get(URL)
        if action == "retrieve":
            return client.get(detail)
        if action == "create":
            # A Nanjing enterprise: outside the Zhejiang officer's region.
            return client.post(
                URL,
                {
                    "name": "New Co.",
                    "credit_code": make_credit_code(division="320100", serial=77),
                    "region": "320102",
                    "industry": "26",
                },
                format="json",
            )
        if action == "update":
            return client.patch(detail, {"address": "1 Riverside Road"}, format="json")
        return client.delete(f"{URL}{cast.suzhou_enterprise.pk}/")


def test_list_shows_only_the_callers_region(cast):
    def names(role):
        return {row["name"] for row in api_client(cast.user(role)).get(URL).data["results"]}

    assert names("province_officer") == {"Jinling Paper Co.", "Wujiang Dyeing Co."}
    assert names("city_officer") == {"Jinling Paper Co."}
    assert names("other_province_officer") == {"Qiantang Chemicals Co."}
    assert names("enterprise_user") == {"Jinling Paper Co."}
    assert len(names("admin")) == 3


def test_filters_by_region_prefix_industry_and_search(cast):
    client = api_client(cast.user("admin"))
    assert client.get(URL, {"region": "3205"}).data["count"] == 1
    assert client.get(URL, {"region": "32"}).data["count"] == 2
    assert client.get(URL, {"industry": "26"}).data["results"][0]["name"] == (
        "Qiantang Chemicals Co."
    )
    assert client.get(URL, {"search": "jinling"}).data["count"] == 1
    code = cast.other_enterprise.credit_code
    assert client.get(URL, {"search": code[:10].lower()}).data["results"][0]["id"] == (
        cast.other_enterprise.pk
    )


def test_lower_case_credit_code_is_stored_upper_case(cast):
    code = "91350100m000100y43"
    response = api_client(cast.user("admin")).post(
        URL,
        {
            "name": "Fuzhou Co.",
            "credit_code": code,
            "region": "350102",
            "industry": "13",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["credit_code"] == "91350100M000100Y43"
    assert Enterprise.objects.get(pk=response.data["id"]).credit_code == "91350100M000100Y43"


@pytest.mark.parametrize(
    "code,why",
    [
        ("91350100M000100Y44", "wrong GB 32100 check character"),
        ("91350100M000101Y43", "wrong GB 11714 organisation check character"),
        ("91350100M000100Y4", "17 characters"),
        ("91350100M000100Y433", "19 characters"),
        ("91350100I000100Y43", "letter I"),
        ("91350100O000100Y43", "letter O"),
        ("91350100S000100Y43", "letter S"),
        ("91350100V000100Y43", "letter V"),
        ("91350100Z000100Y43", "letter Z"),
        ("", "empty"),
    ],
)
def test_invalid_credit_code_is_a_400_on_the_field(cast, code, why):
    response = api_client(cast.user("admin")).post(
        URL,
        {
            "name": "Bad Co.",
            "credit_code": code,
            "region": "320102",
            "industry": "26",
        },
        format="json",
    )
    assert response.status_code == 400, why
    assert list(response.data) == ["credit_code"], why
    assert not Enterprise.objects.filter(name="Bad Co.").exists()


def test_duplicate_credit_code_is_a_400_even_in_lower_case(cast):
    response = api_client(cast.user("admin")).post(
        URL,
        {
            "name": "Copy",
            "credit_code": cast.enterprise.credit_code.lower(),
            "region": "320102",
            "industry": "22",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "credit_code" in response.data


def test_authority_cannot_move_an_enterprise_out_of_its_region(cast):
    client = api_client(cast.user("city_officer"))
    response = client.patch(f"{URL}{cast.enterprise.pk}/", {"region": "320506"}, format="json")
    assert response.status_code == 400
    assert "region" in response.data
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.region_id == "320115"


def test_unknown_region_and_industry_are_field_errors(cast):
    response = api_client(cast.user("admin")).post(
        URL,
        {
            "name": "X",
            "credit_code": make_credit_code(division="320100", serial=5),
            "region": "329999",
            "industry": "XX",
            "employees": -1,
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"region", "industry", "employees"} <= set(response.data)


def test_is_sme_follows_the_thresholds(cast):
    client = api_client(cast.user("admin"))
    by_id = {row["id"]: row["is_sme"] for row in client.get(URL).data["results"]}
    assert by_id[cast.enterprise.pk] is True  # 1,200 employees
    assert by_id[cast.other_enterprise.pk] is False  # 4,000 staff, 900M sales, 800M assets
    cast.other_enterprise.total_assets = 350_000_000
    cast.other_enterprise.save()
    assert client.get(f"{URL}{cast.other_enterprise.pk}/").data["is_sme"] is True
    unknown = enterprise("Unknown size Co.", "320102", "26", 99)
    assert client.get(f"{URL}{unknown.pk}/").data["is_sme"] is None


def test_enterprise_in_use_cannot_be_deleted(cast):
    response = api_client(cast.user("admin")).delete(f"{URL}{cast.enterprise.pk}/")
    assert response.status_code == 409  # its user account refers to it
    assert response.data["unmet"]
    assert Enterprise.objects.filter(pk=cast.enterprise.pk).exists()


def test_page_size_is_capped_at_200(cast):
    client = api_client(cast.user("admin"))
    for n in range(205):
        enterprise(f"Bulk {n}", "320102", "26", 1000 + n)
    response = client.get(URL, {"page_size": 500})
    assert len(response.data["results"]) == 200
    assert response.data["count"] == 208
    assert len(client.get(URL).data["results"]) == 50


def test_list_query_count_is_constant(cast):
    client = api_client(cast.user("province_officer"))
    serial = iter(range(5000, 6000))

    def grow(n):
        for _ in range(n):
            enterprise("Grown", "320102", "26", next(serial))

    assert_constant_queries(lambda: client.get(URL, {"page_size": 100}), grow)
