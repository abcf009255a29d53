"""No existence oracle in list filters (issue 14, item 6): filtering by an object outside
the caller's scope and by one that does not exist answer alike (200, an empty page), for
every foreign-key filter of the API, as each outsider."""

import pytest

from audits.models import Document
from reporting.models import ReportJob
from tests.support.audits import add_option, engaged_audit, upload
from tests.support.matrix import api_client

pytestmark = pytest.mark.django_db

MISSING = 987654321


@pytest.fixture
def world(cast):
    audit = engaged_audit(cast)  # Nanjing's enterprise, the firm's audit
    option = add_option(cast, audit)
    upload(cast, audit)
    ReportJob.objects.create(
        kind="audit_summary", format="pdf", audit=audit, requested_by=cast.user("consultant")
    )
    return {"audit": audit, "option": option}


# (list, filter, the in-scope key, who is outside it)
CASES = [
    ("/api/v1/audits/", "enterprise", lambda c, w: c.enterprise.pk, "other_province_officer"),
    ("/api/v1/audits/", "consultancy", lambda c, w: c.firm.pk, "other_enterprise_user"),
    ("/api/v1/audits/", "enterprise", lambda c, w: c.enterprise.pk, "other_consultant"),
    ("/api/v1/targets/", "audit", lambda c, w: w["audit"].pk, "other_consultant"),
    ("/api/v1/balances/", "audit", lambda c, w: w["audit"].pk, "other_enterprise_user"),
    ("/api/v1/options/", "audit", lambda c, w: w["audit"].pk, "other_province_officer"),
    ("/api/v1/documents/", "audit", lambda c, w: w["audit"].pk, "other_consultant"),
    ("/api/v1/documents/", "option", lambda c, w: w["option"].pk, "other_consultant"),
    ("/api/v1/reports/", "audit", lambda c, w: w["audit"].pk, "other_enterprise_user"),
    ("/api/v1/assessments/", "audit", lambda c, w: w["audit"].pk, "other_province_officer"),
    ("/api/v1/auditors/", "organization", lambda c, w: c.firm.pk, "other_province_officer"),
]


@pytest.mark.parametrize(("url", "name", "key", "role"), CASES)
def test_out_of_scope_and_missing_answer_alike(cast, world, url, name, key, role):
    client = api_client(cast.user(role))
    outside = client.get(url, {name: key(cast, world)})
    missing = client.get(url, {name: MISSING})
    assert (outside.status_code, missing.status_code) == (200, 200)
    assert outside.data["results"] == missing.data["results"] == []
    assert outside.data["count"] == missing.data["count"] == 0


@pytest.mark.parametrize(("url", "name", "key", "role"), [*CASES[:3], CASES[5], CASES[6]])
def test_the_filter_still_filters_in_scope(cast, world, url, name, key, role):
    client = api_client(cast.user("admin"))
    assert client.get(url, {name: key(cast, world)}).data["count"] >= 1
    assert client.get(url, {name: MISSING}).data["count"] == 0


def test_a_document_filter_by_option_finds_its_documents(cast, world):
    Document.objects.update(option=world["option"])
    client = api_client(cast.user("consultant"))
    assert client.get("/api/v1/documents/", {"option": world["option"].pk}).data["count"] == 1
