import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enterprises.models import EmissionDisclosure
from tests.support.cast import ROLES
from tests.support.lists import draft_list, published_list
from tests.support.matrix import RoleMatrix, api_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/disclosures/"
POLLUTANTS = [
    {
        "pollutant": "COD",
        "discharge_mode": "direct",
        "concentration": "120",
        "concentration_unit": "mg/L",
        "total_emitted_t": "55.5",
        "standard": "GB 3544-2008",
        "standard_limit": "100",
        "quota_t": "50",
    }
]


def pdf(name="report.pdf", body=b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def submit(client, entry, **extra):
    data = {
        "entry": entry.pk,
        "legal_representative": "Chen Jin",
        "address": "1 Paper Rd",
        "document": pdf(),
        "pollutants": json.dumps(POLLUTANTS),
    } | extra
    return client.post(URL, data, format="multipart")


class TestDisclosureApiRoles(RoleMatrix):
    build = staticmethod(lambda cast: {"key_list": published_list(cast)})
    matrix = {
        # The Nanjing enterprise's entry: only it (or an admin) discloses; published
        # entries are public, so everyone else is refused (403), not kept in the dark.
        "create": {
            "admin": 201,
            "province_officer": 403,
            "other_province_officer": 403,
            "city_officer": 403,
            "consultant": 403,
            "other_consultant": 403,
            "enterprise_user": 201,
            "other_enterprise_user": 403,
            "expert": 403,
            "anonymous": 401,
        },
        "list": {role: 200 for role in ROLES} | {"anonymous": 401},
        "public_list": {role: 200 for role in ROLES},
        "public_document": {role: 200 for role in ROLES},
    }

    def request(self, action, client, cast):
        key_list = self.world.key_list
        entry = key_list.entries.get(enterprise=cast.enterprise)
        if action == "create":
            return submit(client, entry)
        if action == "list":
            return client.get(URL)
        disclosure = submit(api_client(cast.user("enterprise_user")), entry).data
        if action == "public_list":
            return client.get("/api/v1/public/disclosures/")
        return client.get(disclosure["document_url"])


def test_disclosure_is_public_with_exceedance(cast):
    entry = published_list(cast).entries.get(enterprise=cast.enterprise)
    response = submit(api_client(cast.user("enterprise_user")), entry)
    assert response.status_code == 201, response.data
    data = api_client(None).get("/api/v1/public/disclosures/").data["results"][0]
    assert data["enterprise"]["name"] == "Jinling Paper Co."
    assert data["legal_representative"] == "Chen Jin"
    row = data["pollutants"][0]
    assert (row["concentration_exceedance_pct"], row["quota_exceedance_pct"]) == ("20.0", "11.0")
    assert len(data["document_sha256"]) == 64
    assert data["disclosure_due"] == "2026-04-01"


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(cast):
    entry = published_list(cast).entries.get(enterprise=cast.enterprise)
    response = submit(
        api_client(cast.user("enterprise_user")),
        entry,
        document=pdf(body=b"MZ\x90\x00 this is an executable"),
    )
    assert response.status_code == 400
    assert "document" in response.data
    assert not EmissionDisclosure.objects.exists()


def test_disclosure_rules(cast):
    client = api_client(cast.user("enterprise_user"))
    entry = published_list(cast).entries.get(enterprise=cast.enterprise)
    assert submit(client, entry, pollutants="[]").status_code == 400
    assert submit(client, entry, pollutants="not json").status_code == 400
    assert submit(client, entry).status_code == 201
    second = submit(client, entry)
    assert second.status_code == 409
    assert "already submitted" in second.data["unmet"][0]
    # Not listed for exceeding standards, or the list still a draft: no disclosure.
    toxic = published_list(cast, year=2027, categories=("toxic_hazardous",))
    response = submit(client, toxic.entries.get(enterprise=cast.enterprise))
    assert response.status_code == 409
    draft = draft_list(cast, year=2028)
    response = submit(client, draft.entries.get(enterprise=cast.enterprise))
    assert response.status_code == 400  # a draft's entry is not visible to the enterprise
