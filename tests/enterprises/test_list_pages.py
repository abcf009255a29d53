"""The authorities' HTML screens for key-enterprise lists: every page for every role,
then what each screen does."""

import datetime
import html
import io
import itertools
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from audits import publishing
from audits.choices import AuditState
from audits.models import Audit
from core.credit_code import make_credit_code
from enterprises import services as lists
from enterprises.choices import EntryStatus, ListStatus
from enterprises.imports import HEADINGS_ZH, template_workbook
from enterprises.models import (
    Enterprise,
    KeyEnterpriseList,
    ListAmendment,
    ListEntry,
    ProvincePolicy,
    Region,
)
from tests.support.cast import ROLES, enterprise
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous visitors are sent to the login page
SERIALS = itertools.count(500)


def new_enterprise(district="320102", industry="26") -> Enterprise:
    """A Nanjing chemicals enterprise unless told otherwise."""
    serial = next(SERIALS)
    return enterprise(f"Grown Co. {serial}", district, industry, serial)


def draft(cast, year=2026, with_entries=True, **entry) -> KeyEnterpriseList:
    """A Jiangsu draft with the Nanjing enterprise (exceeds standards) and the Suzhou one;
    `entry` (open_audit, closing_reason) goes with both entries."""
    officer = cast.user("province_officer")
    key_list = lists.key_list_create(
        actor=officer, province=Region.objects.get(code="320000"), year=year
    )
    if with_entries:
        lists.entry_save(
            actor=officer,
            key_list=key_list,
            enterprise=cast.enterprise,
            categories=["exceeds_standards"],
            reason="COD over quota",
            **entry,
        )
        lists.entry_save(
            actor=officer,
            key_list=key_list,
            enterprise=cast.suzhou_enterprise,
            categories=["toxic_hazardous"],
            reason="Dyes",
            **entry,
        )
    return key_list


def published(cast, year=2026, on=datetime.date(2026, 3, 1)) -> KeyEnterpriseList:
    key_list = draft(cast, year)
    return publishing.key_list_publish(
        actor=cast.user("province_officer"), key_list=key_list, published_on=on
    )


def entry_of(key_list, company) -> ListEntry:
    return key_list.entries.get(enterprise=company, status=EntryStatus.ACTIVE)


def csv_upload(rows, name="list.csv") -> SimpleUploadedFile:
    lines = ["credit_code,name,region,industry,categories,reason", *rows]
    return SimpleUploadedFile(name, "\n".join(lines).encode(), content_type="text/csv")


def roles(allowed, *, other_province=404, city=None) -> dict:
    """Admin and both Jiangsu officers get `allowed` (the city `city` when given), the
    Zhejiang officer `other_province`, every other role 403, anonymous the login."""
    return {role: 403 for role in ROLES} | {
        "admin": allowed,
        "province_officer": allowed,
        "city_officer": allowed if city is None else city,
        "other_province_officer": other_province,
        "anonymous": LOGIN,
    }


class TestListPageRoles(RoleMatrix):
    """The list screens, on Jiangsu's draft (the published list's: the class below)."""

    api = False
    build = staticmethod(lambda cast: {"key_list": draft(cast)})
    matrix = {
        "list": roles(200, other_province=200),
        # The officers' own province (Zhejiang for the Zhejiang officer); a city proposes.
        "create": roles(302, other_province=302, city=403),
        "detail_draft": roles(200),
        # A new Nanjing enterprise: within the city officer's jurisdiction.
        "entry_add": roles(302, city=403),
        # A city proposes instead (procedures): the forms are the province's too.
        "entry_edit_form": roles(200, city=403),
        "entry_edit": roles(302, city=403),
        "entry_delete": roles(302, city=403),
        # The Suzhou entry: in the province, outside Nanjing.
        "entry_edit_suzhou": roles(200, city=404),
        "entry_delete_suzhou": roles(302, city=404),
        "import_form": roles(200, city=403),
        "import": roles(302, city=403),
        "import_template": roles(200, other_province=200),
        "publish_form": roles(200, city=403),
        "publish": roles(302, city=403),
        # Each officer's own province policy; the admin's is the national default.
        "policy_form": roles(200, other_province=200, city=403),
        "policy_save": roles(302, other_province=302, city=403),
    }

    def request(self, action, client, cast):
        if action == "list":
            return client.get("/lists/")
        if action == "create":
            return client.post("/lists/new/", {"year": 2030, "province": "320000"})
        if action == "import_template":
            return client.get("/lists/import-template.xlsx")
        if action.startswith("policy"):
            if action == "policy_form":
                return client.get("/lists/policy/")
            return client.post("/lists/policy/", policy_data(start_months=3))
        return self.on_list(action, client, cast, self.world.key_list)

    def on_list(self, action, client, cast, key_list):
        url = f"/lists/{key_list.pk}/"
        nanjing = entry_of(key_list, cast.enterprise).pk
        suzhou = entry_of(key_list, cast.suzhou_enterprise).pk
        match action:
            case "detail_draft" | "detail_published":
                return client.get(url)
            case "entry_add":
                return client.post(
                    f"{url}entries/add/",
                    {"enterprise": new_enterprise().pk, "categories": ["energy_intensive"]},
                )
            case "entry_edit_form":
                return client.get(f"{url}entries/{nanjing}/edit/")
            case "entry_edit":
                return client.post(
                    f"{url}entries/{nanjing}/edit/",
                    {
                        "enterprise": cast.enterprise.pk,
                        "categories": ["toxic_hazardous"],
                        "reason": "Chromium",
                    },
                )
            case "entry_delete":
                return client.post(f"{url}entries/{nanjing}/delete/")
            case "entry_edit_suzhou":
                return client.get(f"{url}entries/{suzhou}/edit/")
            case "entry_delete_suzhou":
                return client.post(f"{url}entries/{suzhou}/delete/")
            case "import_form":
                return client.get(f"{url}import/")
            case "import":
                code = make_credit_code(division="320100", serial=901)
                return client.post(
                    f"{url}import/",
                    {"file": csv_upload([f"{code},Imported Co.,320102,26,双超,quota"])},
                )
            case "publish_form":
                return client.get(f"{url}publish/")
            case "publish":
                return client.post(f"{url}publish/", {"published_on": "2026-03-01"})
            case "amend_add":
                return client.post(
                    f"{url}amend/",
                    {
                        "action": "add",
                        "enterprise": new_enterprise().pk,
                        "categories": ["energy_intensive"],
                        "reason": "Energy audit found it",
                    },
                )
            case "amend_remove":
                return client.post(
                    f"{url}amend/", {"action": "remove", "entry": nanjing, "reason": "Closed down"}
                )
        raise AssertionError(action)


