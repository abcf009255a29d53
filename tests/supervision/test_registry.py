"""The consultancies' registry (issue 16, item 3): a firm's registered industries and
region; engaging it outside them warns (or, where the policy says so, is refused); a
firm's record as a page and at `/api/v1/consultancies/{id}/record/`."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.choices import AuditorLevel
from accounts.models import Auditor
from audits import services as audit_services
from audits.choices import AuditState
from audits.models import Audit
from enterprises.models import Industry, Region
from supervision import services
from supervision.choices import OutsideIndustry
from supervision.models import ConsultancyRegistration, SupervisionPolicy
from tests.supervision.roles import NOT_FOR_THEM
from tests.support.audits import engaged_audit
from tests.support.lists import published_list
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries
from tests.support.reviews import conclude_round, submitted

pytestmark = pytest.mark.django_db

LOGIN = 302


def register(cast, *codes, firm=None):
    return services.registration_save(
        actor=cast.user("province_officer"),
        organization=firm or cast.firm,
        industries=list(Industry.objects.filter(code__in=codes)),
        region=Region.objects.get(code="320000"),
    )


def listed_audit(cast):
    published_list(cast, year=2026, published_on=timezone.localdate())
    return Audit.objects.get(enterprise=cast.enterprise)


def engage(cast, audit, firm=None):
    return audit_services.audit_update(
        actor=cast.user("enterprise_user"), audit=audit, consultancy=firm or cast.firm
    )


def test_engaging_a_firm_registered_for_the_industry_is_quiet(cast):
    register(cast, "22")  # the Nanjing enterprise makes paper (22)
    assert engage(cast, listed_audit(cast)).engagement_warnings == []


def test_engaging_a_firm_outside_its_industries_warns(cast):
    register(cast, "26")
    audit = engage(cast, listed_audit(cast))
    assert audit.consultancy == cast.firm
    [warning] = audit.engagement_warnings
    assert "22" in warning and "26" in warning


def test_an_unregistered_firm_warns_too(cast):
    audit = engage(cast, listed_audit(cast))
    assert "registry" in audit.engagement_warnings[0]


def test_where_the_policy_refuses_the_engagement_is_refused(cast):
    register(cast, "26")
    SupervisionPolicy.objects.create(province_id="320000", outside_industry=OutsideIndustry.REFUSE)
    audit = listed_audit(cast)
    with pytest.raises(ValidationError) as error:
        engage(cast, audit)
    assert "consultancy" in error.value.message_dict
    assert Audit.objects.get(pk=audit.pk).consultancy is None


def test_api_answers_the_warning_and_the_refusal(cast):
    register(cast, "26")
    audit = listed_audit(cast)
    client = api_client(cast.user("enterprise_user"))
    answer = client.patch(
        f"/api/v1/audits/{audit.pk}/", {"consultancy": cast.firm.pk}, format="json"
    )
    assert answer.status_code == 200 and answer.data["engagement_warnings"]
    client.patch(f"/api/v1/audits/{audit.pk}/", {"consultancy": None}, format="json")
    SupervisionPolicy.objects.create(province_id="320000", outside_industry=OutsideIndustry.REFUSE)
    refused = client.patch(
        f"/api/v1/audits/{audit.pk}/", {"consultancy": cast.firm.pk}, format="json"
    )
    assert refused.status_code == 400 and "consultancy" in refused.data


def test_the_audit_page_warns(cast, client):
    register(cast, "26")
    audit = listed_audit(cast)
    client.force_login(cast.user("enterprise_user"))
    response = client.post(
        f"/audits/{audit.pk}/update/",
        {"section": "engagement", "consultancy": cast.firm.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert 'data-testid="engagement-warning"' in response.content.decode()


def test_registration_is_kept_by_the_authorities_over_the_firm(cast):
    register(cast, "22", "26")
    assert sorted(ConsultancyRegistration.objects.get().industry_codes) == ["22", "26"]
    with pytest.raises(PermissionDenied):
        services.registration_save(
            actor=cast.user("other_province_officer"),
            organization=cast.firm,
            industries=list(Industry.objects.filter(code="22")),
            region=Region.objects.get(code="320000"),
        )
    with pytest.raises(ValidationError):
        services.registration_save(
            actor=cast.user("province_officer"),
            organization=cast.firm,
            industries=[],
            region=Region.objects.get(code="320000"),
        )


def test_firm_record(cast):
    register(cast, "22")
    review = submitted(cast)
    conclude_round(cast, review.audit, AuditState.IMPLEMENTATION)
    Auditor.objects.create(
        name="Expiring Soon",
        certificate_no="JS-0099",
        level=AuditorLevel.AUDITOR,
        issued_on=datetime.date(2022, 1, 1),
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
        organization=cast.firm,
    )
    response = api_client(cast.user("province_officer")).get(
        f"/api/v1/consultancies/{cast.firm.pk}/record/"
    )
    assert response.status_code == 200
    record = response.data
    assert record["audits"] == 1
    assert record["audits_by_state"]["implementation"] == 1
    assert record["first_round_concluded"] == 1 and record["first_round_passed"] == 1
    assert record["first_time_pass_pct"] == "100.0"
    assert record["assessment_mean_score"] is not None
    assert record["registration"]["industries"] == ["22"]
    expiring = [a for a in record["auditors"] if a["expiring"]]
    assert [a["name"] for a in expiring] == ["Expiring Soon"]
    assert isinstance(record["signals"], dict)


def test_firm_page_saves_the_registration_and_shows_the_record(cast, client):
    engaged_audit(cast)
    client.force_login(cast.user("province_officer"))
    page = client.get(f"/supervision/firms/{cast.firm.pk}/")
    assert page.status_code == 200 and 'data-testid="record"' in page.content.decode()
    response = client.post(
        f"/supervision/firms/{cast.firm.pk}/", {"industries": ["22", "17"], "region": "320000"}
    )
    assert response.status_code == 302
    assert sorted(ConsultancyRegistration.objects.get().industry_codes) == ["17", "22"]
    bad = client.post(f"/supervision/firms/{cast.firm.pk}/", {"industries": [], "region": ""})
    assert bad.status_code == 400
    listing = client.get("/supervision/firms/").content.decode()
    assert cast.firm.name in listing and "17, 22" in listing


def test_firm_list_queries_do_not_grow_with_the_firms(cast, client):
    from accounts.choices import OrganizationKind
    from accounts.models import Organization

    client.force_login(cast.user("province_officer"))
    made = []

    def grow(n):
        for _ in range(n):
            firm = Organization.objects.create(
                name=f"Firm {len(made)}", kind=OrganizationKind.CONSULTANCY, region_id="320100"
            )
            made.append(firm)
            register(cast, "22", firm=firm)

    assert_constant_queries(lambda: client.get("/supervision/firms/"), grow, few=2, many=8)


def registry_world(cast):
    engaged_audit(cast)
    return {}


class TestConsultancyApiRoles(RoleMatrix):
    build = staticmethod(registry_world)
    matrix = {
        "list": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": 401,
        },
        "record": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": 401,
        },
        "register": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": 401,
        },
    }

    def request(self, action, client, cast):
        base = f"/api/v1/consultancies/{cast.firm.pk}/"
        if action == "list":
            return client.get("/api/v1/consultancies/")
        if action == "record":
            return client.get(f"{base}record/")
        return client.put(
            f"{base}registration/", {"industries": ["22"], "region": "320100"}, format="json"
        )


class TestConsultancyPageRoles(RoleMatrix):
    api = False
    build = staticmethod(registry_world)
    matrix = {
        "list": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        "record": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
    }

    def request(self, action, client, cast):
        if action == "list":
            return client.get("/supervision/firms/")
        return client.get(f"/supervision/firms/{cast.firm.pk}/")


def test_registration_api_rejects_bad_input(cast):
    client = api_client(cast.user("province_officer"))
    response = client.put(
        f"/api/v1/consultancies/{cast.firm.pk}/registration/",
        {"industries": ["XX"], "region": "320000"},
        format="json",
    )
    assert response.status_code == 400 and "industries" in response.data
    assert client.get(f"/api/v1/consultancies/{cast.firm.pk}/registration/").status_code == 404
