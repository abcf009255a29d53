import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from audits.models import Audit
from core.credit_code import make_credit_code
from enterprises.models import Enterprise, KeyEnterpriseList, ListEntry, ProvincePolicy
from notifications.models import Notification
from tests.support.cast import ROLES, enterprise
from tests.support.lists import draft_list, published_list
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/key-lists/"

# Jiangsu's list: province and city officers see it; Zhejiang does not (404); other roles
# see only published lists, so a draft is a 404 to them too.
DRAFT_READ = {
    "admin": 200,
    "province_officer": 200,
    "other_province_officer": 404,
    "city_officer": 200,
    "consultant": 404,
    "other_consultant": 404,
    "enterprise_user": 404,
    "other_enterprise_user": 404,
    "expert": 404,
    "anonymous": 401,
}
EVERYONE = {role: 200 for role in ROLES} | {"anonymous": 401}
NON_WRITERS = {
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 403,
    "other_enterprise_user": 403,
    "expert": 403,
    "anonymous": 401,
}


def province_only(ok):
    """Only the province publishes: the city officer sees the list but may not (403)."""
    return {
        "admin": ok,
        "province_officer": ok,
        "other_province_officer": 404,
        "city_officer": 403,
    } | NON_WRITERS


def csv_upload(rows, header="credit_code,name,region,industry,categories,reason"):
    text = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile("list.csv", text.encode("utf-8"), content_type="text/csv")


class TestKeyListApiRoles(RoleMatrix):
    build = staticmethod(lambda cast: {"key_list": draft_list(cast)})
    matrix = {
        "list": EVERYONE,
        "retrieve": DRAFT_READ,
        "retrieve_published": EVERYONE | {"other_province_officer": 404},
        "create": {
            "admin": 201,
            "province_officer": 201,
            "other_province_officer": 400,
            "city_officer": 403,
        }
        | NON_WRITERS,
        "update": province_only(200),
        "delete": province_only(204),
        "publish": province_only(200),
        # a city proposes entries (procedures), it no longer writes them
        "import": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 403,
        }
        | NON_WRITERS,
        "import_template": EVERYONE,
        "suggestions": DRAFT_READ,
    }

    def request(self, action, client, cast):
        key_list = self.world.key_list
        detail = f"{URL}{key_list.pk}/"
        if action == "retrieve_published":
            other = published_list(cast, year=2025)
            return client.get(f"{URL}{other.pk}/")
        return {
            "list": lambda: client.get(URL),
            "retrieve": lambda: client.get(detail),
            "create": lambda: client.post(URL, {"year": 2027, "region": "320000"}, format="json"),
            "update": lambda: client.patch(detail, {"title": "2026 list"}, format="json"),
            "delete": lambda: client.delete(detail),
            "publish": lambda: client.post(f"{detail}publish/", {}, format="json"),
            # A Nanjing enterprise: inside the city officer's jurisdiction too.
            "import": lambda: client.post(
                f"{detail}import/",
                {
                    "file": csv_upload(
                        [
                            f"{make_credit_code(division='320100', serial=901)},"
                            "Import Co.,320102,26,toxic_hazardous,heavy metals"
                        ]
                    )
                },
                format="multipart",
            ),
            "import_template": lambda: client.get(f"{URL}import-template/"),
            "suggestions": lambda: client.get(f"{detail}suggestions/"),
        }[action]()


class TestEntryApiRoles(RoleMatrix):
    # Entry detail actions address the Suzhou enterprise's entry: outside Nanjing (404).
    matrix = {
        "list": DRAFT_READ,
        "create": {
            "admin": 201,
            "province_officer": 201,
            "other_province_officer": 404,
            "city_officer": 403,
        }
        | NON_WRITERS,
        "retrieve": DRAFT_READ | {"city_officer": 404},
        "update": province_only(200) | {"city_officer": 404},
        "delete": province_only(204) | {"city_officer": 404},
    }

    def request(self, action, client, cast):
        key_list = draft_list(cast)
        url = f"{URL}{key_list.pk}/entries/"
        entry = key_list.entries.get(enterprise=cast.suzhou_enterprise)
        if action == "create":
            newcomer = enterprise("Gulou Printing Co.", "320106", "23", 321)
            return client.post(
                url,
                {"enterprise": newcomer.pk, "categories": ["energy_intensive"], "reason": "energy"},
                format="json",
            )
        return {
            "list": lambda: client.get(url),
            "retrieve": lambda: client.get(f"{url}{entry.pk}/"),
            "update": lambda: client.patch(
                f"{url}{entry.pk}/", {"categories": ["toxic_hazardous"]}, format="json"
            ),
            "delete": lambda: client.delete(f"{url}{entry.pk}/"),
        }[action]()