class TestPublishedListPageRoles(TestListPageRoles):
    """The screens of Jiangsu's published list: its page and its amendments."""

    build = staticmethod(lambda cast: {"key_list": published(cast)})
    matrix = {
        "detail_published": roles(200),
        "amend_add": roles(302, city=403),
        "amend_remove": roles(302, city=403),
    }


def policy_data(**changes) -> dict:
    policy = ProvincePolicy.for_province("000000")
    data = {name: getattr(policy, name) for name in ProvincePolicy.FIGURES}
    # a figure left empty (working days not used) is posted empty
    data = {name: "" if value is None else value for name, value in data.items()}
    data["heavy_metal_industries"] = ", ".join(policy.heavy_metal_industries)
    data["overcapacity_industries"] = ", ".join(policy.overcapacity_industries)
    return data | changes


def login(client, cast, role="province_officer"):
    client.force_login(cast.user(role))
    return client


# --- the lists ------------------------------------------------------------------------


def test_officer_creates_a_draft_of_their_province(cast, client):
    response = login(client, cast).post("/lists/new/", {"year": 2027, "title": ""}, follow=True)
    key_list = KeyEnterpriseList.objects.get(year=2027)
    assert response.redirect_chain == [(f"/lists/{key_list.pk}/", 302)]
    assert key_list.province_id == "320000" and key_list.status == ListStatus.DRAFT
    assert key_list.created_by == cast.user("province_officer")
    assert "The draft list was created." in response.content.decode()


def test_admin_picks_the_province(cast, client):
    login(client, cast, "admin").post(
        "/lists/new/", {"year": 2027, "province": "330000", "title": "Zhejiang 2027"}
    )
    assert KeyEnterpriseList.objects.get(title="Zhejiang 2027").province_id == "330000"
    response = client.post("/lists/new/", {"year": 2027})
    assert response.status_code == 400
    assert response.context["create_form"].errors["province"]


def test_a_second_list_for_the_same_year_is_a_form_error(cast, client):
    draft(cast, 2027, with_entries=False)
    response = login(client, cast).post("/lists/new/", {"year": 2027})
    assert response.status_code == 400
    assert response.context["create_form"].non_field_errors()
    assert KeyEnterpriseList.objects.count() == 1


def test_create_form_defaults_to_a_free_year_and_has_ids_of_its_own(cast, client):
    this_year = timezone.localdate().year
    draft(cast, this_year, with_entries=False)
    draft(cast, this_year + 1, with_entries=False)
    content = login(client, cast).get("/lists/").content.decode()
    # The filter's year and the create form's year are two inputs, two ids.
    assert content.count('id="id_year"') == 1 and content.count('id="create_year"') == 1
    assert re.search(rf'name="year" value="{this_year + 2}"[^>]*id="create_year"', content)
    # Submitting the default as it is creates the list.
    response = client.post("/lists/new/", {"year": this_year + 2, "title": ""})
    assert response.status_code == 302
    assert KeyEnterpriseList.objects.filter(year=this_year + 2, province_id="320000").exists()


def test_list_page_counts_entries_filters_and_stays_in_the_province(cast, client):
    old = published(cast, 2025)
    publishing.amendment_remove(
        actor=cast.user("province_officer"),
        entry=entry_of(old, cast.suzhou_enterprise),
        reason="Closed",
    )
    new = draft(cast, 2026, with_entries=False)
    login(client, cast)
    response = client.get("/lists/")
    rows = list(response.context["page"])
    assert [row.pk for row in rows] == [new.pk, old.pk]  # newest first
    assert [row.entry_count for row in rows] == [0, 1]  # removed entries do not count
    content = response.content.decode()
    assert 'href="/lists/policy/"' in content and "New list" in content
    assert [row.pk for row in client.get("/lists/", {"status": "published"}).context["page"]] == [
        old.pk
    ]
    assert [row.pk for row in client.get("/lists/", {"year": 2026}).context["page"]] == [new.pk]
    assert not list(login(client, cast, "other_province_officer").get("/lists/").context["page"])
    city_page = login(client, cast, "city_officer").get("/lists/")
    assert len(city_page.context["page"]) == 2
    assert city_page.context["create_form"] is None  # a city proposes entries only
    assert 'href="/lists/policy/"' not in city_page.content.decode()


