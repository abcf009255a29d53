"""A realistic province at scale, for benchmarks (`manage.py seed_scale`, issue 6).

Deterministic: everything is drawn from `random.Random` seeded with `--seed`, and every
date and timestamp counts from a fixed "today" (1 November of the last list year), so
the same arguments give the same rows, ids aside (`fingerprint` checks it).

What it builds for one province (default numbers):
- the province's EPB and one per city, with officers (`scale-32-province`, `scale-32-320100`…);
  ~40 consulting firms with certified auditors and consultants; a pool of ~60 experts
  with their industries; one user per enterprise;
- 20,000 enterprises over the counties and 20 industries, with valid credit codes whose
  organisation-code body starts with 6, each with a user `scale-32-e…` (that is how the
  data is found again);
- one published list per year; 30,000 audits (1.5 per enterprise: some enterprises are
  listed again in a later year for their next round), in every state, with deadlines
  from the province policy, transitions, targets, a balance, ~10 options per audit with
  expected and actual benefits (statuses consistent with the audit's state), documents
  (all rows point at one small PDF written once), disclosures and removed entries;
- review rounds consistent with the audits: a panel of 3 from the pool, each expert's
  points per sheet item, the mean score and the result by the sheet's rule; some fail
  round 1 and pass round 2.

Model instances are built in batches (500 audits' content at a time) and written with
COPY (`copy_insert`: ids taken from the sequences first, as `bulk_create` would return
them), all in one transaction; ~2 M rows in under 2 minutes on 2 cores. `purge_scale`
deletes a province's scale data again with set-based SQL (children before parents, the
relations discovered from the models).
"""

import datetime
import hashlib
import math
import random
import time
import zoneinfo
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from psycopg.types.json import Jsonb

from accounts.choices import AuditorLevel, OrganizationKind, Role
from accounts.models import Auditor, Organization, User
from assessments.choices import ReviewKind, ReviewResult, ReviewState
from assessments.models import (
    ExpertProfile,
    PanelChange,
    PanelMember,
    Review,
    Score,
    ScoringSheet,
    Verification,
    VerifiedBenefit,
)
from audits import totals
from audits.choices import (
    Aspect,
    AuditState,
    BalanceKind,
    CostClass,
    DocumentKind,
    FlowDirection,
    Indicator,
    OptionStatus,
)
from audits.economics import option_economics
from audits.models import (
    Audit,
    Balance,
    BalanceFlow,
    BenefitTotals,
    Document,
    Option,
    OptionBenefit,
    OptionTotals,
    Target,
    TransitionLog,
)
from core.credit_code import make_credit_code
from enterprises.choices import (
    AmendmentAction,
    DischargeMode,
    EntryStatus,
    ListStatus,
    RegionLevel,
)
from enterprises.models import (
    DisclosedPollutant,
    EmissionDisclosure,
    Enterprise,
    KeyEnterpriseList,
    ListAmendment,
    ListEntry,
    ProvincePolicy,
    Region,
)

S = AuditState
DEFAULT_LAST_YEAR = 2026
SERIAL_BASE = 60_000_000  # enterprises: organisation-code bodies 6xxxxxxx
MAX_ENTERPRISES = 9_999_999
FIRM_SERIAL_BASE = 59_000_000
SHOWCASE_OPTIONS = 100  # a few audits have exactly this many options (the benchmarks)
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")
PDF_TYPE = "application/pdf"
ORDER = [S.NOT_STARTED, S.PLANNING, S.PRE_ASSESSMENT, S.FOCUSED_ASSESSMENT,
         S.OPTION_GENERATION, S.FEASIBILITY, S.UNDER_ASSESSMENT, S.IMPLEMENTATION,
         S.SUSTAINING, S.UNDER_ACCEPTANCE, S.COMPLETED]
RANK = {state: number for number, state in enumerate(ORDER)}


def user_prefix(province_code: str) -> str:
    return f"scale-{province_code[:2]}-"


def scale_enterprises(province_code: str):
    """The province's scale enterprises: credit codes `91<division><6…>` and a user
    `scale-32-e…` (a real enterprise's code may start so; it has no such user)."""
    users = User.objects.filter(username__startswith=f"{user_prefix(province_code)}e",
                                enterprise__isnull=False)
    return Enterprise.objects.filter(pk__in=users.values("enterprise"),
                                     credit_code__regex=rf"^91{province_code[:2]}[0-9]{{4}}6")


def scale_users(province_code: str):
    return User.objects.filter(username__startswith=user_prefix(province_code))


def has_scale_data(province_code: str) -> bool:
    return scale_users(province_code).exists() or scale_enterprises(province_code).exists()


def shared_file_name(province_code: str) -> str:
    return f"scale/{province_code}/document.pdf"


# --- reference pools (GB/T 4754 divisions; names made up) ------------------------------

# code: (weight, words of an enterprise name, workshops)
INDUSTRIES = {
    "13": (5, ["食品", "粮油"], ["原料处理车间", "蒸煮工段", "包装车间"]),
    "15": (3, ["酒业", "饮料"], ["发酵车间", "灌装车间", "蒸馏工段"]),
    "17": (9, ["纺织", "印染"], ["前处理车间", "染色车间", "定型车间"]),
    "19": (3, ["皮革", "制革"], ["鞣制工段", "湿加工车间", "涂饰车间"]),
    "22": (5, ["纸业", "造纸"], ["制浆工段", "抄纸车间", "碱回收工段"]),
    "25": (2, ["石化", "焦化"], ["常减压装置", "焦炉车间", "储运罐区"]),
    "26": (12, ["化工", "精细化工"], ["合成车间", "精馏工段", "干燥包装车间"]),
    "27": (5, ["制药", "药业"], ["发酵车间", "合成车间", "溶剂回收工段"]),
    "28": (3, ["化纤", "合成纤维"], ["聚合车间", "纺丝车间", "加弹车间"]),
    "29": (5, ["塑胶", "橡塑"], ["注塑车间", "密炼车间", "挤出车间"]),
    "30": (6, ["建材", "水泥", "玻璃"], ["窑炉车间", "粉磨车间", "熔制工段"]),
    "31": (4, ["钢铁", "特钢"], ["炼钢车间", "轧钢车间", "烧结工段"]),
    "32": (3, ["有色金属", "铜业"], ["熔炼车间", "电解车间", "压延车间"]),
    "33": (8, ["金属制品", "电镀"], ["电镀车间", "酸洗工段", "涂装车间"]),
    "34": (5, ["机械", "通用设备"], ["机加工车间", "铸造车间", "涂装车间"]),
    "36": (4, ["汽车零部件", "汽车配件"], ["冲压车间", "焊装车间", "涂装车间"]),
    "38": (5, ["电器", "电机"], ["绕线车间", "浸漆工段", "装配车间"]),
    "39": (6, ["电子", "半导体"], ["清洗工段", "蚀刻车间", "表面贴装车间"]),
    "42": (2, ["再生资源", "资源利用"], ["分拣车间", "破碎工段", "熔炼车间"]),
    "44": (5, ["热电", "能源"], ["锅炉车间", "汽机车间", "脱硫脱硝装置"]),
}
TOXIC_INDUSTRIES = {"19", "25", "26", "27", "32", "33", "39", "42"}
ENERGY_INDUSTRIES = {"25", "28", "30", "31", "32", "44"}
BRANDS = ["华兴", "永盛", "宏达", "鑫源", "顺达", "兴业", "隆盛", "富华", "嘉禾", "联丰",
          "瑞祥", "九龙", "新城", "东升", "永鑫", "龙腾", "华宇", "凯达", "利民", "明珠",
          "开元", "三元", "佳禾", "德胜", "长青", "恒通", "瑞丰", "金泰", "安泰", "和信",
          "汇通", "同创", "广源", "泰和", "天成", "振华", "宝丰", "万隆", "裕丰", "鼎盛",
          "中达", "新亚", "博远", "荣昌", "华星", "金源", "蓝海", "清源", "绿洲", "海润",
          "立信", "永泰", "恒昌", "新元", "丰源", "聚力", "江海", "运河", "港城", "科达"]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "科技有限公司", "集团有限公司"]
ROADS = ["人民", "建设", "解放", "中山", "工业", "开发", "滨江", "长江", "太湖", "运河",
         "黄河", "新华", "文化", "友谊", "创业", "科技"]
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
            "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
         "建国志文斌宇浩凯鹏辉俊峰波晨欣雪琳婷倩颖慧佳")
FIRM_WORDS = ["环保科技有限公司", "清洁生产咨询有限公司", "环境工程技术有限公司",
              "节能环保服务有限公司", "环境咨询有限公司"]