class TestAmendmentApiRoles(RoleMatrix):
    build = staticmethod(lambda cast: {"key_list": published_list(cast)})
    published_read = EVERYONE | {"other_province_officer": 404}
    matrix = {
        "list": published_read,
        "add": province_only(201),
        "remove": province_only(201),
    }

    def request(self, action, client, cast):
        key_list = self.world.key_list
        url = f"{URL}{key_list.pk}/amendments/"
        if action == "list":
            return client.get(url)
        if action == "add":
            newcomer = enterprise("Pukou Steel Co.", "320111", "31", 654)
            return client.post(
                url,
                {
                    "action": "add",
                    "enterprise": newcomer.pk,
                    "categories": ["energy_intensive"],
                    "reason": "new energy audit",
                },
                format="json",
            )
        entry = key_list.entries.get(enterprise=cast.suzhou_enterprise)
        return client.post(
            url, {"action": "remove", "entry": entry.pk, "reason": "closed down"}, format="json"
        )


class TestPublicKeyListRoles(RoleMatrix):
    build = staticmethod(
        lambda cast: {
            "published": published_list(cast, year=2025),
            "draft": draft_list(cast, year=2026),
        }
    )
    matrix = {
        "list": {role: 200 for role in ROLES},
        "retrieve": {role: 200 for role in ROLES},
        "retrieve_draft": {role: 404 for role in ROLES},
        "entries": {role: 200 for role in ROLES},
        "entries_draft": {role: 404 for role in ROLES},
        "search": {role: 200 for role in ROLES},
    }

    def request(self, action, client, cast):
        published, draft = self.world.published, self.world.draft
        return client.get(
            {
                "list": "/api/v1/public/key-lists/",
                "retrieve": f"/api/v1/public/key-lists/{published.pk}/",
                "retrieve_draft": f"/api/v1/public/key-lists/{draft.pk}/",
                "entries": f"/api/v1/public/key-lists/{published.pk}/entries/",
                "entries_draft": f"/api/v1/public/key-lists/{draft.pk}/entries/",
                "search": "/api/v1/public/entries/?search=paper",
            }[action]
        )


class TestPolicyApiRoles(RoleMatrix):
    matrix = {
        "retrieve": EVERYONE,
        "update": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 403,
            "city_officer": 403,
        }
        | NON_WRITERS,
        "update_national": {role: 403 for role in ROLES} | {"admin": 200, "anonymous": 401},
    }

    def request(self, action, client, cast):
        if action == "retrieve":
            return client.get("/api/v1/policies/320000/")
        code = "national" if action == "update_national" else "320000"
        return client.patch(f"/api/v1/policies/{code}/", {"start_months": 3}, format="json")


