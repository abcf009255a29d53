"""Every list page exports what it shows (issue 16, item 5): `?export=xlsx` answers the
page's filtered list, every row in the page's order (not only the current page), the
headings in the reader's language, numbers and dates as such; each role gets what it
gets on the page; above core.xlsx.MAX_EXPORT_ROWS rows the export is refused (400)."""

import datetime
import io
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from assessments.models import Review
from audits.models import Audit
from enterprises.models import Enterprise, KeyEnterpriseList
from procedures.models import Filing
from tests.procedures.support import filed
from tests.support.audits import engaged_audit
from tests.support.matrix import RoleMatrix, page_client
from tests.support.reviews import submitted

pytestmark = pytest.mark.django_db


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def shown_ids(response, testid: str, pattern: str) -> list[int]:
    """The ids of the rows of the page's table `testid`, in the page's order."""
    assert response.status_code == 200
    html = response.content.decode()
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return [int(pk) for pk in re.findall(pattern, table)]


def export(client, url: str, **headers):
    joiner = "&" if "?" in url else "?"
    return client.get(f"{url}{joiner}export=xlsx", **headers)


def world(cast) -> dict:
    """Jiangsu's list (the Nanjing and the Suzhou audits), a filing and an assessment
    round on the Nanjing audit."""
    audit = engaged_audit(cast)
    filing = filed(cast, audit)
    review = submitted(cast, audit=audit)
    return {
        "audit": audit,
        "filing": filing,
        "review": review,
        "key_list": audit.list_entry.key_list,
    }


@pytest.fixture
def built(cast):
    return world(cast)


# --- the rows are the page's --------------------------------------------------------


def test_audits_export_is_the_filtered_list_in_the_page_order_every_page(
    built, cast, client, monkeypatch
):
    monkeypatch.setattr("audits.views.PAGE_SIZE", 1)  # the page shows one row of two
    page_client(client, cast.user("province_officer"))
    first = shown_ids(client.get("/audits/"), "audits", r'data-audit="(\d+)"')
    second = shown_ids(client.get("/audits/?page=2"), "audits", r'data-audit="(\d+)"')
    rows = sheet_rows(export(client, "/audits/?page=2"))
    names = dict(Audit.objects.values_list("pk", "enterprise__name"))
    assert [row[0] for row in rows[1:]] == [names[pk] for pk in first + second]
    assert len(rows) == 3 and isinstance(rows[1][2], int)  # the round, a number
    assert isinstance(rows[1][6], datetime.datetime)  # the start due, a date
    # with a filter: only the Nanjing audits, as on the page
    filtered = shown_ids(client.get("/audits/?region=3201"), "audits", r'data-audit="(\d+)"')
    rows = sheet_rows(export(client, "/audits/?region=3201"))
    assert [row[0] for row in rows[1:]] == [names[pk] for pk in filtered] == [cast.enterprise.name]


def test_enterprises_export_is_the_filtered_list(built, cast, client):
    page_client(client, cast.user("province_officer"))
    for query in ("", f"?search={cast.suzhou_enterprise.name[:4]}"):
        html = client.get(f"/enterprises/{query}").content.decode()
        table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        ids = [int(pk) for pk in re.findall(r'href="/enterprises/(\d+)/"', table)]
        rows = sheet_rows(export(client, f"/enterprises/{query}"))
        names = dict(Enterprise.objects.values_list("pk", "name"))
        assert [row[0] for row in rows[1:]] == [names[pk] for pk in ids]
        assert cast.other_enterprise.name not in {row[0] for row in rows}  # Zhejiang's
    assert len(sheet_rows(export(client, "/enterprises/"))) >= 3


def test_list_entries_export_is_what_the_officer_sees(built, cast, client):
    key_list = built["key_list"]
    url = f"/lists/{key_list.pk}/"
    for who, expected in (("province_officer", 2), ("city_officer", 1)):
        page_client(client, cast.user(who))
        ids = shown_ids(client.get(url), "entries", r'href="/enterprises/(\d+)/"')
        rows = sheet_rows(export(client, url))
        names = dict(Enterprise.objects.values_list("pk", "name"))
        assert [row[0] for row in rows[1:]] == [names[pk] for pk in ids]
        assert len(ids) == expected
    audit = Audit.objects.get(enterprise=cast.enterprise)
    nanjing = next(row for row in rows if row[0] == cast.enterprise.name)
    assert nanjing[6] == audit.pk  # the audit's number, a number


def test_review_queue_export_is_the_filtered_queue(built, cast, client):
    page_client(client, cast.user("province_officer"))
    for query in ("", "?kind=assessment", "?kind=acceptance"):
        ids = shown_ids(client.get(f"/reviews/{query}"), "reviews", r'data-review="(\d+)"')
        rows = sheet_rows(export(client, f"/reviews/{query}"))
        names = dict(Review.objects.values_list("pk", "audit__enterprise__name"))
        assert [row[0] for row in rows[1:]] == [names[pk] for pk in ids]
    assert len(sheet_rows(export(client, "/reviews/?kind=assessment"))) == 2
    assert len(sheet_rows(export(client, "/reviews/?kind=acceptance"))) == 1


def test_filings_export_is_the_filtered_list(built, cast, client):
    page_client(client, cast.user("province_officer"))
    for query in ("", "?state=submitted", "?state=accepted"):
        ids = shown_ids(client.get(f"/filings/{query}"), "filing-list", r'href="/filings/(\d+)/"')
        rows = sheet_rows(export(client, f"/filings/{query}"))
        kinds = {
            filing.pk: (filing.audit.enterprise.name, str(filing.get_kind_display()))
            for filing in Filing.objects.select_related("audit__enterprise")
        }
        assert [(row[0], row[1]) for row in rows[1:]] == [kinds[pk] for pk in ids]
    assert len(sheet_rows(export(client, "/filings/?state=submitted"))) == 2