CONCERNS = ["物耗与废水", "能耗", "VOCs无组织排放", "固废产生", "新鲜水耗", "重金属废水"]
TARGETS = [  # indicator, unit, baseline range, lower is better
    ("单位产品新鲜水耗", "t/t", (2, 40), True),
    ("单位产品综合能耗", "kgce/t", (50, 900), True),
    ("单位产品电耗", "kWh/t", (30, 600), True),
    ("单位产品COD产生量", "kg/t", (0.5, 20), True),
    ("VOCs排放量", "t/a", (2, 120), True),
    ("原料利用率", "%", (70, 92), False),
    ("工业固废综合利用率", "%", (60, 90), False),
    ("水重复利用率", "%", (55, 90), False),
]
OPTION_TITLES = {
    Aspect.RAW_MATERIALS: ["低毒原料替代", "原料投加计量改造", "优化原料配比", "辅料减量使用",
                           "原料库房防渗防漏", "清洁燃料替代燃煤"],
    Aspect.TECHNOLOGY: ["工艺参数优化", "逆流漂洗工艺改造", "余热回收利用", "冷凝水回用",
                        "溶剂回收工艺改造", "连续化生产工艺改造", "密闭化生产改造"],
    Aspect.EQUIPMENT: ["更换高效节能电机", "变频改造", "淘汰高耗能设备", "换热器升级",
                       "空压机系统节能改造", "LED照明改造", "跑冒滴漏设备维修"],
    Aspect.PROCESS_CONTROL: ["在线监测与自动控制", "DCS控制系统升级", "加药自动控制",
                             "温度与压力联锁控制", "能源计量系统完善"],
    Aspect.PRODUCT: ["产品包装减量化", "产品结构调整", "提高产品合格率"],
    Aspect.WASTE: ["废水分质分流回用", "废溶剂回收利用", "固废综合利用", "废气收集效率提升",
                   "危险废物减量化", "边角料回收利用"],
    Aspect.MANAGEMENT: ["完善清洁生产管理制度", "建立能源管理体系", "物料消耗定额考核",
                        "设备巡检制度完善", "危废台账规范化管理"],
    Aspect.EMPLOYEES: ["员工清洁生产培训", "节水节电合理化建议活动", "岗位操作规程培训"],
}
ASPECT_WEIGHTS = {Aspect.RAW_MATERIALS: 10, Aspect.TECHNOLOGY: 20, Aspect.EQUIPMENT: 20,
                  Aspect.PROCESS_CONTROL: 12, Aspect.PRODUCT: 4, Aspect.WASTE: 16,
                  Aspect.MANAGEMENT: 12, Aspect.EMPLOYEES: 6}
# indicator: (low, high) of an expected annual benefit of a no/low-cost option
BENEFIT_RANGES = {
    Indicator.WATER: (200, 50_000), Indicator.ELECTRICITY: (5_000, 800_000),
    Indicator.ENERGY: (2, 800), Indicator.RAW_MATERIAL: (1, 500),
    Indicator.WASTEWATER: (200, 40_000), Indicator.COD: (0.1, 30),
    Indicator.AMMONIA_NITROGEN: (0.01, 3), Indicator.SO2: (0.1, 40), Indicator.NOX: (0.1, 40),
    Indicator.PARTICULATES: (0.05, 15), Indicator.VOCS: (0.05, 10),
    Indicator.HAZARDOUS_WASTE: (0.1, 30), Indicator.SOLID_WASTE: (1, 800),
    Indicator.ECONOMIC: (5_000, 600_000),
}
POLLUTANTS = [  # name, unit, standard, limit
    ("化学需氧量", "mg/L", "GB 8978-1996", 100), ("氨氮", "mg/L", "GB 8978-1996", 15),
    ("二氧化硫", "mg/m³", "GB 13223-2011", 100), ("氮氧化物", "mg/m³", "GB 13223-2011", 100),
    ("颗粒物", "mg/m³", "GB 16297-1996", 120), ("总铬", "mg/L", "GB 21900-2008", 1.0),
    ("挥发性有机物", "mg/m³", "DB32/4041-2021", 60),
]
REMOVAL_REASONS = ["企业已关停", "企业已搬迁出本省", "经核实不属于重点企业", "企业已被兼并重组"]
ENTRY_REASONS = {
    "exceeds_standards": "上一年度监督性监测超标排放",
    "toxic_hazardous": "使用有毒有害原料或排放有毒有害物质",
    "energy_intensive": "能耗超过国家单位产品能耗限额",
}
# Share of the audits of a list in each state, by the list's age in months at "today".
STATE_WEIGHTS = [
    (12, {S.NOT_STARTED: 12, S.PLANNING: 18, S.PRE_ASSESSMENT: 18, S.FOCUSED_ASSESSMENT: 16,
          S.OPTION_GENERATION: 12, S.FEASIBILITY: 11, S.UNDER_ASSESSMENT: 7,
          S.IMPLEMENTATION: 3, S.CANCELLED: 3}),
    (24, {S.NOT_STARTED: 2, S.PLANNING: 2, S.PRE_ASSESSMENT: 3, S.FOCUSED_ASSESSMENT: 4,
          S.OPTION_GENERATION: 5, S.FEASIBILITY: 9, S.UNDER_ASSESSMENT: 10,
          S.IMPLEMENTATION: 25, S.SUSTAINING: 12, S.UNDER_ACCEPTANCE: 10, S.COMPLETED: 15,
          S.CANCELLED: 3}),
    (36, {S.NOT_STARTED: 0.5, S.PLANNING: 0.5, S.PRE_ASSESSMENT: 0.5,
          S.FOCUSED_ASSESSMENT: 1, S.OPTION_GENERATION: 1, S.FEASIBILITY: 2,
          S.UNDER_ASSESSMENT: 2, S.IMPLEMENTATION: 10, S.SUSTAINING: 6,
          S.UNDER_ACCEPTANCE: 7, S.COMPLETED: 66, S.CANCELLED: 3}),
    (10_000, {S.FEASIBILITY: 0.5, S.UNDER_ASSESSMENT: 0.5, S.IMPLEMENTATION: 3,
              S.SUSTAINING: 2, S.UNDER_ACCEPTANCE: 2, S.COMPLETED: 88, S.CANCELLED: 4}),
]
# (from, to, shortest, longest gap in days) of the audit's path, phase by phase
PHASES = [(S.NOT_STARTED, S.PLANNING, 20, 110), (S.PLANNING, S.PRE_ASSESSMENT, 15, 60),
          (S.PRE_ASSESSMENT, S.FOCUSED_ASSESSMENT, 20, 70),
          (S.FOCUSED_ASSESSMENT, S.OPTION_GENERATION, 15, 60),
          (S.OPTION_GENERATION, S.FEASIBILITY, 15, 60)]
BALANCE_TITLES = {BalanceKind.MATERIAL: "物料平衡", BalanceKind.WATER: "水平衡",
                  BalanceKind.ENERGY: "能量平衡"}
POINTS = Decimal("0.01")


def pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def money(value: float, step: int = 100) -> Decimal:
    return Decimal(int(round(value / step)) * step)


def amount(value: float) -> Decimal:
    """A benefit figure: 4 significant-ish decimals as the column keeps them."""
    if value >= 100:
        return Decimal(f"{value:.0f}")
    if value >= 1:
        return Decimal(f"{value:.2f}")
    return Decimal(f"{value:.4f}")