def test_publish_creates_audits_with_policy_deadlines_and_notifies(
    cast, django_capture_on_commit_callbacks
):
    key_list = draft_list(cast)
    client = api_client(cast.user("province_officer"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{URL}{key_list.pk}/publish/", {"published_on": "2026-03-31"}, format="json"
        )
    assert response.status_code == 200, response.data
    assert response.data["status"] == "published"
    assert response.data["published_on"] == "2026-03-31"
    audits = Audit.objects.filter(list_entry__key_list=key_list).order_by("enterprise__name")
    assert audits.count() == 2
    audit = audits.get(enterprise=cast.enterprise)
    assert (audit.state, audit.round) == ("not_started", 1)
    # 2 months, 1 year and 1 month after 31 March (month ends clamp).
    assert audit.start_due == datetime.date(2026, 5, 31)
    assert audit.report_due == datetime.date(2027, 3, 31)
    assert audit.disclosure_due == datetime.date(2026, 4, 30)
    notes = Notification.objects.filter(recipient=cast.user("enterprise_user"))
    assert {n.kind for n in notes} == {"list_published", "list_disclosure_due"}
    assert "2026-05-31" in notes.get(kind="list_published").text
    assert [m.to for m in mail.outbox] == [["enterprise_user@example.test"]] * 2
    entries = client.get(f"{URL}{key_list.pk}/entries/").data["results"]
    assert {row["audit"] for row in entries} == set(audits.values_list("pk", flat=True))


def test_publish_twice_conflicts_and_empty_list_cannot_be_published(cast):
    client = api_client(cast.user("province_officer"))
    key_list = published_list(cast)
    response = client.post(f"{URL}{key_list.pk}/publish/", {}, format="json")
    assert response.status_code == 409
    assert response.data["unmet"] == ["The list is already published."]
    empty = client.post(URL, {"year": 2030, "region": "320000"}, format="json").data
    response = client.post(f"{URL}{empty['id']}/publish/", {}, format="json")
    assert response.status_code == 409
    assert "The list has no entries." in response.data["unmet"]


def test_entries_of_a_published_list_cannot_be_changed_directly(cast):
    key_list = published_list(cast)
    client = api_client(cast.user("province_officer"))
    newcomer = enterprise("Late Co.", "320106", "23", 777)
    response = client.post(
        f"{URL}{key_list.pk}/entries/",
        {"enterprise": newcomer.pk, "categories": ["energy_intensive"]},
        format="json",
    )
    assert response.status_code == 409
    entry = key_list.entries.first()
    response = client.delete(f"{URL}{key_list.pk}/entries/{entry.pk}/")
    assert response.status_code == 409
    assert ListEntry.objects.filter(pk=entry.pk).exists()


def test_entry_rules(cast):
    key_list = draft_list(cast)
    client = api_client(cast.user("province_officer"))
    city = api_client(cast.user("city_officer"))
    url = f"{URL}{key_list.pk}/entries/"
    # Already on the list.
    response = client.post(
        url, {"enterprise": cast.enterprise.pk, "categories": ["toxic_hazardous"]}, format="json"
    )
    assert response.status_code == 400 and "enterprise" in response.data
    # Another city's enterprise is not even visible to the city officer.
    suzhou = enterprise("Kunshan Plating Co.", "320583", "33", 778)
    response = city.post(
        url, {"enterprise": suzhou.pk, "categories": ["toxic_hazardous"]}, format="json"
    )
    assert response.status_code == 400 and "enterprise" in response.data
    # Its own city's enterprise it proposes (procedures), it does not write it.
    newcomer = enterprise("Pukou Steel Co.", "320111", "31", 779)
    response = city.post(
        url, {"enterprise": newcomer.pk, "categories": ["toxic_hazardous"]}, format="json"
    )
    assert response.status_code == 403
    assert not key_list.entries.filter(enterprise=newcomer).exists()
    # A Zhejiang enterprise cannot go on Jiangsu's list, even for an admin.
    response = api_client(cast.user("admin")).post(
        url,
        {"enterprise": cast.other_enterprise.pk, "categories": ["toxic_hazardous"]},
        format="json",
    )
    assert response.status_code == 400
    assert "another province" in str(response.data["enterprise"])
    for bad in ([], ["double_excess"]):
        newcomer = enterprise(f"C{len(bad)}", "320106", "23", 790 + len(bad))
        response = client.post(url, {"enterprise": newcomer.pk, "categories": bad}, format="json")
        assert response.status_code == 400 and "categories" in response.data


def test_entry_list_query_count_is_constant(cast):
    key_list = draft_list(cast)
    client = api_client(cast.user("province_officer"))
    serial = iter(range(3000, 4000))

    def grow(n):
        ListEntry.objects.bulk_create(
            [
                ListEntry(
                    key_list=key_list,
                    energy_intensive=True,
                    enterprise=enterprise("E", "320102", "26", next(serial)),
                )
                for _ in range(n)
            ]
        )

    assert_constant_queries(lambda: client.get(f"{URL}{key_list.pk}/entries/"), grow)


def test_key_list_and_public_list_query_counts_are_constant(cast):
    client = api_client(cast.user("admin"))
    years = iter(range(2030, 2090))

    def grow(n):
        for _ in range(n):
            published_list(cast, year=next(years))

    assert_constant_queries(lambda: client.get(URL), grow, few=1, many=4)
    assert_constant_queries(
        lambda: api_client(None).get("/api/v1/public/key-lists/"), grow, few=1, many=4
    )
    # The entries across lists, found by name: the same queries for 2 or 8 entries.
    assert_constant_queries(
        lambda: api_client(None).get("/api/v1/public/entries/?search=co."), grow, few=1, many=4
    )


def test_import_reports_every_bad_row_and_saves_nothing(cast):
    key_list = draft_list(cast)
    good = make_credit_code(division="320100", serial=5001)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        f"{good},Good Co.,320102,26,exceeds_standards,ok",
        f"{bad_check},Bad Check Co.,320102,26,exceeds_standards,x",
        f"{make_credit_code(division='320100', serial=5002)},Unknown Region,329999,26,"
        "toxic_hazardous,x",
        f"{make_credit_code(division='330100', serial=5003)},Hangzhou Co.,330106,26,"
        "toxic_hazardous,x",
        f"{make_credit_code(division='320100', serial=5004)},Bad Category,320102,26,"
        "double_excess,x",
        f"{good},Good Co. again,320102,26,exceeds_standards,dup",
    ]
    before = (Enterprise.objects.count(), ListEntry.objects.count())
    response = api_client(cast.user("province_officer")).post(
        f"{URL}{key_list.pk}/import/", {"file": csv_upload(rows)}, format="multipart"
    )
    assert response.status_code == 400
    errors = {(e["row"], e["field"]) for e in response.data["errors"]}
    assert errors == {
        (3, "credit_code"),
        (4, "region"),
        (5, "region"),
        (6, "categories"),
        (7, "credit_code"),
    }
    messages = {e["row"]: e["message"] for e in response.data["errors"]}
    assert "another province" in messages[5]
    assert "row 2" in messages[7]
    assert (Enterprise.objects.count(), ListEntry.objects.count()) == before