def test_key_lists_export_is_the_filtered_list(built, cast, client):
    page_client(client, cast.user("province_officer"))
    key_list = built["key_list"]
    for query in ("", f"?year={key_list.year}", "?status=draft"):
        html = client.get(f"/lists/{query}").content.decode()
        table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        ids = [int(pk) for pk in re.findall(r'href="/lists/(\d+)/"', table)]
        rows = sheet_rows(export(client, f"/lists/{query}"))
        titles = dict(KeyEnterpriseList.objects.values_list("pk", "title"))
        assert [row[2] for row in rows[1:]] == [titles[pk] for pk in ids]
    rows = sheet_rows(export(client, "/lists/"))
    assert rows[1][0] == key_list.year and rows[1][5] == 2  # numbers: the year, the entries
    assert len(sheet_rows(export(client, "/lists/?status=draft"))) == 1


# --- the reader's language, the bound, the link ------------------------------------


@pytest.mark.parametrize(
    ("url", "context", "heading"),
    [
        ("/audits/", None, "Enterprise"),
        ("/enterprises/", "thing", "Name"),
        ("/reviews/", None, "Enterprise"),
        ("/filings/", None, "Enterprise"),
    ],
)
def test_headings_in_the_readers_language(built, cast, client, url, context, heading):
    page_client(client, cast.user("admin"))
    rows = sheet_rows(export(client, url, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    with translation.override("zh-hans"):
        chinese = pgettext(context, heading) if context else gettext(heading)
    assert chinese != heading
    assert rows[0][0] == chinese
    assert sheet_rows(export(client, url, HTTP_ACCEPT_LANGUAGE="en"))[0][0] == heading


def test_entries_headings_in_chinese(built, cast, client):
    page_client(client, cast.user("province_officer"))
    url = f"/lists/{built['key_list'].pk}/"
    rows = sheet_rows(export(client, url, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    with translation.override("zh-hans"):
        assert rows[0][:2] == (gettext("Enterprise"), gettext("Unified social credit code"))


def test_an_export_above_the_bound_is_refused_with_a_message(built, cast, client, monkeypatch):
    monkeypatch.setattr("core.xlsx.MAX_EXPORT_ROWS", 1)
    page_client(client, cast.user("province_officer"))
    response = export(client, "/audits/")
    assert response.status_code == 400
    assert 'data-testid="export-refused"' in response.content.decode()
    assert "2" in response.content.decode()
    assert export(client, "/audits/?region=3201").status_code == 200  # narrowed: one


def test_each_list_page_links_its_export_with_its_filters(built, cast, client):
    page_client(client, cast.user("province_officer"))
    html = client.get("/audits/?region=3201&page=1").content.decode()
    link = re.search(r'href="([^"]*)" data-testid="export"', html).group(1)
    assert "export=xlsx" in link and "region=3201" in link and "page" not in link
    for url in ("/enterprises/", f"/lists/{built['key_list'].pk}/", "/reviews/", "/filings/"):
        assert 'data-testid="export"' in client.get(url).content.decode(), url
    # printing hides the navigation, the filters and the buttons
    assert "css/print.css" in html


# --- each role as on the page -------------------------------------------------------

ALL = {
    "admin": 200,
    "province_officer": 200,
    "other_province_officer": 200,
    "city_officer": 200,
    "consultant": 200,
    "other_consultant": 200,
    "enterprise_user": 200,
    "other_enterprise_user": 200,
    "expert": 200,
    "anonymous": 302,
}
SUPERVISORS = ALL | {
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 403,
    "other_enterprise_user": 403,
    "expert": 403,
}


class TestExportRoles(RoleMatrix):
    """The export answers each role as the page does (and the page as it did)."""

    api = False
    build = staticmethod(world)
    matrix = {
        "audits": ALL,
        "enterprises": SUPERVISORS,
        "entries": SUPERVISORS | {"other_province_officer": 404},
        "reviews": ALL,
        "filings": ALL | {"expert": 403},
        "key-lists": SUPERVISORS,
    }

    def request(self, action, client, cast):
        key_list = KeyEnterpriseList.objects.get(pk=self.world.key_list.pk)
        url = {
            "audits": "/audits/",
            "enterprises": "/enterprises/",
            "entries": f"/lists/{key_list.pk}/",
            "reviews": "/reviews/",
            "filings": "/filings/",
            "key-lists": "/lists/",
        }[action]
        page = client.get(url)
        exported = export(client, url)
        assert exported.status_code == page.status_code
        if exported.status_code == 200:
            assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
        return exported


def test_exports_run_the_same_queries_for_few_and_many_rows(built, cast, client):
    from procedures import services as procedures
    from tests.support.cast import enterprise
    from tests.support.matrix import assert_constant_queries

    page_client(client, cast.user("province_officer"))
    serial = iter(range(500, 600))

    def more_enterprises(n):
        for _ in range(n):
            number = next(serial)
            enterprise(f"Works {number}", "320115", "22", number)

    assert_constant_queries(lambda: export(client, "/enterprises/"), more_enterprises)

    officer = cast.user("province_officer")
    procedures.filing_return(actor=officer, filing=built["filing"], reason="x")

    def more_filings(n):
        for _ in range(n):
            filing = filed(cast, built["audit"])
            procedures.filing_return(actor=officer, filing=filing, reason="x")

    assert_constant_queries(
        lambda: export(client, "/filings/?state=returned"), more_filings, few=1, many=4
    )
