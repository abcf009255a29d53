"""The fixed cast every test uses (style.md §8): who is who, and what they own."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.choices import AuditorLevel, OrganizationKind, Role
from accounts.models import Auditor, Organization, User
from core.credit_code import make_credit_code
from enterprises.models import Enterprise

PASSWORD = "test-pass-4821"

# The roles of the role matrices, in the order tests report them.
ROLES = (
    "admin",
    "province_officer",
    "other_province_officer",
    "city_officer",
    "consultant",
    "other_consultant",
    "enterprise_user",
    "other_enterprise_user",
    "expert",
    "anonymous",
)


@dataclass
class Cast:
    province: Organization  # Jiangsu EPB, 320000
    city: Organization  # Nanjing EPB, 320100
    other_province: Organization  # Zhejiang EPB, 330000
    firm: Organization  # consultancy in Nanjing
    other_firm: Organization  # consultancy in Hangzhou
    experts: Organization
    enterprise: Enterprise  # Nanjing, paper
    suzhou_enterprise: Enterprise  # Jiangsu but not Nanjing
    other_enterprise: Enterprise  # Hangzhou, chemicals
    auditor: Auditor  # of firm, valid
    other_auditor: Auditor  # of other_firm
    users: dict

    def user(self, role: str):
        return self.users.get(role)


def enterprise(name, district, industry, serial, **extra) -> Enterprise:
    return Enterprise.objects.create(
        name=name,
        region_id=district,
        industry_id=industry,
        credit_code=make_credit_code(division=district[:4] + "00", serial=serial),
        **extra,
    )


def user(username, role, **fields) -> User:
    account = User(
        username=username,
        role=role,
        full_name=username.replace("_", " "),
        email=f"{username}@example.test",
        is_superuser=role == Role.ADMIN,
        **fields,
    )
    account.set_password(PASSWORD)
    account.save()
    return account


def make_cast() -> Cast:
    def org(name, kind, region):
        return Organization.objects.create(name=name, kind=kind, region_id=region)

    province = org("Jiangsu EPB", OrganizationKind.AUTHORITY, "320000")
    city = org("Nanjing EPB", OrganizationKind.AUTHORITY, "320100")
    other_province = org("Zhejiang EPB", OrganizationKind.AUTHORITY, "330000")
    firm = org("Green Source Consulting", OrganizationKind.CONSULTANCY, "320100")
    other_firm = org("West Lake Consulting", OrganizationKind.CONSULTANCY, "330100")
    experts = org("Jiangsu CP expert pool", OrganizationKind.EXPERT_BODY, "320000")

    ours = enterprise("Jinling Paper Co.", "320115", "22", 1, employees=1200)
    suzhou = enterprise("Wujiang Dyeing Co.", "320509", "17", 2, employees=800)
    theirs = enterprise(
        "Qiantang Chemicals Co.",
        "330106",
        "26",
        3,
        employees=4000,
        annual_sales=900_000_000,
        total_assets=800_000_000,
    )

    later = timezone.localdate() + datetime.timedelta(days=365)
    issued = timezone.localdate() - datetime.timedelta(days=365)
    auditor = Auditor.objects.create(
        name="Zhang Ming",
        certificate_no="JS-0001",
        level=AuditorLevel.PRINCIPAL,
        issued_on=issued,
        valid_until=later,
        organization=firm,
    )
    other_auditor = Auditor.objects.create(
        name="Wang Hua",
        certificate_no="ZJ-0001",
        level=AuditorLevel.AUDITOR,
        issued_on=issued,
        valid_until=later,
        organization=other_firm,
    )
    users = {
        "admin": user("admin", Role.ADMIN),
        "province_officer": user("province_officer", Role.AUTHORITY, organization=province),
        "city_officer": user("city_officer", Role.AUTHORITY, organization=city),
        "other_province_officer": user(
            "other_province_officer", Role.AUTHORITY, organization=other_province
        ),
        "consultant": user("consultant", Role.CONSULTANT, organization=firm),
        "other_consultant": user("other_consultant", Role.CONSULTANT, organization=other_firm),
        "enterprise_user": user("enterprise_user", Role.ENTERPRISE, enterprise=ours),
        "other_enterprise_user": user("other_enterprise_user", Role.ENTERPRISE, enterprise=theirs),
        "expert": user("expert", Role.EXPERT, organization=experts),
        "anonymous": None,
    }
    return Cast(
        province,
        city,
        other_province,
        firm,
        other_firm,
        experts,
        ours,
        suzhou,
        theirs,
        auditor,
        other_auditor,
        users,
    )