def test_import_creates_enterprises_updates_names_and_entries(cast):
    key_list = draft_list(cast)
    new_code = make_credit_code(division="320100", serial=6001)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "企业名称", "行政区划代码", "行业代码", "类别", "列入原因"])
    sheet.append([new_code.lower(), "新企业有限公司", "320102", "6", "双超；高耗能", "超标"])
    sheet.append(
        [
            cast.enterprise.credit_code,
            "金陵纸业（更名）",
            "320115",
            "22",
            "toxic_hazardous",
            "重金属",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("list.xlsx", buffer.getvalue())
    response = api_client(cast.user("province_officer")).post(
        f"{URL}{key_list.pk}/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.data
    assert response.data == {"created": 1, "updated": 1}
    created = Enterprise.objects.get(credit_code=new_code)
    assert (created.name, created.industry_id) == ("新企业有限公司", "06")
    entry = key_list.entries.get(enterprise=created)
    assert entry.categories == ["exceeds_standards", "energy_intensive"]
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.name == "金陵纸业（更名）"
    assert key_list.entries.get(enterprise=cast.enterprise).categories == ["toxic_hazardous"]


def test_import_of_an_unreadable_file_is_a_400(cast):
    key_list = draft_list(cast)
    client = api_client(cast.user("province_officer"))
    url = f"{URL}{key_list.pk}/import/"
    response = client.post(
        url, {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04 no zip")}, format="multipart"
    )
    assert response.status_code == 400
    assert response.data["errors"][0]["field"] == "file"
    response = client.post(
        url, {"file": csv_upload(["a,b"], header="code,title")}, format="multipart"
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.data["errors"]} == {
        "credit_code",
        "name",
        "region",
        "industry",
        "categories",
        "reason",
    }
    response = client.post(url, {"file": SimpleUploadedFile("x.csv", b"")}, format="multipart")
    assert response.status_code == 400 and "file" in response.data


def test_import_template_is_a_workbook_that_imports(cast):
    client = api_client(cast.user("province_officer"))
    response = client.get(f"{URL}import-template/")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert openpyxl.load_workbook(io.BytesIO(content)).active["A1"].value == "credit_code"
    key_list = draft_list(cast)
    response = client.post(
        f"{URL}{key_list.pk}/import/",
        {"file": SimpleUploadedFile("t.xlsx", content)},
        format="multipart",
    )
    assert response.status_code == 200, response.data
    assert response.data == {"created": 1, "updated": 0}


def test_policy_changes_only_lists_published_afterwards(cast):
    first = published_list(cast, year=2025, published_on=datetime.date(2025, 1, 10))
    response = api_client(cast.user("province_officer")).patch(
        "/api/v1/policies/320000/", {"start_months": 3, "report_months": 18}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["is_national_default"] is False
    # The 2025 audit, still open, is cancelled and a new one opens (one open audit).
    second = published_list(
        cast,
        year=2026,
        published_on=datetime.date(2026, 1, 10),
        open_audit="close",
        closing_reason="Relisted",
    )
    old = Audit.objects.get(list_entry__key_list=first, enterprise=cast.enterprise)
    new = Audit.objects.get(list_entry__key_list=second, enterprise=cast.enterprise)
    assert (old.start_due, old.report_due) == (
        datetime.date(2025, 3, 10),
        datetime.date(2026, 1, 10),
    )
    assert (new.start_due, new.report_due) == (
        datetime.date(2026, 4, 10),
        datetime.date(2027, 7, 10),
    )
    assert new.round == 2
    assert KeyEnterpriseList.objects.get(pk=second.pk).policy["start_months"] == 3
    # The national default and other provinces are untouched.
    assert ProvincePolicy.for_province("330000").start_months == 2


def test_policy_rejects_bad_figures(cast):
    client = api_client(cast.user("province_officer"))
    response = client.patch("/api/v1/policies/320000/", {"cycle_default_years": -1}, format="json")
    assert response.status_code == 400
    assert "cycle_default_years" in response.data
    assert client.get("/api/v1/policies/999999/").status_code == 404


def test_amendments_add_and_remove_are_kept(cast):
    key_list = published_list(cast)
    client = api_client(cast.user("province_officer"))
    url = f"{URL}{key_list.pk}/amendments/"
    newcomer = enterprise("Pukou Steel Co.", "320111", "31", 655)
    assert (
        client.post(
            url,
            {
                "action": "add",
                "enterprise": newcomer.pk,
                "categories": ["energy_intensive"],
                "reason": "energy use",
            },
            format="json",
        ).status_code
        == 201
    )
    added = Audit.objects.get(enterprise=newcomer)
    assert added.state == "not_started" and added.disclosure_due is None
    entry = key_list.entries.get(enterprise=cast.suzhou_enterprise)
    assert (
        client.post(
            url, {"action": "remove", "entry": entry.pk, "reason": "closed"}, format="json"
        ).status_code
        == 201
    )
    assert Audit.objects.get(list_entry=entry).state == "cancelled"
    history = client.get(url).data["results"]
    assert [(a["action"], a["enterprise_name"], a["reason"]) for a in history] == [
        ("add", "Pukou Steel Co.", "energy use"),
        ("remove", "Wujiang Dyeing Co.", "closed"),
    ]
    # Removing twice, without a reason, or an entry of a started audit: refused.
    assert (
        client.post(
            url, {"action": "remove", "entry": entry.pk, "reason": "again"}, format="json"
        ).status_code
        == 409
    )
    other = key_list.entries.get(enterprise=cast.enterprise)
    assert (
        client.post(
            url, {"action": "remove", "entry": other.pk, "reason": ""}, format="json"
        ).status_code
        == 400
    )
    Audit.objects.filter(list_entry=other).update(state="planning")
    response = client.post(
        url, {"action": "remove", "entry": other.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 409 and response.data["unmet"]
    # A draft list is not amended.
    draft = draft_list(cast, year=2031)
    response = client.post(
        f"{URL}{draft.pk}/amendments/",
        {
            "action": "add",
            "enterprise": newcomer.pk,
            "categories": ["energy_intensive"],
            "reason": "x",
        },
        format="json",
    )
    assert response.status_code == 409


def test_carry_over_suggests_overdue_and_due_enterprises(cast):
    old = published_list(cast, year=2025, published_on=datetime.date(2025, 1, 10))
    Audit.objects.filter(list_entry__key_list=old, enterprise=cast.suzhou_enterprise).update(
        state="completed", next_round_due=datetime.date(2027, 6, 1)
    )
    client = api_client(cast.user("province_officer"))
    draft = client.post(URL, {"year": 2027, "region": "320000"}, format="json").data
    suggestions = client.get(f"{URL}{draft['id']}/suggestions/").data
    by_name = {s["enterprise"]["name"]: s["reasons"] for s in suggestions}
    assert set(by_name) == {"Jinling Paper Co.", "Wujiang Dyeing Co."}
    assert any("was due to start on 2025-03-10" in r for r in by_name["Jinling Paper Co."])
    assert any("next round falls due on 2027-06-01" in r for r in by_name["Wujiang Dyeing Co."])


def test_public_lists_count_their_entries_which_page_apart_without_login(cast):
    published = published_list(cast)
    draft_list(cast, year=2027)
    client = api_client(None)
    data = client.get("/api/v1/public/key-lists/").data
    assert [(row["year"], row["entry_count"]) for row in data["results"]] == [(2026, 2)]
    assert "entries" not in data["results"][0]
    # The entries of one list page apart, by name; `search` by name or credit code.
    url = f"/api/v1/public/key-lists/{published.pk}/entries/"
    data = client.get(url).data
    assert data["count"] == 2
    assert [e["enterprise"]["name"] for e in data["results"]] == [
        "Jinling Paper Co.",
        "Wujiang Dyeing Co.",
    ]
    page = client.get(url, {"page_size": 1, "page": 2}).data
    assert [e["enterprise"]["name"] for e in page["results"]] == ["Wujiang Dyeing Co."]
    found = client.get(url, {"search": "dyeing"}).data["results"]
    assert [e["enterprise"]["name"] for e in found] == ["Wujiang Dyeing Co."]
    code = cast.enterprise.credit_code
    found = client.get(url, {"search": code[:4] + " " + code[4:].lower()}).data["results"]
    assert [e["enterprise"]["name"] for e in found] == ["Jinling Paper Co."]
    # A removed entry is neither counted nor listed.
    entry = published.entries.get(enterprise=cast.suzhou_enterprise)
    ListEntry.objects.filter(pk=entry.pk).update(status="removed")
    assert client.get("/api/v1/public/key-lists/").data["results"][0]["entry_count"] == 1
    assert client.get(url).data["count"] == 1


def test_public_entries_find_an_enterprise_across_published_lists(cast):
    older = published_list(cast, year=2025, published_on=datetime.date(2025, 3, 1))
    newer = published_list(cast, year=2026)
    draft_list(cast, year=2027)  # not published: not found
    found = api_client(None).get("/api/v1/public/entries/", {"search": "jinling"}).data
    assert found["count"] == 2
    assert [(e["key_list"]["id"], e["key_list"]["year"]) for e in found["results"]] == [
        (newer.pk, 2026),
        (older.pk, 2025),
    ]
    assert {e["enterprise"]["credit_code"] for e in found["results"]} == {
        cast.enterprise.credit_code
    }
    assert api_client(None).get("/api/v1/public/entries/", {"search": "nobody"}).data["count"] == 0


def test_list_year_is_checked(cast):
    client = api_client(cast.user("province_officer"))
    for year in (1999, 2101):
        response = client.post(URL, {"year": year, "region": "320000"}, format="json")
        assert response.status_code == 400 and "year" in response.data


def test_carry_over_suggestions_stay_within_the_officers_city(cast):
    published_list(cast, year=2025, published_on=datetime.date(2025, 1, 10))
    draft = (
        api_client(cast.user("province_officer"))
        .post(URL, {"year": 2027, "region": "320000"}, format="json")
        .data
    )
    names = {
        s["enterprise"]["name"]
        for s in api_client(cast.user("city_officer")).get(f"{URL}{draft['id']}/suggestions/").data
    }
    assert names == {"Jinling Paper Co."}  # the overdue Suzhou one is not Nanjing's