def short_region_name(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "区县市" else name


# --- the plan of one audit -------------------------------------------------------------

@dataclass
class Review_:
    kind: str
    round: int
    applied_on: datetime.date
    state: str = ReviewState.APPLIED
    result: str | None = None
    concluded_on: datetime.date | None = None


@dataclass
class Story:
    """One audit as planned: where it stands and how it got there."""

    enterprise: int  # index into the seeder's enterprises
    entry: ListEntry
    year: int
    published_on: datetime.date
    round: int
    state: str
    firm: int | None = None
    moves: list = field(default_factory=list)  # (date, from, to)
    reviews: list = field(default_factory=list)
    n_options: int = 0
    showcase: bool = False
    audit: Audit | None = None

    def reached(self, state) -> bool:
        return self.state != S.CANCELLED and RANK[self.state] >= RANK[state]

    def move_on(self, to) -> datetime.date | None:
        """The date of the first move into `to`."""
        return next((day for day, _from, target in self.moves if target == to), None)


class Seeder:
    def __init__(self, *, province: str, enterprises: int, years: int, seed: int,
                 last_year: int = DEFAULT_LAST_YEAR, password: str | None = None,
                 batch_size: int = 2000, write=print):
        self.province_code = province
        self.n_enterprises = enterprises
        self.n_years = years
        self.seed = seed
        self.last_year = last_year
        self.years = list(range(last_year - years + 1, last_year + 1))
        self.today = datetime.date(last_year, 11, 1)
        self.password = (make_password(password, salt=f"scale{seed}") if password
                         else f"!scale-{seed}")  # "!…" is an unusable password
        self.batch_size = batch_size
        self.write = write
        self.rng = random.Random(f"cpaudit-scale:{seed}")
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.prefix = user_prefix(province)
        self.timings: list[tuple[str, float, int]] = []
        self.counts: Counter = Counter()

    # -- helpers ---------------------------------------------------------------------------

    @contextmanager
    def step(self, label: str):
        started = time.perf_counter()
        before = sum(self.counts.values())
        yield
        elapsed = time.perf_counter() - started
        rows = sum(self.counts.values()) - before
        self.timings.append((label, elapsed, rows))
        self.write(f"  {label:<36} {elapsed:7.1f} s  {rows:>9,} rows")

    def insert(self, model, objects) -> list:
        """Insert `objects` (model instances) by COPY, with ids taken from the table's
        sequence first, as `bulk_create` would give them back; references to parents
        inserted before are resolved as `bulk_create` does."""
        if objects:
            copy_insert(model, objects, self.batch_size)
            self.counts[model._meta.label] += len(objects)
        return objects

    def at(self, day: datetime.date, rng: random.Random | None = None) -> datetime.datetime:
        rng = rng or self.rng
        return datetime.datetime(day.year, day.month, day.day, rng.randint(8, 17),
                                 rng.randint(0, 59), tzinfo=self.tz)

    def person(self, rng=None) -> str:
        rng = rng or self.rng
        return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> dict:
        started = time.perf_counter()
        with transaction.atomic():
            with self.step("reference data"):
                self.reference()
            with self.step("organisations, users, auditors"):
                self.organisations()
            with self.step("enterprises and their users"):
                self.make_enterprises()
            with self.step("key lists, entries, amendments"):
                self.make_lists()
            with self.step("audits (plan and rows)"):
                self.make_audits()
            with self.step("disclosures"):
                self.make_disclosures()
            with self.step("audit content and reviews"):
                self.make_content()
            with self.step("option and benefit totals"):
                self.make_totals()
        with self.step("analyze"):
            self.analyze()
        total = time.perf_counter() - started
        self.write(f"  {'total':<36} {total:7.1f} s  {sum(self.counts.values()):>9,} rows")
        return {"seconds": total, "counts": dict(self.counts), "timings": self.timings}

    def reference(self):
        self.province = Region.objects.get(code=self.province_code)
        p2 = self.province_code[:2]
        regions = Region.objects.filter(code__startswith=p2, retired=False).order_by("code")
        self.cities = [r for r in regions if r.level == RegionLevel.CITY] or [self.province]
        city_codes = {c.code for c in self.cities}
        self.counties = [r for r in regions if r.level == RegionLevel.COUNTY] or self.cities
        self.city_of = {}
        for county in self.counties:
            code = county.parent_id if county.parent_id in city_codes else county.code[:4] + "00"
            self.city_of[county.code] = code if code in city_codes else self.cities[0].code
        self.region_names = {r.code: r.name_zh for r in regions}
        self.policy = ProvincePolicy.for_province(self.province_code)
        self.policy_figures = self.policy.figures()
        self.sheets = {kind: ScoringSheet.objects.current(kind, self.province_code)
                       for kind in ReviewKind.values}
        self.industries = list(INDUSTRIES)
        # Counties are not equally industrial: a heavy tail of weights.
        self.county_weights = [self.rng.paretovariate(1.6) for _ in self.counties]
        self.stored = self.store_file()

    def store_file(self) -> dict:
        name = shared_file_name(self.province_code)
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(PDF))
        return {"name": name, "sha256": hashlib.sha256(PDF).hexdigest(), "size": len(PDF)}

    # -- organisations and people ----------------------------------------------------------

    def user(self, username, role, full_name, *, organization=None, enterprise=None):
        return User(username=self.prefix + username, role=role, full_name=full_name,
                    email=f"{self.prefix}{username}@scale.cpaudit.local".lower(),
                    password=self.password, organization=organization, enterprise=enterprise,
                    date_joined=self.at(datetime.date(self.years[0] - 1, 12, 1)))

    def organisations(self):
        rng = self.rng
        created = self.at(datetime.date(self.years[0] - 1, 12, 1))
        province_name = self.province.name_zh
        org = Organization
        self.province_org = org(name=f"{province_name}生态环境厅清洁生产审核处",
                                kind=OrganizationKind.AUTHORITY, region=self.province,
                                created_at=created)
        self.city_orgs = {c.code: org(name=f"{c.name_zh}生态环境局清洁生产科",
                                      kind=OrganizationKind.AUTHORITY, region=c,
                                      created_at=created)
                          for c in self.cities if c.code != self.province_code}
        self.expert_org = org(name=f"{province_name}清洁生产审核评审专家库",
                              kind=OrganizationKind.EXPERT_BODY, region=self.province,
                              created_at=created)
        n_firms = max(4, min(40, self.n_enterprises // 500))
        firm_cities = [rng.choice(self.cities) for _ in range(n_firms)]
        names = set()
        self.firms = []
        for number, city in enumerate(firm_cities):
            while (name := short_region_name(city.name_zh) + rng.choice(BRANDS)
                   + rng.choice(FIRM_WORDS)) in names:
                pass
            names.add(name)
            self.firms.append(org(
                name=name, kind=OrganizationKind.CONSULTANCY, region=city, created_at=created,
                credit_code=make_credit_code(division=city.code,
                                             serial=FIRM_SERIAL_BASE + number)))
        # A firm's quality drives its first-time pass rate and scores; its size how often
        # it is engaged.
        self.firm_quality = [rng.uniform(0.55, 0.95) for _ in self.firms]
        self.firm_weight = [rng.lognormvariate(0, 0.8) for _ in self.firms]
        self.insert(Organization, [self.province_org, *self.city_orgs.values(),
                                   self.expert_org, *self.firms])

        users = [self.user("province", Role.AUTHORITY, f"{province_name}生态环境厅 {self.person()}",
                           organization=self.province_org),
                 self.user("province-2", Role.AUTHORITY,
                           f"{province_name}生态环境厅 {self.person()}",
                           organization=self.province_org)]
        for code, city_org in self.city_orgs.items():
            users.append(self.user(code, Role.AUTHORITY,
                                   f"{self.region_names[code]}生态环境局 {self.person()}",
                                   organization=city_org))
        self.consultants = []  # per firm, its users
        auditors = []
        for number, firm in enumerate(self.firms, 1):
            staff = [self.user(f"f{number:02d}-{k}", Role.CONSULTANT,
                               f"{firm.name[:6]} {self.person()}", organization=firm)
                     for k in range(1, rng.randint(2, 4) + 1)]
            users.extend(staff)
            self.consultants.append(staff)
            for k in range(1, rng.randint(4, 12) + 1):
                expired = rng.random() < 0.1
                auditors.append(Auditor(
                    name=self.person(), organization=firm,
                    certificate_no=f"CP{self.province_code[:2]}-{number:03d}-{k:03d}-S{self.seed}",
                    level=pick(rng, {AuditorLevel.ASSOCIATE: 3, AuditorLevel.AUDITOR: 5,
                                     AuditorLevel.PRINCIPAL: 2}),
                    valid_until=self.today + datetime.timedelta(
                        days=rng.randint(-400, -10) if expired else rng.randint(60, 1500))))
        n_experts = max(8, min(60, self.n_enterprises // 330))
        self.experts = [self.user(f"x{k:02d}", Role.EXPERT, f"清洁生产专家 {self.person()}",
                                  organization=self.expert_org)
                        for k in range(1, n_experts + 1)]
        users.extend(self.experts)
        self.insert(User, users)
        self.officer = users[0]
        self.city_officer = {u.organization.region_id: u for u in users
                             if u.role == Role.AUTHORITY and u.organization in
                             self.city_orgs.values()}
        self.insert(Auditor, auditors)
        self.firm_auditors = defaultdict(list)
        for auditor in auditors:
            self.firm_auditors[auditor.organization_id].append(auditor.pk)

        # Expertise: every industry covered by at least three experts, more at random.
        expertise = defaultdict(set)
        for number, code in enumerate(self.industries * 3):
            expertise[number % n_experts].add(code)
        profiles, through = [], []
        self.expert_firm = {}
        for k, expert in enumerate(self.experts):
            expertise[k].update(rng.sample(self.industries, rng.randint(0, 2)))
            firm = rng.choice(self.firms) if rng.random() < 0.1 else None
            if firm:
                self.expert_firm[expert.pk] = firm.pk
            profiles.append(ExpertProfile(user=expert, consultancy=firm))
        self.insert(ExpertProfile, profiles)
        self.experts_of = defaultdict(list)
        for k, profile in enumerate(profiles):
            for code in sorted(expertise[k]):
                through.append(ExpertProfile.industries.through(
                    expertprofile_id=profile.pk, industry_id=code))
                self.experts_of[code].append(self.experts[k].pk)
        self.insert(ExpertProfile.industries.through, through)

    # -- enterprises -----------------------------------------------------------------------

    def make_enterprises(self):
        rng = self.rng
        weights = [INDUSTRIES[c][0] for c in self.industries]
        created = self.at(datetime.date(self.years[0] - 1, 6, 1))
        names = set()
        batch, self.enterprises = [], []
        for i in range(self.n_enterprises):
            county = rng.choices(self.counties, weights=self.county_weights)[0]
            industry = rng.choices(self.industries, weights=weights)[0]
            short = short_region_name(county.name_zh)
            for attempt in range(20):
                name = (short + rng.choice(BRANDS) + rng.choice(INDUSTRIES[industry][1])
                        + rng.choice(SUFFIXES))
                if attempt > 10:
                    name = name.replace("有限公司", f"{attempt}厂有限公司")
                if name not in names:
                    break
            names.add(name)
            employees = int(min(30_000, max(20, rng.lognormvariate(6.2, 1.1))))
            sales = employees * rng.uniform(3e5, 1.6e6)
            known = rng.random() > 0.08
            city = self.region_names[self.city_of[county.code]]
            batch.append(Enterprise(
                name=name, region_id=county.code, industry_id=industry,
                credit_code=make_credit_code(division=county.code, serial=SERIAL_BASE + i),
                address=f"{city}{county.name_zh}{rng.choice(ROADS)}路{rng.randint(1, 999)}号",
                employees=employees,
                annual_sales=money(sales, 10_000) if known else None,
                total_assets=money(sales * rng.uniform(0.6, 1.8), 10_000) if known else None,
                created_at=created, updated_at=created))
            if len(batch) >= 5000:
                self.enterprises.extend(self.insert(Enterprise, batch))
                batch = []
        self.enterprises.extend(self.insert(Enterprise, batch))
        self.enterprise_users = self.insert(User, [
            self.user(f"e{i:06d}", Role.ENTERPRISE, f"{e.name} 环保负责人 {self.person()}",
                      enterprise=e) for i, e in enumerate(self.enterprises)])

    # -- lists -----------------------------------------------------------------------------

    def listing_years(self, rng) -> list[int]:
        """1, 2 or 3 listings (1.5 on average) in distinct years, two apart when possible."""
        k = min(len(self.years), pick(rng, {1: 55, 2: 40, 3: 5}))
        for _ in range(10):
            chosen = sorted(rng.sample(range(len(self.years)), k))
            if all(b - a >= 2 for a, b in zip(chosen, chosen[1:], strict=False)):
                break
        return [self.years[i] for i in chosen]

    def categories(self, rng, industry: str) -> dict:
        chosen = {
            "exceeds_standards": rng.random() < 0.35,
            "toxic_hazardous": rng.random() < (0.75 if industry in TOXIC_INDUSTRIES else 0.3),
            "energy_intensive": rng.random() < (0.6 if industry in ENERGY_INDUSTRIES else 0.15),
        }
        if not any(chosen.values()):
            chosen["toxic_hazardous" if industry in TOXIC_INDUSTRIES else
                   "exceeds_standards"] = True
        return chosen

    def state_for(self, rng, published_on) -> str:
        months = (self.today.year - published_on.year) * 12 + self.today.month - published_on.month
        weights = next(w for limit, w in STATE_WEIGHTS if months < limit)
        return pick(rng, weights)

    def make_lists(self):
        rng = self.rng
        per_year = defaultdict(list)
        for i in range(self.n_enterprises):
            for year in self.listing_years(rng):
                per_year[year].append(i)
        self.lists = {}
        for year in self.years:
            published_on = datetime.date(year, 3, 1) + datetime.timedelta(days=rng.randint(0, 45))
            self.lists[year] = KeyEnterpriseList(
                year=year, province=self.province, status=ListStatus.PUBLISHED,
                title=f"{self.province.name_zh}{year}年强制性清洁生产审核重点企业名单",
                published_on=published_on, published_by=self.officer, created_by=self.officer,
                created_at=self.at(published_on - datetime.timedelta(days=30)),
                policy=self.policy_figures)
        self.insert(KeyEnterpriseList, list(self.lists.values()))

        # Each enterprise's audits in year order: rounds 1, 2, …; the earlier ones closed.
        last_year_of = {}
        for year in self.years:
            for i in per_year[year]:
                last_year_of[i] = year
        self.stories: list[Story] = []
        rounds = Counter()
        entries = []
        for year in self.years:
            key_list = self.lists[year]
            for i in per_year[year]:
                enterprise = self.enterprises[i]
                if last_year_of[i] == year:
                    state = self.state_for(rng, key_list.published_on)
                else:
                    state = S.CANCELLED if rng.random() < 0.08 else S.COMPLETED
                categories = self.categories(rng, enterprise.industry_id)
                entry = ListEntry(
                    key_list=key_list, enterprise=enterprise, proposed_by=self.officer,
                    status=EntryStatus.REMOVED if state == S.CANCELLED else EntryStatus.ACTIVE,
                    reason="；".join(ENTRY_REASONS[c] for c, on in categories.items() if on),
                    created_at=key_list.created_at, **categories)
                entries.append(entry)
                rounds[i] += 1
                self.stories.append(Story(enterprise=i, entry=entry, year=year,
                                          published_on=key_list.published_on,
                                          round=rounds[i], state=state))
        self.ensure_every_state()
        for story in self.stories:  # a cancelled audit's entry was removed from the list
            story.entry.status = (EntryStatus.REMOVED if story.state == S.CANCELLED
                                  else EntryStatus.ACTIVE)
        self.insert(ListEntry, entries)
        self.insert(ListAmendment, [
            ListAmendment(key_list=s.entry.key_list, entry=s.entry,
                          action=AmendmentAction.REMOVE, reason=rng.choice(REMOVAL_REASONS),
                          actor=self.officer,
                          created_at=self.at(s.published_on + datetime.timedelta(
                              days=rng.randint(5, 50))))
            for s in self.stories if s.state == S.CANCELLED])

    def ensure_every_state(self):
        """Small runs still show every state: take audits from the commonest states."""
        latest = {}
        for story in self.stories:
            latest[story.enterprise] = story
        candidates = sorted(latest.values(), key=lambda s: (s.year, s.enterprise))
        counts = Counter(s.state for s in self.stories)
        for state in [*ORDER, S.CANCELLED]:
            if counts[state]:
                continue
            for story in candidates:
                if counts[story.state] > 2:
                    counts[story.state] -= 1
                    story.state = state
                    counts[state] += 1
                    break

    # -- audits ----------------------------------------------------------------------------

    def plan_moves(self, rng, story: Story, quality: float, force_fail: bool = False) -> None:
        """The moves that brought the audit to its state, dated; and the review rounds they
        imply (a failed round sends the audit back; the next application opens round 2)."""
        state = story.state
        if state in (S.NOT_STARTED, S.CANCELLED):
            return
        fail_assessment = rng.random() < max(0.04, 0.9 - quality) * 0.7 or force_fail
        fail_acceptance = rng.random() < max(0.03, 0.85 - quality) * 0.4 or force_fail
        steps = []
        if RANK[state] <= RANK[S.FEASIBILITY]:
            steps = PHASES[:RANK[state]]
            if state == S.FEASIBILITY and fail_assessment:
                steps += [(S.FEASIBILITY, S.UNDER_ASSESSMENT, 20, 90),
                          (S.UNDER_ASSESSMENT, S.FEASIBILITY, 10, 40)]
        else:
            steps = list(PHASES)
            if fail_assessment:
                steps += [(S.FEASIBILITY, S.UNDER_ASSESSMENT, 20, 90),
                          (S.UNDER_ASSESSMENT, S.FEASIBILITY, 10, 40)]
            steps.append((S.FEASIBILITY, S.UNDER_ASSESSMENT, 20, 90))
            if state != S.UNDER_ASSESSMENT:
                steps.append((S.UNDER_ASSESSMENT, S.IMPLEMENTATION, 10, 40))
                if fail_acceptance:
                    steps += [(S.IMPLEMENTATION, S.SUSTAINING, 120, 300),
                              (S.SUSTAINING, S.UNDER_ACCEPTANCE, 20, 60),
                              (S.UNDER_ACCEPTANCE, S.IMPLEMENTATION, 15, 45)]
                for frm, to, low, high in [
                        (S.IMPLEMENTATION, S.SUSTAINING, 40 if fail_acceptance else 120, 300),
                        (S.SUSTAINING, S.UNDER_ACCEPTANCE, 20, 60),
                        (S.UNDER_ACCEPTANCE, S.COMPLETED, 15, 45)]:
                    if RANK[frm] >= RANK[state]:
                        break
                    steps.append((frm, to, low, high))
        gaps = [rng.randint(low, high) for _f, _t, low, high in steps]
        room = (self.today - story.published_on).days - 10
        if sum(gaps) > room:
            scale = room / sum(gaps)
            gaps = [max(1, int(g * scale)) for g in gaps]
        day = story.published_on
        for (frm, to, _low, _high), gap in zip(steps, gaps, strict=True):
            day += datetime.timedelta(days=gap)
            story.moves.append((min(day, self.today), frm, to))
        # The review rounds the moves imply.
        counter = Counter()
        for day, frm, to in story.moves:
            if to in (S.UNDER_ASSESSMENT, S.UNDER_ACCEPTANCE):
                kind = (ReviewKind.ASSESSMENT if to == S.UNDER_ASSESSMENT
                        else ReviewKind.ACCEPTANCE)
                counter[kind] += 1
                story.reviews.append(Review_(kind=kind, round=counter[kind], applied_on=day))
            elif frm in (S.UNDER_ASSESSMENT, S.UNDER_ACCEPTANCE):
                review = story.reviews[-1]
                review.state = ReviewState.CONCLUDED
                review.concluded_on = day
                passed = (frm, to) in ((S.UNDER_ASSESSMENT, S.IMPLEMENTATION),
                                       (S.UNDER_ACCEPTANCE, S.COMPLETED))
                review.result = ReviewResult.PASSED if passed else ReviewResult.FAILED
        if story.reviews and story.reviews[-1].state != ReviewState.CONCLUDED:
            open_round = story.reviews[-1]
            open_round.state = (ReviewState.PANEL_FORMED if rng.random() < 0.65
                                and open_round.applied_on < self.today else ReviewState.APPLIED)

    def option_count(self, rng, story: Story, mean: float) -> int:
        if story.showcase:
            return SHOWCASE_OPTIONS
        if story.state == S.PRE_ASSESSMENT:
            return rng.randint(2, 5)
        if story.state == S.FOCUSED_ASSESSMENT:
            return rng.randint(4, 10)
        if story.reached(S.OPTION_GENERATION):
            return int(min(60, max(5, round(rng.gauss(mean, mean * 0.35)))))
        return 0

    def make_audits(self):
        rng = self.rng
        firm_weights = self.firm_weight
        # However small the run, one completed and one audit under acceptance failed a
        # round of each review first.
        forced = {next((id(s) for s in self.stories if s.state == state), None)
                  for state in (S.COMPLETED, S.UNDER_ACCEPTANCE)}
        for story in self.stories:
            engaged = story.reached(S.PLANNING) or story.state == S.NOT_STARTED
            if engaged and rng.random() < (0.3 if story.state == S.NOT_STARTED else 0.88):
                story.firm = rng.choices(range(len(self.firms)), weights=firm_weights)[0]
            quality = self.firm_quality[story.firm] if story.firm is not None else 0.62
            self.plan_moves(rng, story, quality, force_fail=id(story) in forced)
        # ~10 options per audit overall; a few audits with exactly 100 (the benchmarks).
        target = 10 * len(self.stories)
        late = [s for s in self.stories if s.reached(S.OPTION_GENERATION)]
        showcase_pool = [s for s in late if s.state in (S.COMPLETED, S.IMPLEMENTATION)] or late
        for story in rng.sample(showcase_pool, min(len(showcase_pool),
                                                   max(1, len(self.stories) // 3000))):
            story.showcase = True
        early = sum(3.5 if s.state == S.PRE_ASSESSMENT else 7 if
                    s.state == S.FOCUSED_ASSESSMENT else 0 for s in self.stories)
        regular = [s for s in late if not s.showcase]
        mean = max(6.0, (target - early - SHOWCASE_OPTIONS * (len(late) - len(regular)))
                   / max(1, len(regular)))
        for story in self.stories:
            story.n_options = self.option_count(rng, story, mean)

        audits, team = [], []
        for story in self.stories:
            enterprise = self.enterprises[story.enterprise]
            entry = story.entry
            deadlines = self.policy.deadlines(story.published_on,
                                              exceeds_standards=entry.exceeds_standards)
            passed_assessment = next((r for r in story.reviews if r.kind == ReviewKind.ASSESSMENT
                                      and r.result == ReviewResult.PASSED), None)
            accepted = next((r for r in story.reviews if r.kind == ReviewKind.ACCEPTANCE
                             and r.result == ReviewResult.PASSED), None)
            last = story.moves[-1][0] if story.moves else story.published_on
            workshop = rng.choice(INDUSTRIES[enterprise.industry_id][2])
            has_focus = story.reached(S.FOCUSED_ASSESSMENT) or (
                story.state == S.PRE_ASSESSMENT and rng.random() < 0.5)
            audit = Audit(
                enterprise=enterprise, list_entry=entry, round=story.round, state=story.state,
                focus=f"{workshop}{rng.choice(CONCERNS)}" if has_focus else "",
                consultancy=self.firms[story.firm] if story.firm is not None else None,
                started_on=story.move_on(S.PLANNING), **deadlines,
                acceptance_due=(self.policy.acceptance_due(passed_assessment.concluded_on)
                                if passed_assessment else None),
                next_round_due=(accepted.concluded_on + relativedelta(years=self.policy.cycle_years(
                    toxic_hazardous=entry.toxic_hazardous,
                    industry_code=enterprise.industry_id)) if accepted else None),
                created_at=self.at(story.published_on), updated_at=self.at(last))
            story.audit = audit
            audits.append(audit)
        self.insert(Audit, audits)
        for story in self.stories:
            if story.firm is not None and story.reached(S.PLANNING):
                pool = self.firm_auditors[self.firms[story.firm].pk]
                for auditor_id in rng.sample(pool, min(len(pool), rng.randint(2, 4))):
                    team.append(Audit.team.through(audit_id=story.audit.pk,
                                                   auditor_id=auditor_id))
        self.insert(Audit.team.through, team)

    def make_disclosures(self):
        rng = self.rng
        disclosures, pollutants = [], []
        for story in self.stories:
            if not story.entry.exceeds_standards or story.state == S.CANCELLED:
                continue
            if rng.random() > 0.85:
                continue
            enterprise = self.enterprises[story.enterprise]
            disclosure = EmissionDisclosure(
                entry=story.entry, legal_representative=self.person(rng),
                address=enterprise.address, document=self.stored["name"],
                document_sha256=self.stored["sha256"], document_content_type=PDF_TYPE,
                submitted_by=self.enterprise_users[story.enterprise],
                submitted_at=self.at(min(self.today, story.published_on + datetime.timedelta(
                    days=rng.randint(5, 50)))))
            disclosures.append(disclosure)
            for name, unit, standard, limit in rng.sample(POLLUTANTS, rng.randint(1, 3)):
                concentration = limit * rng.uniform(0.5, 1.6)
                pollutants.append(DisclosedPollutant(
                    disclosure=disclosure, pollutant=name, concentration_unit=unit,
                    discharge_mode=pick(rng, {DischargeMode.ORGANISED: 5,
                                              DischargeMode.INDIRECT: 2,
                                              DischargeMode.DIRECT: 2,
                                              DischargeMode.FUGITIVE: 1}),
                    concentration=Decimal(f"{concentration:.3f}"),
                    total_emitted_t=Decimal(f"{rng.uniform(0.5, 300):.3f}"),
                    standard=standard, standard_limit=Decimal(str(limit)),
                    quota_t=Decimal(f"{rng.uniform(10, 200):.1f}") if rng.random() < 0.5
                    else None))
        self.insert(EmissionDisclosure, disclosures)
        self.insert(DisclosedPollutant, pollutants)

    # -- what is inside each audit ---------------------------------------------------------

    def make_content(self):
        rng = self.rng
        chunk = 500
        for start in range(0, len(self.stories), chunk):
            rows = defaultdict(list)
            for story in self.stories[start:start + chunk]:
                self.audit_content(rng, story, rows)
            for model in (TransitionLog, Target, Balance, BalanceFlow, Option, OptionBenefit,
                          Document, Review, PanelMember, PanelChange, Score, Verification,
                          VerifiedBenefit):
                self.insert(model, rows[model])

    def worker(self, story: Story) -> User:
        if story.firm is not None:
            staff = self.consultants[story.firm]
            return staff[story.enterprise % len(staff)]
        return self.enterprise_users[story.enterprise]

    def supervisor(self, story: Story) -> User:
        region = self.enterprises[story.enterprise].region_id
        return self.city_officer.get(self.city_of.get(region), self.officer)

    def audit_content(self, rng, story: Story, rows) -> None:
        audit = story.audit
        worker = self.worker(story)
        supervisor = self.supervisor(story)
        opinions = {}
        for review in story.reviews:
            if review.concluded_on:
                opinions[(review.kind, review.round)] = self.opinion(rng, review)
        # transitions, with the conclusion's opinion on the review's moves
        concluded = iter([r for r in story.reviews if r.concluded_on])
        for day, frm, to in story.moves:
            by_review = frm in (S.UNDER_ASSESSMENT, S.UNDER_ACCEPTANCE)
            comment = ""
            if by_review:
                review = next(concluded)
                comment = opinions[(review.kind, review.round)]
            rows[TransitionLog].append(TransitionLog(
                audit=audit, from_state=frm, to_state=to, comment=comment,
                actor=supervisor if by_review else worker, at=self.at(day, rng)))
        if audit.focus:
            self.targets(rng, story, rows)
        if story.reached(S.OPTION_GENERATION):
            self.balance(rng, story, rows)
        options = self.options(rng, story, rows)
        documents = self.documents(rng, story, options, worker, rows)
        for review in story.reviews:
            self.review(rng, story, review, options, documents, supervisor,
                        opinions.get((review.kind, review.round), ""), rows)

    def targets(self, rng, story, rows):
        for indicator, unit, (low, high), lower_better in rng.sample(TARGETS, rng.randint(1, 4)):
            baseline = rng.uniform(low, high)
            if lower_better:
                near, far = baseline * rng.uniform(0.85, 0.95), baseline * rng.uniform(0.7, 0.85)
            else:
                near = min(99, baseline + rng.uniform(2, 6))
                far = min(99.5, near + rng.uniform(1, 5))
            achieved = None
            if story.reached(S.SUSTAINING) and rng.random() < 0.9:
                achieved = near * rng.uniform(0.95, 1.05)
            rows[Target].append(Target(
                audit=story.audit, indicator=indicator, unit=unit, baseline=amount(baseline),
                near_term=amount(near), long_term=amount(far),
                achieved=amount(achieved) if achieved is not None else None))

    def balance(self, rng, story, rows):
        kind = pick(rng, {BalanceKind.MATERIAL: 5, BalanceKind.WATER: 3, BalanceKind.ENERGY: 2})
        unit = {BalanceKind.ENERGY: "tce/a"}.get(kind, "t/a")
        balance = Balance(audit=story.audit, kind=kind, unit=unit,
                          title=f"{story.audit.focus}{BALANCE_TITLES[kind]}")
        rows[Balance].append(balance)
        total = rng.uniform(1_000, 200_000)
        split = rng.uniform(0.55, 0.85)
        closure = rng.uniform(-0.04, 0.04) if rng.random() < 0.85 else rng.uniform(0.06, 0.15)
        out = total * (1 - closure)
        flows = [(FlowDirection.INPUT, "主原料", total * split),
                 (FlowDirection.INPUT, "辅料及水", total * (1 - split)),
                 (FlowDirection.OUTPUT, "产品", out * 0.8),
                 (FlowDirection.OUTPUT, "废水及废气带走", out * 0.15),
                 (FlowDirection.OUTPUT, "固废", out * 0.05)]
        for direction, name, quantity in flows:
            rows[BalanceFlow].append(BalanceFlow(balance=balance, direction=direction, name=name,
                                                 quantity=Decimal(f"{quantity:.2f}")))

    def option_status(self, rng, story: Story, cost_class: str) -> str:
        if RANK[story.state] < RANK[S.OPTION_GENERATION]:
            return OptionStatus.PROPOSED
        return pick(rng, OPTION_STATUSES[_phase(story.state)][cost_class])

    def options(self, rng, story: Story, rows) -> list[tuple[Option, list[OptionBenefit]]]:
        n = story.n_options
        if not n:
            return []
        threshold = float(self.policy.no_low_cost_max_investment)
        width = 3 if n >= 100 else 2
        first = story.move_on(S.PRE_ASSESSMENT) or story.published_on
        applied = story.move_on(S.UNDER_ASSESSMENT) or self.today
        implementation = story.move_on(S.IMPLEMENTATION)
        sustained = story.move_on(S.SUSTAINING) or self.today
        workshops = INDUSTRIES[self.enterprises[story.enterprise].industry_id][2]
        result = []
        for k in range(1, n + 1):
            if story.state == S.PRE_ASSESSMENT:
                cost_class = CostClass.NO_LOW
            else:
                share = 0.85 if story.state == S.FOCUSED_ASSESSMENT else 0.65
                cost_class = CostClass.NO_LOW if rng.random() < share else CostClass.MID_HIGH
            status = self.option_status(rng, story, cost_class)
            aspect = pick(rng, ASPECT_WEIGHTS)
            title = rng.choice(OPTION_TITLES[aspect])
            if rng.random() < 0.5:
                title = rng.choice(workshops) + title
            mid_high = cost_class == CostClass.MID_HIGH
            if mid_high:
                investment = money(math.exp(rng.uniform(math.log(1.5e5), math.log(3e7))))
            elif aspect in (Aspect.MANAGEMENT, Aspect.EMPLOYEES) and rng.random() < 0.6:
                investment = Decimal(0)
            else:
                investment = money(min(threshold, math.exp(rng.uniform(math.log(500),
                                                                      math.log(threshold)))))
            option = Option(audit=story.audit, code=f"F{k:0{width}d}", title=title,
                            aspect=aspect, cost_class=cost_class, investment=investment,
                            status=status)
            if status in (OptionStatus.SCREENED_OUT, OptionStatus.INFEASIBLE,
                          OptionStatus.ABANDONED):
                option.reason = rng.choice(REASONS[status])
            analysed = mid_high and status in (
                OptionStatus.FEASIBLE, OptionStatus.INFEASIBLE, OptionStatus.IMPLEMENTING,
                OptionStatus.IMPLEMENTED)
            if analysed:
                payback = (rng.uniform(12, 40) if status == OptionStatus.INFEASIBLE
                           else rng.uniform(1.2, 7))
                option.description = (f"{title}：总投资{investment / 10000:.1f}万元，"
                                      f"预计投资回收期{payback:.1f}年。")
                option.annual_net_benefit = money(float(investment) / payback)
                option.lifetime_years = rng.randint(8, 15)
                option.discount_rate = Decimal("0.0800")
                for name, value in option_economics(
                        investment=investment, annual_net_benefit=option.annual_net_benefit,
                        lifetime_years=option.lifetime_years,
                        discount_rate=option.discount_rate).items():
                    setattr(option, name, value)
            created = min(self.today, first + datetime.timedelta(days=rng.randint(0, 60)))
            if status == OptionStatus.IMPLEMENTED:
                if mid_high:
                    low, high = implementation or created, sustained
                else:
                    low, high = created, applied
                high = max(low, min(high, self.today))
                option.implemented_on = low + datetime.timedelta(
                    days=rng.randint(0, (high - low).days))
            option.created_at = self.at(created, rng)
            option.updated_at = self.at(option.implemented_on or created, rng)
            benefits = []
            scale = 6 if mid_high else 1
            count = rng.choice((1, 1, 2, 2, 3))
            indicators = ([Indicator.ECONOMIC] if rng.random() < 0.6 else []) + rng.sample(
                NON_ECONOMIC, count)
            for indicator in indicators[:count]:
                low, high = BENEFIT_RANGES[indicator]
                expected = math.exp(rng.uniform(math.log(low), math.log(high))) * scale
                actual = None
                if status == OptionStatus.IMPLEMENTED:
                    actual = amount(expected * rng.uniform(0.6, 1.15))
                benefits.append(OptionBenefit(option=option, indicator=indicator,
                                              expected=amount(expected), actual=actual))
            rows[Option].append(option)
            rows[OptionBenefit].extend(benefits)
            result.append((option, benefits))
        return result

    def documents(self, rng, story, options, worker, rows) -> dict:
        """The reports of each application, and evidence for some implemented mid/high
        options; every row points at the one stored file."""
        def add(kind, title, day, option=None, name="report.pdf"):
            document = Document(
                audit=story.audit, option=option, kind=kind, title=title,
                file=self.stored["name"], original_name=name, sha256=self.stored["sha256"],
                size=self.stored["size"], content_type=PDF_TYPE, uploaded_by=worker,
                uploaded_at=self.at(day, rng))
            rows[Document].append(document)
            return document

        for review in story.reviews:
            day = review.applied_on - datetime.timedelta(days=rng.randint(0, 3))
            if review.kind == ReviewKind.ASSESSMENT:
                add(DocumentKind.AUDIT_REPORT, "清洁生产审核报告" if review.round == 1
                    else f"清洁生产审核报告（第{review.round}版修改稿）", day,
                    name="清洁生产审核报告.pdf")
            else:
                add(DocumentKind.MONITORING_REPORT, "验收监测报告",
                    day - datetime.timedelta(days=rng.randint(1, 20)), name="验收监测报告.pdf")
                add(DocumentKind.ACCEPTANCE_REPORT, "清洁生产审核验收报告", day,
                    name="清洁生产审核验收报告.pdf")
        evidence = {}
        for option, _benefits in options:
            if (option.cost_class == CostClass.MID_HIGH
                    and option.status == OptionStatus.IMPLEMENTED and rng.random() < 0.5):
                evidence[option.code] = add(DocumentKind.EVIDENCE, f"{option.code} 实施证明材料",
                                            option.implemented_on, option=option,
                                            name="实施证明.pdf")
        return evidence

    def opinion(self, rng, review: Review_) -> str:
        passed = review.result == ReviewResult.PASSED
        if review.kind == ReviewKind.ASSESSMENT:
            if passed:
                return ("经专家组评审，审核重点选择合理，清洁生产目标可行，无/低费方案已基本实施，"
                        "中/高费方案可行性分析充分，同意通过清洁生产审核评估。")
            return (f"专家组认为审核报告存在以下问题：{rng.choice(ASSESSMENT_ISSUES)}。"
                    "不同意通过评估，请按专家意见修改完善后重新申请。")
        if passed:
            return ("经现场核查，中/高费方案已按计划实施，实际效益与监测数据相符，"
                    "清洁生产目标已达到，同意通过清洁生产审核验收。")
        return (f"现场核查发现{rng.choice(ACCEPTANCE_ISSUES)}，不同意通过验收，"
                "请继续实施并整改后重新申请。")

    def scorecards(self, rng, sheet, n: int, desired, quality: float, round_no: int):
        """`n` experts' points per item (half points) and vetoes; for a concluded round,
        drawn until the sheet's rule gives the planned result."""
        veto_codes = [v["code"] for v in sheet.vetoes]
        for _attempt in range(50):
            veto = None
            if desired == ReviewResult.PASSED:
                level = min(0.96, max(quality, 0.74) + rng.uniform(0, 0.1)
                            + (0.03 if round_no > 1 else 0))
            elif desired == ReviewResult.FAILED:
                if veto_codes and rng.random() < 0.3:
                    veto, level = rng.choice(veto_codes), rng.uniform(0.6, 0.85)
                else:
                    level = rng.uniform(0.45, 0.67)
            else:
                level = min(0.96, quality + rng.uniform(-0.05, 0.1))
            cards = []
            for number in range(n):
                points = {}
                for item in sheet.items:
                    top = float(item["max_points"])
                    share = min(1.0, max(0.0, rng.gauss(level, 0.06)))
                    points[item["code"]] = Decimal(round(top * share * 2)) / 2
                cards.append((points, [veto] if veto and number == 0 else []))
            if desired is None or not cards:
                return cards
            mean = sum(sum(p.values()) for p, _v in cards) / len(cards)
            passed = mean >= sheet.pass_mark and not any(v for _p, v in cards)
            if passed == (desired == ReviewResult.PASSED):
                return cards
        raise RuntimeError("could not draw scores for the planned result")

    def review(self, rng, story, plan: Review_, options, evidence, supervisor, opinion, rows):
        sheet = self.sheets[plan.kind]
        concluded = plan.state == ReviewState.CONCLUDED
        review = Review(
            audit=story.audit, kind=plan.kind, round=plan.round, sheet=sheet, state=plan.state,
            result=plan.result, opinion=opinion, applied_on=plan.applied_on,
            due_on=plan.applied_on + relativedelta(months=1), concluded_on=plan.concluded_on,
            concluded_by=supervisor if concluded else None)
        rows[Review].append(review)
        if plan.state == ReviewState.APPLIED:
            return
        end = plan.concluded_on or self.today
        span = max(0, (end - plan.applied_on).days)
        panel_on = plan.applied_on + datetime.timedelta(days=rng.randint(0, span // 2))
        firm_pk = self.firms[story.firm].pk if story.firm is not None else None
        industry = self.enterprises[story.enterprise].industry_id
        # Independent of the consulting firm (domain.md §3).
        independent = [e.pk for e in self.experts
                       if firm_pk is None or self.expert_firm.get(e.pk) != firm_pk]
        size = min(len(independent), 5 if rng.random() < 0.1 else 3)
        allowed = set(independent)
        matching = [pk for pk in self.experts_of[industry] if pk in allowed]
        panel = rng.sample(matching, min(size, len(matching)))
        if len(panel) < size:
            others = [pk for pk in independent if pk not in panel]
            panel += rng.sample(others, size - len(panel))
        for pk in panel:
            rows[PanelMember].append(PanelMember(review=review, expert_id=pk))
        rows[PanelChange].append(PanelChange(review=review, actor=supervisor, added=panel,
                                             removed=[], at=self.at(panel_on, rng)))
        scorers = panel if concluded else panel[:rng.randint(0, len(panel))]
        quality = self.firm_quality[story.firm] if story.firm is not None else 0.62
        cards = self.scorecards(rng, sheet, len(scorers), plan.result, quality, plan.round)
        totals = []
        for pk, (points, vetoes) in zip(scorers, cards, strict=True):
            total = sum(points.values(), Decimal(0))
            totals.append(total)
            day = panel_on + datetime.timedelta(days=rng.randint(0, max(0, (end - panel_on).days)))
            rows[Score].append(Score(
                review=review, expert_id=pk, vetoes=vetoes, total=total,
                items={code: int(v) if v == v.to_integral_value() else str(v.normalize())
                       for code, v in points.items()},
                comment=rng.choice(SCORE_COMMENTS), submitted_at=self.at(day, rng)))
            if vetoes:
                review.vetoed = True
        if concluded:
            review.score = (sum(totals, Decimal(0)) / len(totals)).quantize(
                POINTS, rounding=ROUND_HALF_UP)
        if plan.kind != ReviewKind.ACCEPTANCE:
            return
        for option, benefits in options:
            if (option.cost_class != CostClass.MID_HIGH
                    or option.status not in VERIFIABLE_STATUSES
                    or (not concluded and rng.random() < 0.5)):
                continue
            implemented = option.status == OptionStatus.IMPLEMENTED and (
                plan.result != ReviewResult.FAILED or rng.random() < 0.7)
            verification = Verification(
                review=review, option=option, implemented=implemented,
                note=("现场核查，方案已实施，运行正常" if implemented
                      else "现场核查，方案尚未实施到位"),
                evidence=evidence.get(option.code), verified_by_id=rng.choice(panel),
                verified_at=self.at(min(end, panel_on + datetime.timedelta(days=1)), rng))
            rows[Verification].append(verification)
            if implemented:
                for benefit in benefits:
                    if benefit.actual is not None:
                        rows[VerifiedBenefit].append(VerifiedBenefit(
                            verification=verification, indicator=benefit.indicator,
                            value=amount(float(benefit.actual) * rng.uniform(0.85, 1.0))))

    def make_totals(self):
        """The per-audit sums the statistics read (audits/totals.py), as option_save keeps
        them: the options here were written by COPY, past the services."""
        ids = list(Audit.objects.filter(enterprise__region__code__startswith=self.province_code[:2])
                   .values_list("pk", flat=True).order_by("pk"))
        for start in range(0, len(ids), 5000):
            totals.refresh(ids[start:start + 5000])

    def analyze(self):
        tables = {model._meta.db_table for model in (
            Organization, User, Auditor, Enterprise, KeyEnterpriseList, ListEntry, Audit,
            TransitionLog, Target, Balance, BalanceFlow, Option, OptionBenefit, Document,
            Review, PanelMember, Score, Verification, VerifiedBenefit, EmissionDisclosure,
            OptionTotals, BenefitTotals)}
        with connection.cursor() as cursor:
            for table in sorted(tables):
                cursor.execute(f'ANALYZE "{table}"')


def _phase(state: str) -> str:
    if state in (S.SUSTAINING, S.UNDER_ACCEPTANCE, S.COMPLETED):
        return "late"
    return state


NO_LOW_DONE = {OptionStatus.SCREENED_OUT: 8, OptionStatus.IMPLEMENTED: 86,
               OptionStatus.ABANDONED: 6}
# Option statuses by the audit's phase, consistent with the workflow's guards: nothing
# proposed after screening; nothing retained or half-done at assessment; nothing
# feasible or implementing once implementation is over.
OPTION_STATUSES = {
    S.OPTION_GENERATION: {
        CostClass.NO_LOW: {OptionStatus.PROPOSED: 35, OptionStatus.SCREENED_OUT: 10,
                           OptionStatus.RETAINED: 25, OptionStatus.IMPLEMENTING: 15,
                           OptionStatus.IMPLEMENTED: 15},
        CostClass.MID_HIGH: {OptionStatus.PROPOSED: 50, OptionStatus.SCREENED_OUT: 15,
                             OptionStatus.RETAINED: 35}},
    S.FEASIBILITY: {
        CostClass.NO_LOW: {OptionStatus.SCREENED_OUT: 8, OptionStatus.RETAINED: 10,
                           OptionStatus.IMPLEMENTING: 12, OptionStatus.IMPLEMENTED: 65,
                           OptionStatus.ABANDONED: 5},
        CostClass.MID_HIGH: {OptionStatus.SCREENED_OUT: 15, OptionStatus.RETAINED: 35,
                             OptionStatus.FEASIBLE: 35, OptionStatus.INFEASIBLE: 10,
                             OptionStatus.ABANDONED: 5}},
    S.UNDER_ASSESSMENT: {
        CostClass.NO_LOW: NO_LOW_DONE,
        CostClass.MID_HIGH: {OptionStatus.SCREENED_OUT: 15, OptionStatus.FEASIBLE: 65,
                             OptionStatus.INFEASIBLE: 15, OptionStatus.ABANDONED: 5}},
    S.IMPLEMENTATION: {
        CostClass.NO_LOW: NO_LOW_DONE,
        CostClass.MID_HIGH: {OptionStatus.SCREENED_OUT: 15, OptionStatus.INFEASIBLE: 15,
                             OptionStatus.ABANDONED: 5, OptionStatus.FEASIBLE: 15,
                             OptionStatus.IMPLEMENTING: 25, OptionStatus.IMPLEMENTED: 25}},
    "late": {
        CostClass.NO_LOW: NO_LOW_DONE,
        CostClass.MID_HIGH: {OptionStatus.SCREENED_OUT: 15, OptionStatus.INFEASIBLE: 15,
                             OptionStatus.ABANDONED: 8, OptionStatus.IMPLEMENTED: 62}},
}
VERIFIABLE_STATUSES = {OptionStatus.FEASIBLE, OptionStatus.IMPLEMENTING,
                       OptionStatus.IMPLEMENTED}
NON_ECONOMIC = [i for i in Indicator if i != Indicator.ECONOMIC]
REASONS = {
    OptionStatus.SCREENED_OUT: ["技术尚不成熟，暂不实施", "与审核重点关联度低", "场地条件不具备"],
    OptionStatus.INFEASIBLE: ["经济分析不可行，投资回收期过长", "技术可行性论证未通过"],
    OptionStatus.ABANDONED: ["生产线调整，方案取消", "已被其他方案替代", "资金未落实，暂缓实施"],
}
ASSESSMENT_ISSUES = ["物料平衡数据不闭合", "清洁生产目标设置偏低", "中/高费方案可行性分析深度不够",
                     "现状调查数据前后矛盾", "审核重点选择依据不充分"]
ACCEPTANCE_ISSUES = ["部分中/高费方案未实施到位", "实际效益缺乏监测数据支撑", "污染物排放仍有超标",
                     "清洁生产目标未全部完成"]
SCORE_COMMENTS = ["", "", "报告内容较完整", "建议补充监测数据", "方案实施效果明显",
                  "物料平衡需进一步核实"]


# --- fast inserts ----------------------------------------------------------------------

def allocate_ids(model, n: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [f'"{table}"', column, n])
        return [row[0] for row in cursor.fetchall()]


def copy_insert(model, objects: list, batch_size: int = 5000) -> None:
    """COPY model instances into their table: the same rows `bulk_create` writes (the
    instances carry their defaults and fixed stamps; no `pre_save` runs), several times
    faster. PostgreSQL only."""
    opts = model._meta
    missing = [obj for obj in objects if obj.pk is None]
    if missing:
        for obj, pk in zip(missing, allocate_ids(model, len(missing)), strict=True):
            obj.pk = pk
    fields = list(opts.concrete_fields)
    plan = []
    for f in fields:
        if isinstance(f, models.JSONField):
            plan.append((f, "json"))
        elif isinstance(f, models.FileField):
            plan.append((f, "file"))
        elif f.is_relation:
            plan.append((f, "fk"))
        else:
            plan.append((f, None))
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg cursor
        for start in range(0, len(objects), batch_size):
            with cursor.copy(f'COPY "{opts.db_table}" ({columns}) FROM STDIN') as copy:
                for obj in objects[start:start + batch_size]:
                    row = []
                    for f, kind in plan:
                        value = getattr(obj, f.attname)
                        if kind == "fk":
                            if value is None and f.is_cached(obj):
                                parent = f.get_cached_value(obj)
                                value = parent.pk if parent is not None else None
                        elif kind == "json":
                            value = None if value is None else Jsonb(value)
                        elif kind == "file":
                            value = value.name if value else ""
                        row.append(value)
                    copy.write_row(row)
    for obj in objects:
        obj._state.adding = False


# --- removing a province's scale data ---------------------------------------------------

def _delete_rows(queryset) -> int:
    model = queryset.model
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE "{model._meta.pk.column}" '
                       f"IN ({sql})", params)
        return cursor.rowcount


def purge(queryset, counts: Counter, depth: int = 0) -> None:
    """Delete the rows of `queryset` and everything that depends on them, set-based:
    what would cascade or protect is deleted first, SET_NULL references are cleared.
    The relations come from the models, so rows added by other apps (report jobs,
    notifications) go too."""
    if depth > 20:
        raise RuntimeError("purge: relations nested too deep")
    model = queryset.model
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete
                and (relation.one_to_many or relation.one_to_one)):
            continue
        fk = relation.field
        targets = queryset.values(fk.target_field.attname)
        children = relation.related_model._base_manager.filter(**{f"{fk.name}__in": targets})
        if relation.on_delete is models.SET_NULL:
            children.update(**{fk.name: None})
        elif relation.on_delete is models.DO_NOTHING and not fk.db_constraint:
            continue
        else:
            purge(children, counts, depth + 1)
    deleted = _delete_rows(queryset)
    if deleted:
        counts[model._meta.label] += deleted


def _frozen(queryset, name: str):
    """The rows of `queryset` as they are now (their ids kept in a temporary table), so
    that deleting what its definition joins does not change what it selects."""
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS {sql}", params)
    # Qualified: an unknown column must fail, not resolve to the outer query's id.
    return queryset.model._base_manager.filter(
        pk__in=RawSQL(f'SELECT frozen."pk" FROM {name} frozen', []))


def purge_scale(province_code: str) -> Counter:
    """Everything `Seeder` made for the province: its enterprises (and their audits,
    entries, users), its users (and the lists they published), its organisations."""
    counts = Counter()
    with transaction.atomic():
        users = scale_users(province_code)
        enterprises = _frozen(scale_enterprises(province_code), "scale_purge_enterprises")
        organisations = _frozen(Organization.objects.filter(pk__in=users.values("organization")),
                                "scale_purge_organisations")
        users = _frozen(users, "scale_purge_users")
        purge(enterprises, counts)
        purge(users, counts)
        purge(organisations, counts)
    name = shared_file_name(province_code)
    if default_storage.exists(name):
        default_storage.delete(name)
    return counts


# --- a fingerprint of the data, to show that a seed gives the same rows -----------------

def fingerprint(province_code: str) -> tuple[str, dict]:
    """SHA-256 over the province's scale rows by natural keys (no ids), and the counts."""
    enterprises = scale_enterprises(province_code)
    audits = Audit.objects.filter(enterprise__in=enterprises)
    key = ("audit__enterprise__credit_code", "audit__round")
    review_key = ("review__audit__enterprise__credit_code", "review__audit__round",
                  "review__kind", "review__round")
    parts = {
        "enterprises": (enterprises, ("credit_code", "name", "region_id", "industry_id",
                                      "address", "employees", "annual_sales", "total_assets")),
        "users": (scale_users(province_code), ("username", "role", "full_name",
                                               "organization__name",
                                               "enterprise__credit_code")),
        "auditors": (Auditor.objects.filter(organization__users__in=scale_users(province_code))
                     .distinct(), ("certificate_no", "name", "level", "valid_until")),
        "entries": (ListEntry.objects.filter(enterprise__in=enterprises),
                    ("enterprise__credit_code", "key_list__year", "key_list__published_on",
                     "status", "exceeds_standards", "toxic_hazardous", "energy_intensive")),
        "audits": (audits, ("enterprise__credit_code", "round", "state", "focus",
                            "consultancy__name", "started_on", "start_due", "report_due",
                            "disclosure_due", "acceptance_due", "next_round_due",
                            "created_at", "updated_at")),
        "team": (Audit.team.through.objects.filter(audit__in=audits),
                 (*key, "auditor__certificate_no")),
        "transitions": (TransitionLog.objects.filter(audit__in=audits),
                        (*key, "at", "from_state", "to_state", "actor__username", "comment")),
        "targets": (Target.objects.filter(audit__in=audits),
                    (*key, "indicator", "baseline", "near_term", "long_term", "achieved")),
        "options": (Option.objects.filter(audit__in=audits),
                    (*key, "code", "title", "aspect", "cost_class", "investment", "status",
                     "reason", "implemented_on", "annual_net_benefit", "npv", "irr")),
        "benefits": (OptionBenefit.objects.filter(option__audit__in=audits),
                     ("option__audit__enterprise__credit_code", "option__audit__round",
                      "option__code", "indicator", "expected", "actual")),
        "documents": (Document.objects.filter(audit__in=audits),
                      (*key, "uploaded_at", "kind", "title", "option__code")),
        "reviews": (Review.objects.filter(audit__in=audits),
                    (*key, "kind", "round", "state", "result", "score", "vetoed",
                     "applied_on", "concluded_on", "concluded_by__username", "opinion")),
        "panels": (PanelMember.objects.filter(review__audit__in=audits),
                   (*review_key, "expert__username")),
        "scores": (Score.objects.filter(review__audit__in=audits),
                   (*review_key, "expert__username", "items", "vetoes", "total")),
        "verifications": (Verification.objects.filter(review__audit__in=audits),
                          (*review_key, "option__code", "implemented")),
        "disclosures": (EmissionDisclosure.objects.filter(entry__enterprise__in=enterprises),
                        ("entry__enterprise__credit_code", "entry__key_list__year",
                         "legal_representative", "submitted_at")),
    }
    digest = hashlib.sha256()
    counts = {}
    for name, (queryset, fields) in parts.items():
        n = 0
        digest.update(name.encode())
        for row in queryset.order_by(*fields).values_list(*fields).iterator(chunk_size=5000):
            digest.update(repr(row).encode())
            n += 1
        counts[name] = n
    return digest.hexdigest(), counts