def test_list_page_query_count_is_constant(cast, client):
    login(client, cast, "admin")
    years = itertools.count(2003)
    province_officer = cast.user("province_officer")
    jiangsu = Region.objects.get(code="320000")

    def grow(n):
        for _ in range(n):
            key_list = lists.key_list_create(
                actor=province_officer, province=jiangsu, year=next(years)
            )
            lists.entry_save(
                actor=province_officer,
                key_list=key_list,
                enterprise=cast.enterprise,
                categories=["energy_intensive"],
            )

    assert_constant_queries(lambda: client.get("/lists/"), grow)


# --- entries of a draft ---------------------------------------------------------------


def test_add_edit_and_remove_an_entry(cast, client):
    key_list = draft(cast, with_entries=False)
    url = f"/lists/{key_list.pk}/"
    login(client, cast, "province_officer")
    response = client.post(
        f"{url}entries/add/",
        {
            "enterprise": cast.enterprise.pk,
            "categories": ["exceeds_standards", "energy_intensive"],
            "reason": "COD over quota",
        },
        follow=True,
    )
    entry = key_list.entries.get()
    assert entry.categories == ["exceeds_standards", "energy_intensive"]
    assert entry.proposed_by == cast.user("province_officer")
    content = response.content.decode()
    assert "Jinling Paper Co. was added to the list." in content
    assert f'href="{reverse("enterprise-detail", args=[cast.enterprise.pk])}"' in content
    assert "Energy intensive (高耗能)" in content and "COD over quota" in content

    form = client.get(f"{url}entries/{entry.pk}/edit/").context["form"]
    assert form.initial["categories"] == ["exceeds_standards", "energy_intensive"]
    response = client.post(
        f"{url}entries/{entry.pk}/edit/",
        {
            "enterprise": cast.enterprise.pk,
            "categories": ["toxic_hazardous"],
            "reason": "Chromium in the effluent",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.categories == ["toxic_hazardous"] and entry.reason == "Chromium in the effluent"

    assert client.get(f"{url}entries/{entry.pk}/delete/").status_code == 405
    response = client.post(f"{url}entries/{entry.pk}/delete/", follow=True)
    assert not key_list.entries.exists()
    assert "Jinling Paper Co. was removed from the draft." in response.content.decode()


def test_entry_errors_come_back_on_the_form(cast, client):
    key_list = draft(cast)
    url = f"/lists/{key_list.pk}/"
    login(client, cast)
    response = client.post(
        f"{url}entries/add/",
        {"enterprise": cast.enterprise.pk, "categories": ["exceeds_standards"]},
    )
    assert response.status_code == 400
    assert response.context["entry_form"].errors["enterprise"] == [
        "This enterprise is already on the list."
    ]
    response = client.post(f"{url}entries/add/", {"enterprise": new_enterprise().pk})
    assert response.status_code == 400
    assert response.context["entry_form"].errors["categories"] == ["Give at least one category."]
    # Outside the officer's scope (Zhejiang) is not even a choice.
    response = client.post(
        f"{url}entries/add/",
        {"enterprise": cast.other_enterprise.pk, "categories": ["exceeds_standards"]},
    )
    assert response.status_code == 400 and response.context["entry_form"].errors["enterprise"]
    assert key_list.entries.count() == 2


def test_a_city_officer_is_pointed_to_the_proposals_not_the_province_forms(cast, client):
    key_list = draft(cast)
    nanjing = entry_of(key_list, cast.enterprise)
    login(client, cast, "city_officer")
    proposals = f"/proposals/?key_list={key_list.pk}"
    for url in (
        f"/lists/{key_list.pk}/entries/{nanjing.pk}/edit/",
        f"/lists/{key_list.pk}/import/",
    ):
        response = client.get(url)
        assert response.status_code == 403
        content = response.content.decode()
        assert 'data-testid="province-only"' in content and proposals in content
        assert "<form" not in content.split('data-testid="province-only"')[1]
    detail = client.get(f"/lists/{key_list.pk}/").content.decode()
    assert f"/lists/{key_list.pk}/import/" not in detail and "/edit/" not in detail
    assert proposals in detail
    # the province keeps its forms
    login(client, cast)
    assert client.get(f"/lists/{key_list.pk}/import/").status_code == 200
    assert f"/lists/{key_list.pk}/import/" in client.get(f"/lists/{key_list.pk}/").content.decode()


def test_city_officer_cannot_reach_an_entry_of_suzhou(cast, client):
    key_list = draft(cast)
    suzhou = entry_of(key_list, cast.suzhou_enterprise)
    url = f"/lists/{key_list.pk}/entries/{suzhou.pk}/"
    login(client, cast, "city_officer")
    assert client.get(f"{url}edit/").status_code == 404
    assert (
        client.post(
            f"{url}edit/", {"enterprise": cast.enterprise.pk, "categories": ["toxic_hazardous"]}
        ).status_code
        == 404
    )
    assert client.post(f"{url}delete/").status_code == 404
    page = client.get(f"/lists/{key_list.pk}/")
    assert [entry.enterprise for entry in page.context["page"]] == [cast.enterprise]
    assert "Wujiang Dyeing Co." not in page.content.decode()
    suzhou.refresh_from_db()
    assert suzhou.categories == ["toxic_hazardous"]


def test_an_entry_of_another_list_is_404(cast, client):
    first, second = draft(cast, 2026), draft(cast, 2027, with_entries=False)
    entry = entry_of(first, cast.enterprise)
    login(client, cast)
    assert client.get(f"/lists/{second.pk}/entries/{entry.pk}/edit/").status_code == 404


def test_a_published_list_is_not_edited_directly(cast, client):
    key_list = published(cast)
    entry = entry_of(key_list, cast.enterprise)
    login(client, cast)
    response = client.post(f"/lists/{key_list.pk}/entries/{entry.pk}/delete/")
    assert response.status_code == 409
    assert "The list must be a draft." in response.content.decode()
    response = client.post(
        f"/lists/{key_list.pk}/entries/add/",
        {"enterprise": new_enterprise().pk, "categories": ["toxic_hazardous"]},
    )
    assert response.status_code == 409
    assert "change it by an amendment" in response.content.decode()
    assert key_list.entries.count() == 2


def test_carry_over_suggestion_prefills_the_add_form(cast, client):
    Audit.objects.create(
        enterprise=cast.enterprise,
        round=1,
        start_due=timezone.localdate() - datetime.timedelta(days=30),
        report_due=timezone.localdate() + datetime.timedelta(days=300),
    )
    key_list = draft(cast, timezone.localdate().year + 1, with_entries=False)
    login(client, cast)
    page = client.get(f"/lists/{key_list.pk}/")
    [suggestion] = page.context["suggestions"]
    assert suggestion["enterprise"] == cast.enterprise
    assert f"?enterprise={cast.enterprise.pk}#add-entry" in page.content.decode()
    form = client.get(f"/lists/{key_list.pk}/", {"enterprise": cast.enterprise.pk}).context[
        "entry_form"
    ]
    assert form.initial["enterprise"] == cast.enterprise.pk
    assert "was due to start" in form.initial["reason"]
    # Outside the city officer's city, a suggestion is not shown to it.
    Audit.objects.create(
        enterprise=cast.suzhou_enterprise,
        round=1,
        start_due=timezone.localdate() - datetime.timedelta(days=30),
        report_due=timezone.localdate() + datetime.timedelta(days=300),
    )
    assert len(client.get(f"/lists/{key_list.pk}/").context["suggestions"]) == 2
    login(client, cast, "city_officer")
    assert [
        s["enterprise"] for s in client.get(f"/lists/{key_list.pk}/").context["suggestions"]
    ] == [cast.enterprise]


# --- import ---------------------------------------------------------------------------


def test_import_with_row_errors_shows_each_and_saves_nothing(cast, client):
    key_list = draft(cast, with_entries=False)
    enterprises_before = Enterprise.objects.count()
    good = make_credit_code(division="320100", serial=910)
    login(client, cast)
    response = client.post(
        f"/lists/{key_list.pk}/import/",
        {
            "file": csv_upload(
                [
                    f"{good},Good Co.,320102,26,双超,quota",
                    "91320100MA1XXXXXX9,Bad Code Co.,320102,26,双超,",
                    f"{make_credit_code(division='320100', serial=911)},Far Co.,330106,26,双有,",
                    f"{make_credit_code(division='320100', serial=912)},"
                    "Odd Co.,320102,26,sometimes,",
                ]
            )
        },
    )
    assert response.status_code == 400
    errors = response.context["row_errors"]
    assert [(e["row"], e["field"]) for e in errors] == [
        (3, "credit_code"),
        (4, "region"),
        (5, "categories"),
    ]
    content = html.unescape(response.content.decode())
    for error in errors:
        assert error["message"] in content
    assert "Region 330106 is in another province." in content
    assert "Unknown category: sometimes." in content
    assert "Nothing was saved" in content
    assert not key_list.entries.exists()
    assert Enterprise.objects.count() == enterprises_before


def test_an_unreadable_file_is_a_row_error_and_a_wrong_extension_a_form_error(cast, client):
    key_list = draft(cast, with_entries=False)
    login(client, cast)
    response = client.post(
        f"/lists/{key_list.pk}/import/",
        {"file": SimpleUploadedFile("list.xlsx", b"PK\x03\x04 not a workbook")},
    )
    assert response.status_code == 400
    assert response.context["row_errors"][0]["field"] == "file"
    response = client.post(
        f"/lists/{key_list.pk}/import/", {"file": SimpleUploadedFile("list.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 400 and response.context["form"].errors["file"]


def test_good_import_creates_and_updates_entries(cast, client):
    key_list = draft(cast)
    new_code = make_credit_code(division="320100", serial=920)
    login(client, cast)
    response = client.post(
        f"/lists/{key_list.pk}/import/",
        {
            "file": csv_upload(
                [
                    f"{new_code},Imported Paper Co.,320115,22,双超;高耗能,COD",
                    f"{cast.enterprise.credit_code},Jinling Paper Co.,320115,22,toxic_hazardous,Cr",
                ]
            )
        },
        follow=True,
    )
    assert response.redirect_chain == [(f"/lists/{key_list.pk}/", 302)]
    assert "Imported. Created: 1, updated: 1." in response.content.decode()
    imported = key_list.entries.get(enterprise__credit_code=new_code)
    assert imported.categories == ["exceeds_standards", "energy_intensive"]
    assert entry_of(key_list, cast.enterprise).categories == ["toxic_hazardous"]


def test_the_template_downloads_and_imports_as_it_is(cast, client):
    key_list = draft(cast, with_entries=False)
    login(client, cast)
    response = client.get("/lists/import-template.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="key-list-template.xlsx"'
    assert (
        'href="/lists/import-template.xlsx"'
        in client.get(f"/lists/{key_list.pk}/import/").content.decode()
    )
    upload = SimpleUploadedFile("template.xlsx", template_workbook())
    response = client.post(f"/lists/{key_list.pk}/import/", {"file": upload}, follow=True)
    assert "Imported. Created: 1, updated: 0." in response.content.decode()
    assert key_list.entries.get().enterprise.name == "示例纸业有限公司"


# --- issue 17 item 10: the import page in the words of its users ---------------------------


def test_import_page_lists_the_chinese_headings_it_accepts(cast, client):
    key_list = draft(cast, with_entries=False)
    content = login(client, cast).get(f"/lists/{key_list.pk}/import/").content.decode()
    table = re.search(r'data-testid="import-columns">(.*?)</table>', content, re.S).group(1)
    rows = re.findall(
        r'data-column="(\w+)"><th scope="row"><code>\w+</code></th><td[^>]*>([^<]+)<', table
    )
    assert rows == list(
        zip(
            ["credit_code", "name", "region", "industry", "categories", "reason"],
            HEADINGS_ZH,
            strict=True,
        )
    )
    assert "双超, 双有, 高耗能" in html.unescape(table)


def test_row_errors_echo_the_value_and_the_column_as_the_file_headed_it(cast, client):
    key_list = draft(cast, with_entries=False)
    login(client, cast)
    lines = [
        "统一社会信用代码,企业名称,行政区划代码,Industry,类别,列入原因",
        f"{make_credit_code(division='320100', serial=920)},甲公司,999999,26,双超,",
        f"{make_credit_code(division='320100', serial=921)},乙公司,320102,X7,偶尔,",
        "91320100MA1XXXXXX9,丙公司,320102,26,双有,",
    ]
    upload = SimpleUploadedFile("list.csv", "\n".join(lines).encode(), content_type="text/csv")
    response = client.post(f"/lists/{key_list.pk}/import/", {"file": upload})
    assert response.status_code == 400
    errors = response.context["row_errors"]
    assert [(e["row"], e["field"], e["column"], e["value"]) for e in errors] == [
        (2, "region", "行政区划代码", "999999"),
        (3, "industry", "Industry", "X7"),
        (3, "categories", "类别", "偶尔"),
        (4, "credit_code", "统一社会信用代码", "91320100MA1XXXXXX9"),
    ]
    content = response.content.decode()
    shown = re.findall(
        r'data-testid="error-column">([^<]*)</td><td data-testid="error-value"><code[^>]*>([^<]*)<',
        content,
    )
    assert shown == [(e["column"], e["value"]) for e in errors]
    # A missing name shows as empty, not as a blank cell.
    lines = [
        "credit_code,name,region,industry,categories,reason",
        f"{make_credit_code(division='320100', serial=922)},,320102,26,双超,",
    ]
    upload = SimpleUploadedFile("list.csv", "\n".join(lines).encode(), content_type="text/csv")
    response = client.post(f"/lists/{key_list.pk}/import/", {"file": upload})
    [error] = response.context["row_errors"]
    assert (error["column"], error["value"]) == ("name", "")
    assert "(empty)" in response.content.decode()


def test_api_row_errors_carry_the_column_and_the_value(cast):
    key_list = draft(cast, with_entries=False)
    lines = [
        "credit_code,name,REGION,industry,categories,reason",
        f"{make_credit_code(division='320100', serial=923)},Co.,12,26,双超,",
    ]
    upload = SimpleUploadedFile("list.csv", "\n".join(lines).encode(), content_type="text/csv")
    response = api_client(cast.user("province_officer")).post(
        f"/api/v1/key-lists/{key_list.pk}/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert response.data["errors"][0] | {"message": ""} == {
        "row": 2,
        "field": "region",
        "column": "REGION",
        "value": "12",
        "message": "",
    }


def test_the_chinese_template_has_chinese_headings_and_a_category_drop_down(cast, client):
    key_list = draft(cast, with_entries=False)
    login(client, cast)
    response = client.get("/lists/import-template.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADINGS_ZH
    assert sheet["E2"].value == "双超;双有"
    [validation] = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert "E2" in validation.sqref and "E20001" in validation.sqref
    choices_sheet, cells = validation.formula1.lstrip("=").split("!")
    choices = [row[0].value for row in book[choices_sheet][cells.replace("$", "")]]
    assert choices[:3] == ["双超", "双有", "高耗能"]
    assert "双超;双有;高耗能" in choices and len(choices) == 7
    assert book[choices_sheet].sheet_state == "hidden"
    # The English template keeps the codes, with their own drop-down.
    english = load_workbook(io.BytesIO(client.get("/lists/import-template.xlsx").content))
    assert english.worksheets[0]["A1"].value == "credit_code"
    assert len(english.worksheets[0].data_validations.dataValidation) == 1
    # Downloaded in Chinese, it imports as it is.
    upload = SimpleUploadedFile("template.xlsx", response.content)
    response = client.post(f"/lists/{key_list.pk}/import/", {"file": upload}, follow=True)
    assert "Imported. Created: 1, updated: 0." in response.content.decode()
    assert key_list.entries.get().exceeds_standards


def test_import_into_a_published_list_conflicts(cast, client):
    key_list = published(cast)
    login(client, cast)
    page = client.get(f"/lists/{key_list.pk}/import/")
    assert page.status_code == 200 and "The list must be a draft." in page.content.decode()
    response = client.post(
        f"/lists/{key_list.pk}/import/",
        {
            "file": csv_upload(
                [f"{make_credit_code(division='320100', serial=930)},Late Co.,320102,26,双超,"]
            )
        },
    )
    assert response.status_code == 409
    assert key_list.entries.count() == 2


# --- publish --------------------------------------------------------------------------


def test_publish_confirmation_creates_audits_with_deadlines(cast, client):
    key_list = draft(cast)
    login(client, cast)
    page = client.get(f"/lists/{key_list.pk}/publish/")
    assert page.context["entry_count"] == 2
    assert page.context["form"].initial["published_on"] == timezone.localdate()
    content = page.content.decode()
    assert "each of the 2 entries" in content and "2 months" in content
    response = client.post(
        f"/lists/{key_list.pk}/publish/", {"published_on": "2026-03-01"}, follow=True
    )
    assert response.redirect_chain == [(f"/lists/{key_list.pk}/", 302)]
    key_list.refresh_from_db()
    assert key_list.status == ListStatus.PUBLISHED
    assert key_list.published_on == datetime.date(2026, 3, 1)
    nanjing = Audit.objects.get(list_entry__key_list=key_list, enterprise=cast.enterprise)
    assert (nanjing.start_due, nanjing.report_due, nanjing.disclosure_due) == (
        datetime.date(2026, 5, 1),
        datetime.date(2027, 3, 1),
        datetime.date(2026, 4, 1),
    )
    suzhou = Audit.objects.get(list_entry__key_list=key_list, enterprise=cast.suzhou_enterprise)
    assert suzhou.disclosure_due is None
    content = response.content.decode()
    assert "The list was published and its audits opened." in content
    assert "Published on 2026-03-01" in content
    assert "2026-05-01" in content and "2027-03-01" in content
    assert f"#{nanjing.pk} · Not started" in content


def test_publish_twice_conflicts(cast, client):
    key_list = draft(cast)
    login(client, cast)
    client.post(f"/lists/{key_list.pk}/publish/", {"published_on": "2026-03-01"})
    response = client.post(f"/lists/{key_list.pk}/publish/", {"published_on": "2026-03-02"})
    assert response.status_code == 409
    content = response.content.decode()
    assert "The list cannot be published." in content
    assert "The list is already published." in content
    assert Audit.objects.count() == 2


def test_publishing_an_empty_list_conflicts(cast, client):
    key_list = draft(cast, with_entries=False)
    response = login(client, cast).post(
        f"/lists/{key_list.pk}/publish/", {"published_on": "2026-03-01"}
    )
    assert response.status_code == 409
    assert "The list has no entries." in response.content.decode()
    key_list.refresh_from_db()
    assert key_list.is_draft


def test_publish_needs_a_date(cast, client):
    key_list = draft(cast)
    response = login(client, cast).post(f"/lists/{key_list.pk}/publish/", {"published_on": "soon"})
    assert response.status_code == 400 and response.context["form"].errors["published_on"]
    assert not Audit.objects.exists()


# --- amendments -----------------------------------------------------------------------


def test_amendments_add_and_remove_on_a_published_list(cast, client):
    key_list = published(cast)
    url = f"/lists/{key_list.pk}/"
    newcomer = new_enterprise()
    login(client, cast)
    response = client.post(
        f"{url}amend/",
        {
            "action": "add",
            "enterprise": newcomer.pk,
            "categories": ["energy_intensive"],
            "reason": "Energy audit found it",
        },
        follow=True,
    )
    assert response.redirect_chain == [(url, 302)]
    added = entry_of(key_list, newcomer)
    assert added.audit.start_due > key_list.published_on  # counted from today
    nanjing = entry_of(key_list, cast.enterprise)
    response = client.post(
        f"{url}amend/",
        {"action": "remove", "entry": nanjing.pk, "reason": "Closed down"},
        follow=True,
    )
    nanjing.refresh_from_db()
    assert nanjing.status == EntryStatus.REMOVED
    assert nanjing.audit.state == AuditState.CANCELLED
    assert [(a.action, a.entry.enterprise, a.reason) for a in ListAmendment.objects.all()] == [
        ("add", newcomer, "Energy audit found it"),
        ("remove", cast.enterprise, "Closed down"),
    ]
    amendments = response.content.decode().split('data-testid="amendments"')[1]
    assert "Energy audit found it" in amendments and "Closed down" in amendments
    assert "province officer" in amendments and newcomer.name in amendments


def test_amendment_errors(cast, client):
    key_list = published(cast)
    url = f"/lists/{key_list.pk}/"
    nanjing = entry_of(key_list, cast.enterprise)
    login(client, cast)
    response = client.post(f"{url}amend/", {"action": "remove", "entry": nanjing.pk, "reason": " "})
    assert response.status_code == 400
    assert response.context["amend_remove_form"].errors["reason"] == [
        "An amendment needs a reason."
    ]
    response = client.post(
        f"{url}amend/",
        {
            "action": "add",
            "enterprise": cast.enterprise.pk,
            "categories": ["toxic_hazardous"],
            "reason": "Again",
        },
    )
    assert response.status_code == 400
    assert response.context["amend_add_form"].errors["enterprise"] == [
        "This enterprise is already on the list."
    ]
    Audit.objects.filter(list_entry=nanjing).update(state=AuditState.PLANNING)
    response = client.post(
        f"{url}amend/", {"action": "remove", "entry": nanjing.pk, "reason": "Closed"}
    )
    assert response.status_code == 409
    assert "The audit has started; the entry cannot be removed." in response.content.decode()
    assert client.post(f"{url}amend/", {"action": "rename"}).status_code == 400
    assert not ListAmendment.objects.exists()


def test_a_draft_is_not_amended(cast, client):
    key_list = draft(cast)
    response = login(client, cast).post(
        f"/lists/{key_list.pk}/amend/",
        {"action": "remove", "entry": entry_of(key_list, cast.enterprise).pk, "reason": "Closed"},
    )
    assert response.status_code == 409
    assert "The list must be published." in response.content.decode()


def test_city_officer_sees_a_published_list_without_amendment_forms(cast, client):
    key_list = published(cast)
    response = login(client, cast, "city_officer").get(f"/lists/{key_list.pk}/")
    assert response.status_code == 200
    assert "amend_add_form" not in response.context
    assert "Amendment: add an enterprise" not in response.content.decode()


# --- query counts ---------------------------------------------------------------------


def test_detail_query_count_is_constant_for_a_draft(cast, client):
    key_list = draft(cast, with_entries=False)
    officer = cast.user("province_officer")
    login(client, cast)

    def grow(n):
        for _ in range(n):
            company = new_enterprise()
            lists.entry_save(
                actor=officer, key_list=key_list, enterprise=company, categories=["toxic_hazardous"]
            )
            Audit.objects.create(  # an overdue audit: a carry-over suggestion each
                enterprise=company,
                round=1,
                start_due=datetime.date(2020, 1, 1),
                report_due=datetime.date(2021, 1, 1),
            )

    assert_constant_queries(lambda: client.get(f"/lists/{key_list.pk}/"), grow)


def test_detail_query_count_is_constant_for_a_published_list(cast, client):
    key_list = published(cast)
    officer = cast.user("province_officer")
    login(client, cast)

    def grow(n):
        for _ in range(n):
            publishing.amendment_add(
                actor=officer,
                key_list=key_list,
                enterprise=new_enterprise(),
                categories=["exceeds_standards"],
                reason="Found",
            )

    assert_constant_queries(lambda: client.get(f"/lists/{key_list.pk}/"), grow)


# --- the province policy --------------------------------------------------------------


def test_policy_edit_changes_the_figures_of_lists_published_afterwards(cast, client):
    before = published(cast, 2025, on=datetime.date(2025, 3, 1))
    login(client, cast)
    page = client.get("/lists/policy/")
    assert page.context["uses_default"] is True
    response = client.post(
        "/lists/policy/",
        policy_data(
            start_months=3,
            report_months=9,
            heavy_metal_industries="32, 6",
            no_low_cost_max_investment="150000",
        ),
        follow=True,
    )
    assert response.redirect_chain == [("/lists/policy/", 302)]
    policy = ProvincePolicy.objects.get(province_id="320000")
    assert (policy.start_months, policy.report_months) == (3, 9)
    assert policy.heavy_metal_industries == ["32", "06"]
    assert str(policy.no_low_cost_max_investment) == "150000.00"
    assert policy.updated_by == cast.user("province_officer")
    assert ProvincePolicy.for_province("330000").start_months == 2  # others keep the default

    # The earlier audits, still open, are cancelled and new ones open (one open audit).
    key_list = draft(cast, 2026, open_audit="close", closing_reason="Relisted")
    assert "3 months" in client.get(f"/lists/{key_list.pk}/publish/").content.decode()
    client.post(f"/lists/{key_list.pk}/publish/", {"published_on": "2026-03-01"})
    audit = Audit.objects.get(list_entry__key_list=key_list, enterprise=cast.enterprise)
    assert (audit.start_due, audit.report_due) == (
        datetime.date(2026, 6, 1),
        datetime.date(2026, 12, 1),
    )
    earlier = Audit.objects.get(list_entry__key_list=before, enterprise=cast.enterprise)
    assert earlier.start_due == datetime.date(2025, 5, 1)  # published before: unchanged


def test_policy_form_rejects_bad_figures(cast, client):
    login(client, cast)
    response = client.post(
        "/lists/policy/",
        policy_data(
            overcapacity_industries="31, 99x, C", cycle_default_years="-1", start_months=""
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["overcapacity_industries"] == [
        "Not a GB/T 4754 division, group or class code: 99x, C."
    ]
    assert errors["cycle_default_years"] and errors["start_months"]
    assert not ProvincePolicy.objects.filter(province_id="320000").exists()


def test_admin_edits_the_national_default_or_a_province(cast, client):
    login(client, cast, "admin")
    page = client.get("/lists/policy/")
    assert page.context["province"] is None and page.context["policy"].province_id is None
    client.post("/lists/policy/", policy_data(disclosure_months=2))
    assert ProvincePolicy.objects.get(province__isnull=True).disclosure_months == 2
    client.post("/lists/policy/?province=330000", policy_data(start_months=4))
    assert ProvincePolicy.objects.get(province_id="330000").start_months == 4
    assert client.get("/lists/policy/", {"province": "320100"}).status_code == 404


def test_other_province_officer_edits_only_their_own_policy(cast, client):
    login(client, cast, "other_province_officer")
    # The parameter is the admin's; an officer always gets their own province.
    client.post("/lists/policy/?province=320000", policy_data(start_months=5))
    assert ProvincePolicy.objects.get(province_id="330000").start_months == 5
    assert not ProvincePolicy.objects.filter(province_id="320000").exists()


# --- language -------------------------------------------------------------------------


def test_list_pages_render_in_chinese(cast, client):
    key_list = draft(cast)
    login(client, cast)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/lists/"})
    for url in (
        "/lists/",
        f"/lists/{key_list.pk}/",
        f"/lists/{key_list.pk}/import/",
        f"/lists/{key_list.pk}/publish/",
        "/lists/policy/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="zh-hans">' in response.content.decode()
    with translation.override("zh-hans"):
        for text in (
            "Key-enterprise lists",
            "New list",
            "Carry-over suggestions",
            "Publish the list",
            "Import a spreadsheet",
            "Save the policy",
        ):
            assert translation.gettext(text) != text, text


def test_url_names_lead_to_the_pages_not_to_the_api():
    """The API router names its routes too; these names must stay the pages'."""
    assert reverse("keylist-list") == "/lists/"
    assert reverse("keylist-create") == "/lists/new/"
    assert reverse("keylist-import-template") == "/lists/import-template.xlsx"
    assert reverse("policy-edit") == "/lists/policy/"
    assert reverse("keylist-detail", args=[7]) == "/lists/7/"
    assert reverse("keylist-entry-add", args=[7]) == "/lists/7/entries/add/"
    assert reverse("keylist-entry-edit", args=[7, 9]) == "/lists/7/entries/9/edit/"
    assert reverse("keylist-entry-delete", args=[7, 9]) == "/lists/7/entries/9/delete/"
    assert reverse("keylist-amend", args=[7]) == "/lists/7/amend/"
    assert reverse("keylist-import", args=[7]) == "/lists/7/import/"
    assert reverse("keylist-publish", args=[7]) == "/lists/7/publish/"


def test_add_all_carries_every_suggestion_over_at_once(cast, client):
    """Issue 17: one button adds every suggestion, each with its reasons and the
    categories of its latest entry; one never listed is left to add by hand."""
    from audits.models import Audit
    from tests.support.lists import published_list

    published_list(cast, year=2025, published_on=datetime.date(2025, 1, 10))
    newcomer = new_enterprise()
    Audit.objects.create(
        enterprise=newcomer,
        round=1,
        start_due=timezone.localdate() - datetime.timedelta(days=30),
        report_due=timezone.localdate() + datetime.timedelta(days=300),
    )
    key_list = draft(cast, 2027, with_entries=False)
    login(client, cast)
    page = client.get(f"/lists/{key_list.pk}/").content.decode()
    assert "Add all 3 suggestions" in page
    response = client.post(f"/lists/{key_list.pk}/carry-over/", follow=True)
    assert response.redirect_chain == [(f"/lists/{key_list.pk}/", 302)]
    content = response.content.decode()
    assert "2 suggested enterprises were added to the list." in content
    assert f"without categories to take over: {newcomer.name}." in content
    entries = {e.enterprise: e for e in key_list.entries.all()}
    assert set(entries) == {cast.enterprise, cast.suzhou_enterprise}
    assert entries[cast.enterprise].categories == ["exceeds_standards"]
    assert "was due to start on 2025-03-10" in entries[cast.enterprise].reason
    # What is left is the newcomer only; a city officer may not add to the province's list.
    assert [s["enterprise"] for s in response.context["suggestions"]] == [newcomer]
    login(client, cast, "city_officer")
    assert client.post(f"/lists/{key_list.pk}/carry-over/").status_code == 403
    login(client, cast, "other_province_officer")
    assert client.post(f"/lists/{key_list.pk}/carry-over/").status_code == 404
    login(client, cast, "consultant")
    assert client.post(f"/lists/{key_list.pk}/carry-over/").status_code == 403
