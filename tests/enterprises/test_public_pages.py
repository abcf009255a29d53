"""Public pages (published lists, disclosures), the enterprise's list status on its
dashboard, and the disclosure form (domain.md §1)."""

import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audits import publishing
from enterprises import services as lists
from enterprises.models import DisclosedPollutant, EmissionDisclosure, Region
from tests.support.cast import ROLES, enterprise
from tests.support.matrix import RoleMatrix, assert_constant_queries

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous visitors are sent to the login page
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
POLLUTANTS = [
    # 120 against a limit of 100: 20 % over; 55 t against a quota of 50 t: 10 % over.
    {
        "pollutant": "COD",
        "discharge_mode": "direct",
        "concentration": Decimal("120"),
        "concentration_unit": "mg/L",
        "total_emitted_t": Decimal("55"),
        "standard": "GB 3544-2008",
        "standard_limit": Decimal("100"),
        "quota_t": Decimal("50"),
    },
    {
        "pollutant": "NH3-N",
        "discharge_mode": "indirect",
        "concentration": Decimal("4.5"),
        "concentration_unit": "mg/L",
        "total_emitted_t": Decimal("2.25"),
        "standard": "GB 3544-2008",
        "standard_limit": Decimal("8"),
        "quota_t": None,
    },
]
EXCEEDS = ["exceeds_standards"]
serials = itertools.count(5000)
# Years only need to differ within one test (each test rolls back); stay in 2003–2100.
years = itertools.cycle(range(2040, 2100))


