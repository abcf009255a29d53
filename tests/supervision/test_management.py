"""Authorities manage their region (issue 16, item 4, in part): an officer registers and
edits enterprises (with the SME figures) and certified auditors (issue dates, expiries,
renewals; expiring within 90 days flagged) of its region, and cannot outside it (404 for
an object, a form error for a region or firm it may not choose)."""

import datetime

import pytest
from django.utils import timezone

from accounts.choices import AuditorLevel
from accounts.models import Auditor
from core.credit_code import make_credit_code
from enterprises.models import Enterprise
from tests.supervision.roles import NOT_FOR_THEM
from tests.support.matrix import RoleMatrix

pytestmark = pytest.mark.django_db

LOGIN = 302


def enterprise_data(region="320115", serial=777, **extra):
    return {
        "name": "Jiangning Foundry Co.",
        "credit_code": make_credit_code(division=region[:4] + "00", serial=serial),
        "region": region,
        "industry": "33",
        "address": "Jiangning",
        "employees": "900",
        "annual_sales": "150000000",
        "total_assets": "",
        **extra,
    }


def test_officer_registers_an_enterprise_in_its_region(cast, client):
    client.force_login(cast.user("city_officer"))
    response = client.post("/supervision/enterprises/new/", enterprise_data())
    assert response.status_code == 302, response.content[:500]
    enterprise = Enterprise.objects.get(name="Jiangning Foundry Co.")
    assert enterprise.is_sme and enterprise.region_id == "320115"
    edited = client.post(
        f"/supervision/enterprises/{enterprise.pk}/edit/",
        enterprise_data(employees="2500", annual_sales="900000000", total_assets="900000000"),
    )
    assert edited.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.employees == 2500 and not enterprise.is_sme


def test_not_outside_the_region(cast, client):
    client.force_login(cast.user("city_officer"))
    # Suzhou is not Nanjing's: not a choice, a form error, nothing saved.
    response = client.post("/supervision/enterprises/new/", enterprise_data(region="320509"))
    assert response.status_code == 400 and b"region" in response.content
    assert not Enterprise.objects.filter(name="Jiangning Foundry Co.").exists()
    assert (
        client.get(f"/supervision/enterprises/{cast.suzhou_enterprise.pk}/edit/").status_code == 404
    )


def test_bad_credit_code_is_a_form_error(cast, client):
    client.force_login(cast.user("province_officer"))
    response = client.post(
        "/supervision/enterprises/new/", enterprise_data(credit_code="91320100MA1234567X")
    )
    assert response.status_code == 400
    assert not Enterprise.objects.filter(name="Jiangning Foundry Co.").exists()


def test_auditors_registered_renewed_and_flagged(cast, client):
    today = timezone.localdate()
    Auditor.objects.create(
        name="Soon Expired",
        certificate_no="JS-0900",
        level=AuditorLevel.AUDITOR,
        issued_on=today - datetime.timedelta(days=1400),
        valid_until=today + datetime.timedelta(days=20),
        organization=cast.firm,
    )
    client.force_login(cast.user("province_officer"))
    page = client.get("/supervision/auditors/").content.decode()
    assert "Soon Expired" in page and 'data-testid="expiring"' in page
    assert "Wang Hua" not in page  # Zhejiang's firm
    created = client.post(
        "/supervision/auditors/",
        {
            "name": "Qian Yu",
            "certificate_no": "JS-0901",
            "level": "principal",
            "issued_on": "2026-01-10",
            "valid_until": "",
            "organization": cast.firm.pk,
        },
    )
    assert created.status_code == 302
    assert Auditor.objects.get(certificate_no="JS-0901").valid_until == datetime.date(2031, 1, 10)
    soon = Auditor.objects.get(certificate_no="JS-0900")
    renewed = client.post(
        f"/supervision/auditors/{soon.pk}/",
        {
            "name": soon.name,
            "certificate_no": soon.certificate_no,
            "level": "auditor",
            "issued_on": today.isoformat(),
            "valid_until": "",
            "organization": cast.firm.pk,
        },
    )
    assert renewed.status_code == 302
    soon.refresh_from_db()
    assert soon.issued_on == today and soon.valid_until.year == today.year + 4
    # A certificate number already taken, a firm of another province: form errors.
    duplicate = client.post(
        "/supervision/auditors/",
        {
            "name": "X",
            "certificate_no": "JS-0901",
            "level": "auditor",
            "issued_on": "2026-01-10",
            "organization": cast.firm.pk,
        },
    )
    assert duplicate.status_code == 400
    foreign = client.post(
        "/supervision/auditors/",
        {
            "name": "X",
            "certificate_no": "JS-0902",
            "level": "auditor",
            "issued_on": "2026-01-10",
            "organization": cast.other_firm.pk,
        },
    )
    assert foreign.status_code == 400
    assert client.get(f"/supervision/auditors/{cast.other_auditor.pk}/").status_code == 404


class TestManagementPageRoles(RoleMatrix):
    api = False
    matrix = {
        "new_enterprise": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        "edit_enterprise": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        "auditors": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        "auditor": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
    }

    def request(self, action, client, cast):
        if action == "new_enterprise":
            return client.get("/supervision/enterprises/new/")
        if action == "edit_enterprise":
            return client.get(f"/supervision/enterprises/{cast.enterprise.pk}/edit/")
        if action == "auditors":
            return client.get("/supervision/auditors/")
        return client.get(f"/supervision/auditors/{cast.auditor.pk}/")
