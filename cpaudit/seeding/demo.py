"""Demo data for local use: Jiangsu with a few cities, one consulting firm, ten
enterprises, one login per role (and two more experts for a panel), one audit started
and one under assessment, the steps around them (registration, filings returned,
accepted and waiting, a scheduled review meeting, the cities' proposals for next year's
draft). Idempotent: run it as often as you like."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.choices import CERTIFICATE_YEARS, AuditorLevel, OrganizationKind, Role
from accounts.models import Auditor, Organization, User
from assessments import services as review_services
from assessments.models import ExpertProfile, Review
from audits import publishing
from audits import services as audit_services
from audits.choices import AuditState, CostClass, DocumentKind, OptionStatus
from audits.models import Audit
from audits.services import audit_update
from audits.workflow import audit_transition
from core import workdays
from core.credit_code import make_credit_code
from enterprises import services as lists
from enterprises.models import Enterprise, Industry, KeyEnterpriseList, Region
from procedures import services as procedures
from supervision.choices import PenaltyGround, ReportKind
from supervision.models import Penalty, UpwardReport, Urge
from supervision.services import penalty_record, registration_save, urge_send
from supervision.workflow import upward_report_create, upward_report_submit
from survey import services as survey_services

DEMO_PASSWORD = "cpaudit-demo"
# The demo firm is registered for paper, chemicals and textiles (GB/T 4754 divisions).
REGISTERED_INDUSTRIES = ["22", "26", "17"]

# (name, district, industry, employees, annual sales in 10k yuan, total assets in 10k yuan)
ENTERPRISES = [
    ("南京金陵纸业有限公司", "320115", "22", 1350, 52000, 61000),
    ("南京扬子精细化工有限公司", "320116", "26", 2600, 380000, 520000),
    ("南京梅山钢铁制品有限公司", "320114", "31", 5200, 1200000, 1500000),
    ("苏州吴江丝绸印染有限公司", "320509", "17", 860, 24000, 18000),
    ("苏州吴中精密电子有限公司", "320506", "39", 3100, 450000, 410000),
    ("昆山新材料电镀有限公司", "320583", "33", 240, 8000, 6500),
    ("无锡太湖水泥有限公司", "320206", "30", 620, 41000, 53000),
    ("无锡惠山制药有限公司", "320206", "27", 1900, 260000, 390000),
    ("江阴长江有色金属有限公司", "320281", "32", 2300, 620000, 700000),
    ("南京江北热电有限公司", "320111", "44", 450, 310000, 880000),
]

USERS = [
    # username, role, full name, organisation key or None
    ("admin", Role.ADMIN, "系统管理员", None),
    ("authority", Role.AUTHORITY, "江苏省生态环境厅 王处长", "province"),
    ("nanjing", Role.AUTHORITY, "南京市生态环境局 李科长", "nanjing"),
    ("consultant", Role.CONSULTANT, "绿源咨询 张工", "firm"),
    ("enterprise", Role.ENTERPRISE, "金陵纸业 环保部 陈经理", None),
    ("expert", Role.EXPERT, "清洁生产专家 刘教授", "experts"),
    ("expert2", Role.EXPERT, "清洁生产专家 周高工", "experts"),
    ("expert3", Role.EXPERT, "清洁生产专家 吴研究员", "experts"),
]
# Industries of expertise of the three experts (GB/T 4754 divisions).
EXPERTISE = {"expert": ["22", "26"], "expert2": ["26", "27"], "expert3": ["31", "32"]}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def seed_demo() -> str:
    """Load the demo data set (idempotent); what was loaded, in a sentence."""
    return Demo().run()


class Demo:
    @transaction.atomic
    def run(self) -> str:
        orgs = {
            "province": self.org("江苏省生态环境厅", OrganizationKind.AUTHORITY, "320000"),
            "nanjing": self.org("南京市生态环境局", OrganizationKind.AUTHORITY, "320100"),
            "firm": self.org(
                "江苏绿源清洁生产咨询有限公司",
                OrganizationKind.CONSULTANCY,
                "320100",
                credit_code=make_credit_code(division="320100", serial=90000001),
            ),
            "experts": self.org("江苏省清洁生产专家库", OrganizationKind.EXPERT_BODY, "320000"),
        }
        enterprises = []
        for serial, (name, district, industry, staff, sales, assets) in enumerate(ENTERPRISES, 1):
            code = make_credit_code(division=district[:4] + "00", serial=10_000_000 + serial)
            enterprise, _ = Enterprise.objects.update_or_create(
                credit_code=code,
                defaults={
                    "name": name,
                    "region_id": district,
                    "industry_id": industry,
                    "address": f"{name[:2]}市",
                    "employees": staff,
                    "annual_sales": Decimal(sales) * 10000,
                    "total_assets": Decimal(assets) * 10000,
                },
            )
            enterprises.append(enterprise)

        today = timezone.localdate()
        for number, (name, level, valid_until) in enumerate(
            [
                ("张明", AuditorLevel.PRINCIPAL, today + datetime.timedelta(days=900)),
                ("赵丽", AuditorLevel.AUDITOR, today + datetime.timedelta(days=400)),
                ("孙强", AuditorLevel.ASSOCIATE, today - datetime.timedelta(days=30)),
            ],
            1,
        ):
            Auditor.objects.update_or_create(
                certificate_no=f"JSCP-{2024 + number % 2}-{number:04d}",
                defaults={
                    "name": name,
                    "level": level,
                    "issued_on": valid_until - relativedelta(years=CERTIFICATE_YEARS[level]),
                    "valid_until": valid_until,
                    "organization": orgs["firm"],
                },
            )

        for username, role, full_name, org_key in USERS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role = role
            user.full_name = full_name
            user.email = f"{username}@demo.cpaudit.local"
            user.organization = orgs.get(org_key)
            user.enterprise = enterprises[0] if role == Role.ENTERPRISE else None
            user.is_superuser = role == Role.ADMIN
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role == Role.EXPERT:
                profile, _ = ExpertProfile.objects.get_or_create(user=user)
                profile.industries.set(EXPERTISE[username])
        # The firm's registered industries and region, before the enterprises engage it.
        registration_save(
            actor=User.objects.get(username="authority"),
            organization=orgs["firm"],
            industries=list(Industry.objects.filter(code__in=REGISTERED_INDUSTRIES)),
            region=Region.objects.get(code="320000"),
        )
        self.key_list(enterprises)
        self.supervision(enterprises)
        return (
            f"Demo data ready: {len(ENTERPRISES)} enterprises; logins "
            + ", ".join(u[0] for u in USERS)
            + f" with password {DEMO_PASSWORD!r}."
        )

    def supervision(self, enterprises):
        """Nanjing's half-year report as of 30 June submitted to the province; an urge
        notice about the steelworks' audit, which never started; a penalty decided
        against it, and the firm named for a contract it did not file."""
        nanjing = User.objects.get(username="nanjing")
        province = User.objects.get(username="authority")
        steel = Audit.objects.filter(enterprise=enterprises[2]).order_by("-round").first()
        if steel and not Urge.objects.filter(audit=steel).exists() and steel.overdue_kinds():
            urge_send(
                actor=nanjing,
                audit=steel,
                text="请于 15 个工作日内启动清洁生产审核并报送进展。",
            )
        if steel and not Penalty.objects.exists():
            penalty_record(
                actor=province,
                enterprise=enterprises[2],
                audit=steel,
                ground=PenaltyGround.NOT_AUDITED,
                legal_basis="《中华人民共和国清洁生产促进法》第三十九条",
                amount=Decimal("50000"),
                decided_on=datetime.date(2026, 9, 15),
            )
            penalty_record(
                actor=province,
                consultancy=Organization.objects.get(kind=OrganizationKind.CONSULTANCY),
                ground=PenaltyGround.OTHER,
                legal_basis="未按规定报备咨询服务合同，责令改正并通报",
                decided_on=datetime.date(2026, 9, 15),
            )
        day = datetime.date(2026, 6, 30)
        if day <= timezone.localdate() and not UpwardReport.objects.exists():
            report = upward_report_create(
                actor=nanjing,
                region=Region.objects.get(code="320100"),
                kind=ReportKind.PROGRESS_H1,
                year=2026,
                note="上半年重点企业清洁生产审核进展",
            )
            upward_report_submit(actor=nanjing, report=report, comment="按期报送")

    def key_list(self, enterprises):
        """Jiangsu's published 2026 list with eight of the enterprises; the first one's
        audit engaged with the firm and started."""
        if KeyEnterpriseList.objects.filter(province_id="320000", year=2026).exists():
            return
        officer = User.objects.get(username="authority")
        key_list = lists.key_list_create(
            actor=officer, province=Region.objects.get(code="320000"), year=2026
        )
        categories = [
            ["exceeds_standards"],
            ["toxic_hazardous"],
            ["energy_intensive"],
            ["exceeds_standards", "toxic_hazardous"],
        ]
        for number, enterprise in enumerate(enterprises[:8]):
            lists.entry_save(
                actor=officer,
                key_list=key_list,
                enterprise=enterprise,
                categories=categories[number % 4],
                reason="2025 年监督性监测超标或使用有毒有害原料",
            )
        publishing.key_list_publish(
            actor=officer, key_list=key_list, published_on=datetime.date(2026, 3, 1)
        )
        audit = Audit.objects.get(list_entry__key_list=key_list, enterprise=enterprises[0])
        audit = audit_update(
            actor=User.objects.get(username="enterprise"),
            audit=audit,
            consultancy=Organization.objects.get(kind=OrganizationKind.CONSULTANCY),
        )
        consultant = User.objects.get(username="consultant")
        audit_transition(
            audit=audit, to=AuditState.PLANNING, actor=consultant, comment="签订咨询合同，启动审核"
        )
        # Planning under way: the team and its leader named, the leadership's commitment
        # signed; the work plan still to come (the checklist shows it).
        team = self.team(consultant)
        audit_update(actor=consultant, audit=audit, team=team, team_leader=team[0])
        self.document(consultant, audit, DocumentKind.LEADERSHIP_COMMITMENT, "领导层承诺书")
        # Listed for exceeding standards, the enterprise disclosed its emissions: late
        # (the month after publication ended on 1 April). The fourth one has not yet.
        lists.disclosure_submit(
            actor=User.objects.get(username="enterprise"),
            entry=audit.list_entry,
            legal_representative="陈建国",
            address="南京市江宁区金陵路 8 号",
            document=SimpleUploadedFile("disclosure.pdf", PDF, content_type="application/pdf"),
            pollutants=[
                {
                    "pollutant": "化学需氧量",
                    "discharge_mode": "direct",
                    "concentration": Decimal("118"),
                    "total_emitted_t": Decimal("52.6"),
                    "standard": "GB 3544-2008",
                    "standard_limit": Decimal("100"),
                }
            ],
        )
        self.under_assessment(key_list, enterprises[1], officer)
        self.steps(key_list, enterprises, officer)

    def steps(self, key_list, enterprises, officer):
        """The steps around the audits (procedures): the first enterprise registered, its
        filing returned once and accepted on refiling; the third's filing waiting for the
        authority; the round under assessment with its meeting scheduled; Nanjing's
        proposals for the 2027 draft, one accepted into it with its reason, one waiting."""
        consultant = User.objects.get(username="consultant")
        enterprise_user = User.objects.get(username="enterprise")
        first = Audit.objects.get(list_entry__key_list=key_list, enterprise=enterprises[0])
        procedures.registration_save(
            actor=enterprise_user,
            audit=first,
            contact_name="陈建国",
            contact_phone="025-52110000",
            contact_email="chen@jinling-paper.example.cn",
        )
        returned = self.filing(consultant, first)
        procedures.filing_return(
            actor=officer,
            filing=returned,
            reason="审核工作计划缺少各阶段时间安排，请补充后重新报备。",
        )
        procedures.filing_accept(actor=officer, filing=self.filing(consultant, first))
        # The third enterprise has engaged the firm, which has not started yet: its start
        # is overdue, first in the firm's work queue (the operator records the
        # engagement, as the enterprise has no demo login).
        third = audit_update(
            actor=User.objects.get(username="admin"),
            audit=Audit.objects.get(list_entry__key_list=key_list, enterprise=enterprises[2]),
            consultancy=consultant.organization,
        )
        self.filing(consultant, third)
        review = Review.objects.get(
            audit__enterprise=enterprises[1], kind="assessment", state="panel_formed"
        )
        procedures.meeting_schedule(
            actor=officer,
            review=review,
            held_on=workdays.after(timezone.localdate(), 8).day,
            place="江苏省生态环境厅 3 楼会议室",
            link="https://meeting.example.cn/cp-2026-review",
        )
        draft = lists.key_list_create(
            actor=officer, province=Region.objects.get(code="320000"), year=2027
        )
        city = User.objects.get(username="nanjing")
        accepted = procedures.proposal_submit(
            actor=city,
            key_list=draft,
            enterprise=enterprises[2],
            categories=["energy_intensive"],
            reason="2026 年综合能耗超过 1 万吨标准煤",
            evidence=SimpleUploadedFile("energy.pdf", PDF, content_type="application/pdf"),
        )
        procedures.proposal_decide(actor=officer, proposal=accepted, accept=True)
        procedures.proposal_submit(
            actor=city,
            key_list=draft,
            enterprise=enterprises[9],
            categories=["exceeds_standards"],
            reason="2026 年监督性监测氮氧化物超标",
        )

    def filing(self, consultant, audit):
        documents = [
            audit_services.document_upload(
                actor=consultant,
                audit=audit,
                kind=kind,
                title=title,
                file=SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"),
            )
            for kind, title in (
                (DocumentKind.CONSULTANCY_CONTRACT, "清洁生产审核咨询合同"),
                (DocumentKind.WORK_PLAN, "清洁生产审核工作计划"),
            )
        ]
        return procedures.filing_submit(
            actor=consultant, audit=audit, kind="start", documents=documents
        )

    def under_assessment(self, key_list, enterprise, officer):
        """The second enterprise's audit carried through the phases by the firm and
        submitted for assessment, with a panel formed: the demo expert has a round to
        score and the authority one to conclude."""
        consultant = User.objects.get(username="consultant")
        audit = Audit.objects.get(list_entry__key_list=key_list, enterprise=enterprise)
        # The enterprise has no demo login: the operator records the engagement.
        audit = audit_update(
            actor=User.objects.get(username="admin"),
            audit=audit,
            consultancy=consultant.organization,
        )
        team = self.team(consultant)
        audit = audit_update(
            actor=consultant,
            audit=audit,
            team=team,
            team_leader=team[0],
            focus="精馏工段溶剂损耗与废水",
        )
        audit_transition(audit=audit, to=AuditState.PLANNING, actor=consultant)
        self.document(consultant, audit, DocumentKind.LEADERSHIP_COMMITMENT, "领导层承诺书")
        self.document(consultant, audit, DocumentKind.WORK_PLAN, "清洁生产审核工作计划")
        audit_transition(audit=audit, to=AuditState.PRE_ASSESSMENT, actor=consultant)
        audit_services.target_save(
            actor=consultant,
            audit=audit,
            indicator="吨产品新鲜水耗",
            unit="t/t",
            baseline=12,
            near_term=10,
            long_term=8,
        )
        options = [
            ("F1", "精馏塔回流比优化", CostClass.NO_LOW, 30000),
            ("F2", "冷凝水回用于循环冷却", CostClass.NO_LOW, 80000),
            ("F3", "溶剂回收装置改造", CostClass.MID_HIGH, 2600000),
        ]
        for code, title, cost_class, investment in options:
            audit_services.option_save(
                actor=consultant,
                audit=audit,
                code=code,
                title=title,
                aspect="technology",
                cost_class=cost_class,
                investment=investment,
            )
        # The status survey of the three years before the audit (issue 18): steady figures.
        survey_services.survey_save(
            actor=consultant,
            audit=audit,
            lines=[
                {
                    "category": "output",
                    "name": "精细化学品",
                    "unit": "t",
                    "values": [48000, 50000, 51000],
                },
                {
                    "category": "raw_material",
                    "name": "溶剂",
                    "unit": "t",
                    "values": [1900, 2000, 2050],
                },
                {
                    "category": "water",
                    "name": "新鲜水",
                    "unit": "t",
                    "values": [576000, 600000, 612000],
                },
                {
                    "category": "energy",
                    "name": "电力",
                    "unit": "万kWh",
                    "values": [1200, 1250, 1275],
                },
                {"category": "energy", "name": "天然气", "unit": "万m³", "values": [300, 310, 318]},
                {
                    "category": "wastewater",
                    "name": "废水",
                    "unit": "t",
                    "values": [460000, 480000, 490000],
                },
                {"category": "pollutant", "name": "COD", "unit": "t", "values": [23, 24, 24.5]},
                {
                    "category": "hazardous_waste",
                    "name": "精馏残渣",
                    "unit": "t",
                    "values": [310, 320, 330],
                },
            ],
        )
        audit_transition(audit=audit, to=AuditState.FOCUSED_ASSESSMENT, actor=consultant)
        # The water balance of the distillation section: 3 % unaccounted, within 5 %.
        audit_services.balance_save(
            actor=consultant,
            audit=audit,
            kind="water",
            title="精馏工段水平衡",
            unit="t/d",
            flows=[
                {"direction": "in", "name": "新鲜水", "quantity": 420},
                {"direction": "in", "name": "蒸汽冷凝水", "quantity": 60},
                {"direction": "out", "name": "工艺废水", "quantity": 310},
                {"direction": "out", "name": "冷却塔蒸发", "quantity": 156},
            ],
        )
        audit_transition(audit=audit, to=AuditState.OPTION_GENERATION, actor=consultant)
        for option in audit.options.all():
            audit_services.option_save(
                actor=consultant, audit=audit, option=option, status=OptionStatus.RETAINED
            )
        audit_transition(audit=audit, to=AuditState.FEASIBILITY, actor=consultant)
        for option in audit.options.filter(cost_class=CostClass.NO_LOW):
            audit_services.option_save(
                actor=consultant, audit=audit, option=option, status=OptionStatus.IMPLEMENTING
            )
            audit_services.option_save(
                actor=consultant,
                audit=audit,
                option=option,
                status=OptionStatus.IMPLEMENTED,
                implemented_on=datetime.date(2026, 9, 15),
                benefits=[{"indicator": "water_t", "expected": 12000, "actual": 10500}],
            )
        audit_services.option_save(
            actor=consultant,
            audit=audit,
            option=audit.options.get(code="F3"),
            status=OptionStatus.FEASIBLE,
            annual_net_benefit=900000,
            lifetime_years=10,
            discount_rate="0.08",
        )
        report = self.document(consultant, audit, DocumentKind.AUDIT_REPORT, "清洁生产审核报告")
        audit_transition(
            audit=audit, to=AuditState.UNDER_ASSESSMENT, actor=consultant, comment="提交评估申请"
        )
        experts = list(User.objects.filter(role=Role.EXPERT).order_by("username"))
        self.failed_first_round(audit, officer, consultant, experts, report)
        review = Review.objects.get(audit=audit, kind="assessment", round=2)
        review_services.panel_set(
            actor=officer, review=review, expert_ids=[expert.pk for expert in experts]
        )
        # The open round's signals and CP level as its page would record them, for the
        # statistics' signals by firm and city (issue 18; round 1 recorded at conclusion).
        review_services.signals(review)
        review_services.cp_level(review)

    def failed_first_round(self, audit, officer, consultant, experts, report):
        """Round 1 fails with two rectification demands; the firm answers both, uploads
        a second version of the report (the first stays) and re-applies: round 2 shows
        the snapshot of round 1, the answers and what changed (issue 11)."""
        review = Review.objects.get(audit=audit, kind="assessment", round=1)
        review_services.panel_set(
            actor=officer, review=review, expert_ids=[expert.pk for expert in experts]
        )
        for expert, total in zip(experts, (64, 66, 62), strict=True):
            review_services.score_submit(
                actor=expert,
                review=review,
                items=self.points(review, total),
                vetoes=[],
                comment="能源与水数据三年间相互矛盾",
            )
        review = review_services.review_conclude(
            actor=officer,
            review=review,
            opinion="报告中三年能源与水数据相互矛盾，未纳入在线监测数据。",
            demands=["核对并统一三年的能源与水数据。", "补充在线监测数据并分析。"],
        )
        audit.refresh_from_db()
        monitoring = self.document(consultant, audit, DocumentKind.EVIDENCE, "在线监测数据导出")
        answers = ["已按计量台账核对，报告第三章已修订。", "已补充2024—2026年在线监测数据。"]
        for demand, answer in zip(review.demands.order_by("position"), answers, strict=True):
            review_services.demand_respond(
                actor=consultant,
                demand=demand,
                response=answer,
                document=monitoring if demand.position == 2 else None,
            )
        audit_services.document_upload(
            actor=consultant,
            audit=audit,
            kind=DocumentKind.AUDIT_REPORT,
            title=report.title,
            supersedes=report,
            file=SimpleUploadedFile(
                "audit_report-v2.pdf", PDF + b"% v2\n", content_type="application/pdf"
            ),
        )
        option = audit.options.get(code="F3")
        audit_services.option_save(
            actor=consultant, audit=audit, option=option, annual_net_benefit=850000
        )
        audit_transition(
            audit=audit, to=AuditState.UNDER_ASSESSMENT, actor=consultant, comment="整改后重新申请"
        )

    def points(self, review, total) -> dict:
        """Points per item of the round's sheet adding up to `total`."""
        left, points = Decimal(total), {}
        for code, top in review.sheet.item_max().items():
            points[code] = str(min(top, left))
            left -= min(top, left)
        return points

    def team(self, consultant) -> list[Auditor]:
        """The firm's auditors with a valid certificate, the principal (longest valid) first."""
        return list(
            Auditor.objects.filter(
                organization=consultant.organization, valid_until__gte=timezone.localdate()
            ).order_by("-valid_until")
        )

    def document(self, consultant, audit, kind, title):
        return audit_services.document_upload(
            actor=consultant,
            audit=audit,
            kind=kind,
            title=title,
            file=SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"),
        )

    def org(self, name, kind, region, credit_code=""):
        org, _ = Organization.objects.update_or_create(
            name=name, defaults={"kind": kind, "region_id": region, "credit_code": credit_code}
        )
        return org