def pdf(name="monitoring-report.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def publish(cast, year, entries, *, published_on=None):
    """A Jiangsu list of `year` with `(enterprise, categories)` entries, published by the
    provincial officer. Returns the list and its entries."""
    officer = cast.user("province_officer")
    key_list = lists.key_list_create(
        actor=officer, province=Region.objects.get(code="320000"), year=year
    )
    made = [
        lists.entry_save(
            actor=officer,
            key_list=key_list,
            enterprise=listed,
            categories=categories,
            reason="Over the COD standard in 2025",
        )
        for listed, categories in entries
    ]
    publishing.key_list_publish(actor=officer, key_list=key_list, published_on=published_on)
    key_list.refresh_from_db()
    return key_list, made


def disclose(cast, entry, pollutants=POLLUTANTS):
    return lists.disclosure_submit(
        actor=cast.user("admin"),
        entry=entry,
        legal_representative="Li Wei",
        address="8 Riverside Road",
        document=pdf(),
        pollutants=pollutants,
    )


def listed(cast):
    """The 2026 Jiangsu list: our Nanjing enterprise (exceeds standards, not disclosed
    yet) and the Suzhou one (disclosed)."""
    key_list, (entry, suzhou_entry) = publish(
        cast,
        2026,
        [
            (cast.enterprise, ["exceeds_standards", "toxic_hazardous"]),
            (cast.suzhou_enterprise, EXCEEDS),
        ],
    )
    return SimpleNamespace(
        key_list=key_list,
        entry=entry,
        suzhou_entry=suzhou_entry,
        disclosure=disclose(cast, suzhou_entry),
    )


def form_data(document=None, rows=POLLUTANTS, total=3):
    """The disclosure form as a browser posts it: filled rows, then spare empty ones."""
    data = {
        "legal_representative": "Zhou Min",
        "address": "1 Jiangjun Avenue, Nanjing",
        "document": document or pdf(),
        "pollutants-TOTAL_FORMS": str(total),
        "pollutants-INITIAL_FORMS": "0",
        "pollutants-MIN_NUM_FORMS": "0",
        "pollutants-MAX_NUM_FORMS": "50",
    }
    for index in range(total):
        row = rows[index] if index < len(rows) else {"concentration_unit": "mg/L"}
        for name, value in row.items():
            data[f"pollutants-{index}-{name}"] = "" if value is None else str(value)
    return data


class TestPublicPageRoles(RoleMatrix):
    """Public pages answer everyone, logged in or not."""

    api = False
    matrix = {
        action: {role: 200 for role in ROLES}
        for action in (
            "keylist_list",
            "keylist_search",
            "keylist_detail",
            "disclosure_list",
            "disclosure_detail",
            "disclosure_document",
        )
    }

    def request(self, action, client, cast):
        data = listed(cast)
        if action == "disclosure_document":
            # The matrix reads the download to its end, which closes it.
            return client.get(f"/public/disclosures/{data.disclosure.pk}/document/")
        return client.get(
            {
                "keylist_list": "/public/",
                "keylist_search": "/public/?q=Jinling",
                "keylist_detail": f"/public/lists/{data.key_list.pk}/",
                "disclosure_list": "/public/disclosures/",
                "disclosure_detail": f"/public/disclosures/{data.disclosure.pk}/",
            }[action]
        )


class TestDisclosureFormRoles(RoleMatrix):
    """The form for our Nanjing enterprise's entry: its own users and admins; another
    enterprise does not learn it exists."""

    build = staticmethod(lambda cast: {"listed": listed(cast)})

    api = False
    matrix = {
        "form": {role: 403 for role in ROLES}
        | {"admin": 200, "enterprise_user": 200, "other_enterprise_user": 404, "anonymous": LOGIN}
    }

    def request(self, action, client, cast):
        return client.get(f"/public/disclosures/new/{self.world.listed.entry.pk}/")


def test_a_draft_list_is_not_public(cast, client):
    officer = cast.user("province_officer")
    draft = lists.key_list_create(
        actor=officer, province=Region.objects.get(code="320000"), year=2027
    )
    lists.entry_save(actor=officer, key_list=draft, enterprise=cast.enterprise, categories=EXCEEDS)
    assert client.get(f"/public/lists/{draft.pk}/").status_code == 404
    page = client.get("/public/").content.decode()
    assert draft.title not in page
    response = client.get("/public/", {"q": "Jinling"})
    assert response.context["page"].paginator.count == 0
    assert "Jinling Paper Co." not in response.content.decode()
    client.force_login(officer)  # not even for the officer who drafts it
    assert client.get(f"/public/lists/{draft.pk}/").status_code == 404


def test_search_finds_enterprises_by_name_and_by_credit_code(cast, client):
    data = listed(cast)
    for query in ("jinling", "Paper", cast.enterprise.credit_code[2:12].lower()):
        response = client.get("/public/", {"q": query})
        found = [entry.enterprise for entry in response.context["page"]]
        assert found == [cast.enterprise], query
        page = response.content.decode()
        assert "Jinling Paper Co." in page and "Wujiang Dyeing Co." not in page
        assert data.key_list.title in page
        assert "Exceeds standards (双超)" in page and "Toxic or hazardous (双有)" in page
    assert client.get("/public/", {"q": "Qiantang"}).context["page"].paginator.count == 0


def test_lists_filter_by_province_and_year(cast, client):
    publish(cast, 2025, [(cast.suzhou_enterprise, EXCEEDS)])
    data = listed(cast)
    response = client.get("/public/")
    assert [key_list.year for key_list in response.context["page"]] == [2026, 2025]
    assert response.context["page"][0].entry_count == 2
    form = response.context["form"]
    assert [code for code, _ in form.fields["province"].choices] == ["", "320000"]
    response = client.get("/public/", {"year": "2026", "province": "320000"})
    assert [key_list.pk for key_list in response.context["page"]] == [data.key_list.pk]
    assert client.get("/public/", {"province": "330000"}).status_code == 200
    response = client.get("/public/", {"q": "Wujiang", "year": "2025"})
    assert [entry.key_list.year for entry in response.context["page"]] == [2025]


def test_list_detail_shows_the_active_entries_and_searches_them(cast, client):
    data = listed(cast)
    response = client.get(f"/public/lists/{data.key_list.pk}/")
    page = response.content.decode()
    assert "Jinling Paper Co." in page and "Wujiang Dyeing Co." in page
    assert cast.enterprise.credit_code in page and "江宁区" not in page
    assert "Jiangning District" in page and "Over the COD standard in 2025" in page
    response = client.get(f"/public/lists/{data.key_list.pk}/", {"q": "wujiang"})
    assert [entry.enterprise for entry in response.context["page"]] == [cast.suzhou_enterprise]


def test_a_removed_entry_leaves_the_public_list(cast, client):
    data = listed(cast)
    publishing.amendment_remove(
        actor=cast.user("province_officer"), entry=data.entry, reason="Closed down"
    )
    page = client.get(f"/public/lists/{data.key_list.pk}/").content.decode()
    assert "Jinling Paper Co." not in page and "Wujiang Dyeing Co." in page


def test_enterprise_submits_its_disclosure_and_it_is_public(cast, client):
    data = listed(cast)
    client.force_login(cast.user("enterprise_user"))
    response = client.post(f"/public/disclosures/new/{data.entry.pk}/", form_data())
    disclosure = EmissionDisclosure.objects.get(entry=data.entry)
    assert response.status_code == 302  # to the public page: test_links_lead_to_the_pages
    assert disclosure.submitted_by == cast.user("enterprise_user")
    assert disclosure.pollutants.count() == 2  # the spare empty rows are left out

    client.logout()
    page = client.get(f"/public/disclosures/{disclosure.pk}/").content.decode()
    assert "Zhou Min" in page and "1 Jiangjun Avenue, Nanjing" in page
    assert "+20.0 %" in page and "+10.0 %" in page  # concentration and quota exceedance
    assert "120 mg/L" in page and "100 mg/L" in page and "4.5 mg/L" in page
    assert "Direct (to the environment)" in page and "GB 3544-2008" in page
    assert timezone.localdate().isoformat() in page
    listing = client.get("/public/disclosures/").content.decode()
    assert "Jinling Paper Co." in listing and "Zhou Min" in listing
    found = client.get("/public/disclosures/", {"q": "wujiang"}).context["page"]
    assert [d.entry.enterprise for d in found] == [cast.suzhou_enterprise]
    found = client.get("/public/disclosures/", {"q": cast.enterprise.credit_code}).context["page"]
    assert [d.pk for d in found] == [disclosure.pk]

    response = client.get(f"/public/disclosures/{disclosure.pk}/document/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(cast, client):
    data = listed(cast)
    client.force_login(cast.user("enterprise_user"))
    fake = pdf("emissions-2026.pdf", content=b"MZ\x90\x00 this is an executable, not a PDF")
    response = client.post(f"/public/disclosures/new/{data.entry.pk}/", form_data(fake))
    assert response.status_code == 400
    assert response.context["form"].errors["document"] == [
        "Only PDF, PNG, JPEG, XLSX and DOCX files are accepted (checked by content)."
    ]
    assert not EmissionDisclosure.objects.filter(entry=data.entry).exists()
    assert DisclosedPollutant.objects.count() == len(POLLUTANTS)  # the Suzhou rows only
    assert not list((settings.MEDIA_ROOT / "disclosures").glob(f"*/{fake.name}"))


def test_a_disclosure_needs_a_pollutant_row(cast, client):
    data = listed(cast)
    client.force_login(cast.user("enterprise_user"))
    response = client.post(f"/public/disclosures/new/{data.entry.pk}/", form_data(rows=[]))
    assert response.status_code == 400
    assert "Disclose at least one major pollutant." in response.content.decode()
    bad_row = [POLLUTANTS[0] | {"concentration": "a lot"}]
    response = client.post(f"/public/disclosures/new/{data.entry.pk}/", form_data(rows=bad_row))
    assert response.status_code == 400
    assert response.context["formset"].errors[0]["concentration"]
    assert not EmissionDisclosure.objects.filter(entry=data.entry).exists()


def test_a_second_disclosure_gets_the_conflict_message(cast, client):
    data = listed(cast)
    client.force_login(cast.user("enterprise_user"))
    url = f"/public/disclosures/new/{data.entry.pk}/"
    assert client.post(url, form_data()).status_code == 302
    response = client.post(url, form_data())
    assert response.status_code == 409
    page = response.content.decode()
    assert "This disclosure cannot be submitted." in page
    assert "The disclosure was already submitted." in page
    assert EmissionDisclosure.objects.filter(entry=data.entry).count() == 1
    # Coming back to the form shows the link to the public disclosure instead.
    page = client.get(url).content.decode()
    assert "See the public disclosure" in page and 'enctype="multipart/form-data"' not in page


def test_an_entry_not_listed_for_exceeding_standards_cannot_disclose(cast, client):
    _, (entry,) = publish(cast, 2026, [(cast.enterprise, ["energy_intensive"])])
    client.force_login(cast.user("enterprise_user"))
    response = client.post(f"/public/disclosures/new/{entry.pk}/", form_data())
    assert response.status_code == 409
    assert "Only enterprises listed for exceeding standards disclose." in response.content.decode()
    assert not EmissionDisclosure.objects.exists()


def test_enterprise_dashboard_shows_the_list_deadlines_and_the_disclosure_button(cast, client):
    today = timezone.localdate()
    # Published 40 days ago: disclosure (1 month) overdue, start (2 months) due next.
    key_list, (entry,) = publish(
        cast, 2026, [(cast.enterprise, EXCEEDS)], published_on=today - datetime.timedelta(days=40)
    )
    audit = entry.audit
    client.force_login(cast.user("enterprise_user"))
    response = client.get("/dashboard/")
    page = response.content.decode()
    assert "Where we stand" in page
    assert "You are on the 2026 key-enterprise list of Jiangsu" in page
    assert "Exceeds standards (双超)" in page and "Not started" in page
    timeline = {item["kind"]: item for item in response.context["listings"][0]["timeline"]}
    assert [kind for kind in timeline] == ["disclosure", "start", "report"]
    assert timeline["disclosure"]["status"] == "overdue"
    assert timeline["start"]["status"] == "next"
    assert timeline["report"]["status"] == "open"
    for due in (audit.start_due, audit.report_due, audit.disclosure_due):
        assert due.isoformat() in page
    assert 'data-status="overdue"' in page and "due next" in page
    assert f'href="/public/disclosures/new/{entry.pk}/"' in page

    disclose(cast, entry)
    response = client.get("/dashboard/")
    page = response.content.decode()
    assert f"/public/disclosures/new/{entry.pk}/" not in page
    assert 'data-testid="disclosure-link"' in page
    assert response.context["listings"][0]["timeline"][0]["status"] == "done"


def test_enterprise_dashboard_leaves_out_drafts_and_other_enterprises(cast, client):
    officer = cast.user("province_officer")
    draft = lists.key_list_create(
        actor=officer, province=Region.objects.get(code="320000"), year=2027
    )
    lists.entry_save(actor=officer, key_list=draft, enterprise=cast.enterprise, categories=EXCEEDS)
    publish(cast, 2026, [(cast.suzhou_enterprise, EXCEEDS)])
    client.force_login(cast.user("enterprise_user"))
    response = client.get("/dashboard/")
    assert response.context["listings"] == []
    assert "Your enterprise is not on a published key-enterprise list." in response.content.decode()


def test_links_lead_to_the_pages_not_to_the_api(cast, client):
    """The pages' URL names must reverse to the pages. The API router names its routes
    public-disclosure-list/-detail/-document (and notification-list/-read) too, and the
    root URLconf lets the later api/v1/ include win: cpaudit/urls.py must give the API
    its own namespace (or come first)."""
    assert reverse("public-keylist-list") == "/public/"
    assert reverse("public-keylist-detail", args=[7]) == "/public/lists/7/"
    assert reverse("disclosure-create", args=[7]) == "/public/disclosures/new/7/"
    assert reverse("public-disclosure-list") == "/public/disclosures/"
    assert reverse("public-disclosure-detail", args=[7]) == "/public/disclosures/7/"
    assert reverse("public-disclosure-document", args=[7]) == "/public/disclosures/7/document/"

    data = listed(cast)
    page = client.get(f"/public/lists/{data.key_list.pk}/").content.decode()
    assert f'href="/public/disclosures/{data.disclosure.pk}/"' in page
    page = client.get(f"/public/disclosures/{data.disclosure.pk}/").content.decode()
    assert f'href="/public/disclosures/{data.disclosure.pk}/document/"' in page
    client.force_login(cast.user("enterprise_user"))
    response = client.post(f"/public/disclosures/new/{data.entry.pk}/", form_data())
    disclosure = EmissionDisclosure.objects.get(entry=data.entry)
    assert response["Location"] == f"/public/disclosures/{disclosure.pk}/"
    page = client.get("/dashboard/").content.decode()
    assert f'href="/public/disclosures/{disclosure.pk}/"' in page


def test_public_pages_render_in_chinese(cast, client):
    data = listed(cast)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(f"/public/disclosures/{data.disclosure.pk}/").content.decode()
    assert "法定代表人" in page and "排放方式" in page
    page = client.get("/public/").content.decode()
    assert "重点企业名单" in page and "江苏省" in page


# Query counts: constant in the number of rows (design.md "Quality bars").


def grown_list(cast, n, *, categories=EXCEEDS):
    """A new published list of `n` new Jiangsu enterprises."""
    enterprises = [
        enterprise(f"Grown Co. {serial}", "320102", "26", serial)
        for serial in itertools.islice(serials, n)
    ]
    return publish(cast, next(years), [(each, categories) for each in enterprises])


def test_public_list_query_count_is_constant(cast, client):
    def grow(n):
        for _ in range(n):
            grown_list(cast, 1)

    assert_constant_queries(lambda: client.get("/public/"), grow)


def test_public_search_query_count_is_constant(cast, client):
    assert_constant_queries(
        lambda: client.get("/public/", {"q": "Grown"}), lambda n: grown_list(cast, n)
    )


def test_public_list_detail_query_count_is_constant(cast, client):
    made = {}

    def grow(n):
        made["list"], entries = grown_list(cast, n)
        for entry in entries[: n // 2]:
            disclose(cast, entry)

    def fetch():
        assert client.get(f"/public/lists/{made['list'].pk}/").status_code == 200

    assert_constant_queries(fetch, grow)


def test_public_disclosure_pages_query_count_is_constant(cast, client):
    made = {}

    def grow(n):
        _, entries = grown_list(cast, n)
        for entry in entries[:-1]:
            disclose(cast, entry)
        made["last"] = disclose(cast, entries[-1], POLLUTANTS * n)  # n × 2 rows

    assert_constant_queries(lambda: client.get("/public/disclosures/"), grow)
    assert_constant_queries(lambda: client.get(f"/public/disclosures/{made['last'].pk}/"), grow)


def test_enterprise_dashboard_query_count_is_constant(cast, client):
    client.force_login(cast.user("enterprise_user"))

    def grow(n):
        for _ in range(n):
            _, (entry,) = publish(cast, next(years), [(cast.enterprise, EXCEEDS)])
            disclose(cast, entry)

    assert_constant_queries(lambda: client.get("/dashboard/"), grow, few=1, many=6)
