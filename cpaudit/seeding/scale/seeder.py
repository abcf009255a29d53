"""The run: one transaction that builds the province, step by step."""

import datetime
import hashlib
import random
import time
import zoneinfo
from collections import Counter, defaultdict
from contextlib import contextmanager
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from accounts.choices import CERTIFICATE_YEARS, AuditorLevel, OrganizationKind, Role
from accounts.models import Auditor, Organization, User
from assessments import triggers as review_triggers
from assessments.choices import ReviewKind, ReviewResult, ReviewState
from assessments.models import (
    ExpertProfile,
    PanelMember,
    Review,
    Score,
    ScoringSheet,
    Verification,
    VerifiedBenefit,
)
from audits import totals
from audits import triggers as audit_triggers
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
from core import triggers
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
from procedures import triggers as step_triggers
from procedures.choices import FilingKind, FilingState
from procedures.models import Filing, Registration

from .content import ContentMixin
from .plan import Review_, Story
from .pools import (
    BRANDS,
    CONCERNS,
    DEFAULT_LAST_YEAR,
    ENERGY_INDUSTRIES,
    ENTRY_REASONS,
    FIRM_SERIAL_BASE,
    FIRM_WORDS,
    GIVEN,
    INDUSTRIES,
    ORDER,
    PDF,
    PDF_TYPE,
    PHASES,
    POLLUTANTS,
    RANK,
    REMOVAL_REASONS,
    ROADS,
    SERIAL_BASE,
    SHOWCASE_OPTIONS,
    STATE_WEIGHTS,
    SUFFIXES,
    SURNAMES,
    TOXIC_INDUSTRIES,
    S,
    money,
    pick,
    shared_file_name,
    short_region_name,
    user_prefix,
)
from .rows import copy_insert

# The columns the database keeps (core/triggers.py), in the order they are filled: the
# audit's region first, as the rounds copy it.
KEPT_BY_DATABASE = (
    audit_triggers.REGION_CODE,
    audit_triggers.KEPT,
    step_triggers.AUDIT_STEPS,
    review_triggers.REVIEW_KEPT,
)


class Seeder(ContentMixin):
    """Builds the province: organisations and people, enterprises, lists, audits (the
    plan of each, `Story`), then their content and reviews (`ContentMixin`)."""

    def __init__(
        self,
        *,
        province: str,
        enterprises: int,
        years: int,
        seed: int,
        last_year: int = DEFAULT_LAST_YEAR,
        password: str | None = None,
        batch_size: int = 2000,
        write=print,
    ):
        self.province_code = province
        self.n_enterprises = enterprises
        self.n_years = years
        self.seed = seed
        self.last_year = last_year
        self.years = list(range(last_year - years + 1, last_year + 1))
        self.today = datetime.date(last_year, 11, 1)
        self.password = (
            make_password(password, salt=f"scale{seed}") if password else f"!scale-{seed}"
        )  # "!…" is an unusable password
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
        return datetime.datetime(
            day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), tzinfo=self.tz
        )

    def person(self, rng=None) -> str:
        rng = rng or self.rng
        return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> dict:
        started = time.perf_counter()
        with transaction.atomic():
            triggers.suspend(connection, KEPT_BY_DATABASE)
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
            with self.step("registrations and filings"):
                self.make_procedures()
            with self.step("audit content and reviews"):
                self.make_content()
            with self.step("option and benefit totals"):
                self.make_totals()
            with self.step("kept columns, triggers back"):
                triggers.resume(connection, KEPT_BY_DATABASE)
        with self.step("vacuum, analyze"):
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
        self.sheets = {
            kind: ScoringSheet.objects.current(kind, self.province_code)
            for kind in ReviewKind.values
        }
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
        return User(
            username=self.prefix + username,
            role=role,
            full_name=full_name,
            email=f"{self.prefix}{username}@scale.cpaudit.local".lower(),
            password=self.password,
            organization=organization,
            enterprise=enterprise,
            date_joined=self.at(datetime.date(self.years[0] - 1, 12, 1)),
        )

    def organisations(self):
        rng = self.rng
        created = self.at(datetime.date(self.years[0] - 1, 12, 1))
        province_name = self.province.name_zh
        org = Organization
        self.province_org = org(
            name=f"{province_name}生态环境厅清洁生产审核处",
            kind=OrganizationKind.AUTHORITY,
            region=self.province,
            created_at=created,
        )
        self.city_orgs = {
            c.code: org(
                name=f"{c.name_zh}生态环境局清洁生产科",
                kind=OrganizationKind.AUTHORITY,
                region=c,
                created_at=created,
            )
            for c in self.cities
            if c.code != self.province_code
        }
        self.expert_org = org(
            name=f"{province_name}清洁生产审核评审专家库",
            kind=OrganizationKind.EXPERT_BODY,
            region=self.province,
            created_at=created,
        )
        n_firms = max(4, min(40, self.n_enterprises // 500))
        firm_cities = [rng.choice(self.cities) for _ in range(n_firms)]
        names = set()
        self.firms = []
        for number, city in enumerate(firm_cities):
            while (
                name := short_region_name(city.name_zh)
                + rng.choice(BRANDS)
                + rng.choice(FIRM_WORDS)
            ) in names:
                pass
            names.add(name)
            self.firms.append(
                org(
                    name=name,
                    kind=OrganizationKind.CONSULTANCY,
                    region=city,
                    created_at=created,
                    credit_code=make_credit_code(
                        division=city.code, serial=FIRM_SERIAL_BASE + number
                    ),
                )
            )
        # A firm's quality drives its first-time pass rate and scores; its size how often
        # it is engaged.
        self.firm_quality = [rng.uniform(0.55, 0.95) for _ in self.firms]
        self.firm_weight = [rng.lognormvariate(0, 0.8) for _ in self.firms]
        self.insert(
            Organization,
            [self.province_org, *self.city_orgs.values(), self.expert_org, *self.firms],
        )

        users = [
            self.user(
                "province",
                Role.AUTHORITY,
                f"{province_name}生态环境厅 {self.person()}",
                organization=self.province_org,
            ),
            self.user(
                "province-2",
                Role.AUTHORITY,
                f"{province_name}生态环境厅 {self.person()}",
                organization=self.province_org,
            ),
        ]
        for code, city_org in self.city_orgs.items():
            users.append(
                self.user(
                    code,
                    Role.AUTHORITY,
                    f"{self.region_names[code]}生态环境局 {self.person()}",
                    organization=city_org,
                )
            )
        self.consultants = []  # per firm, its users
        auditors = []
        for number, firm in enumerate(self.firms, 1):
            staff = [
                self.user(
                    f"f{number:02d}-{k}",
                    Role.CONSULTANT,
                    f"{firm.name[:6]} {self.person()}",
                    organization=firm,
                )
                for k in range(1, rng.randint(2, 4) + 1)
            ]
            users.extend(staff)
            self.consultants.append(staff)
            for k in range(1, rng.randint(4, 12) + 1):
                expired = rng.random() < 0.1
                level = pick(
                    rng,
                    {
                        AuditorLevel.ASSOCIATE: 3,
                        AuditorLevel.AUDITOR: 5,
                        AuditorLevel.PRINCIPAL: 2,
                    },
                )
                valid_until = self.today + datetime.timedelta(
                    days=rng.randint(-400, -10) if expired else rng.randint(60, 1500)
                )
                auditors.append(
                    Auditor(
                        name=self.person(),
                        organization=firm,
                        certificate_no=f"CP{self.province_code[:2]}-{number:03d}-{k:03d}-S{self.seed}",
                        level=level,
                        # The certificate runs its level's years from its issue (seed 004).
                        issued_on=valid_until - relativedelta(years=CERTIFICATE_YEARS[level]),
                        valid_until=valid_until,
                    )
                )
        n_experts = max(8, min(60, self.n_enterprises // 330))
        self.experts = [
            self.user(
                f"x{k:02d}",
                Role.EXPERT,
                f"清洁生产专家 {self.person()}",
                organization=self.expert_org,
            )
            for k in range(1, n_experts + 1)
        ]
        users.extend(self.experts)
        self.insert(User, users)
        self.officer = users[0]
        self.city_officer = {
            u.organization.region_id: u
            for u in users
            if u.role == Role.AUTHORITY and u.organization in self.city_orgs.values()
        }
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
                through.append(
                    ExpertProfile.industries.through(expertprofile_id=profile.pk, industry_id=code)
                )
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
                name = (
                    short
                    + rng.choice(BRANDS)
                    + rng.choice(INDUSTRIES[industry][1])
                    + rng.choice(SUFFIXES)
                )
                if attempt > 10:
                    name = name.replace("有限公司", f"{attempt}厂有限公司")
                if name not in names:
                    break
            names.add(name)
            employees = int(min(30_000, max(20, rng.lognormvariate(6.2, 1.1))))
            sales = employees * rng.uniform(3e5, 1.6e6)
            known = rng.random() > 0.08
            city = self.region_names[self.city_of[county.code]]
            batch.append(
                Enterprise(
                    name=name,
                    region_id=county.code,
                    industry_id=industry,
                    credit_code=make_credit_code(division=county.code, serial=SERIAL_BASE + i),
                    address=f"{city}{county.name_zh}{rng.choice(ROADS)}路{rng.randint(1, 999)}号",
                    employees=employees,
                    annual_sales=money(sales, 10_000) if known else None,
                    total_assets=money(sales * rng.uniform(0.6, 1.8), 10_000) if known else None,
                    created_at=created,
                    updated_at=created,
                )
            )
            if len(batch) >= 5000:
                self.enterprises.extend(self.insert(Enterprise, batch))
                batch = []
        self.enterprises.extend(self.insert(Enterprise, batch))
        self.enterprise_users = self.insert(
            User,
            [
                self.user(
                    f"e{i:06d}",
                    Role.ENTERPRISE,
                    f"{e.name} 环保负责人 {self.person()}",
                    enterprise=e,
                )
                for i, e in enumerate(self.enterprises)
            ],
        )

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
            chosen["toxic_hazardous" if industry in TOXIC_INDUSTRIES else "exceeds_standards"] = (
                True
            )
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
                year=year,
                province=self.province,
                status=ListStatus.PUBLISHED,
                title=f"{self.province.name_zh}{year}年强制性清洁生产审核重点企业名单",
                published_on=published_on,
                published_by=self.officer,
                created_by=self.officer,
                created_at=self.at(published_on - datetime.timedelta(days=30)),
                policy=self.policy_figures,
            )
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
                    key_list=key_list,
                    enterprise=enterprise,
                    proposed_by=self.officer,
                    status=EntryStatus.REMOVED if state == S.CANCELLED else EntryStatus.ACTIVE,
                    reason="；".join(ENTRY_REASONS[c] for c, on in categories.items() if on),
                    created_at=key_list.created_at,
                    **categories,
                )
                entries.append(entry)
                rounds[i] += 1
                self.stories.append(
                    Story(
                        enterprise=i,
                        entry=entry,
                        year=year,
                        published_on=key_list.published_on,
                        round=rounds[i],
                        state=state,
                    )
                )
        self.ensure_every_state()
        for story in self.stories:  # a cancelled audit's entry was removed from the list
            story.entry.status = (
                EntryStatus.REMOVED if story.state == S.CANCELLED else EntryStatus.ACTIVE
            )
        self.insert(ListEntry, entries)
        self.insert(
            ListAmendment,
            [
                ListAmendment(
                    key_list=s.entry.key_list,
                    entry=s.entry,
                    action=AmendmentAction.REMOVE,
                    reason=rng.choice(REMOVAL_REASONS),
                    actor=self.officer,
                    created_at=self.at(
                        s.published_on + datetime.timedelta(days=rng.randint(5, 50))
                    ),
                )
                for s in self.stories
                if s.state == S.CANCELLED
            ],
        )

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
            steps = PHASES[: RANK[state]]
            if state == S.FEASIBILITY and fail_assessment:
                steps += [
                    (S.FEASIBILITY, S.UNDER_ASSESSMENT, 20, 90),
                    (S.UNDER_ASSESSMENT, S.FEASIBILITY, 10, 40),
                ]
        else:
            steps = list(PHASES)
            if fail_assessment:
                steps += [
                    (S.FEASIBILITY, S.UNDER_ASSESSMENT, 20, 90),
                    (S.UNDER_ASSESSMENT, S.FEASIBILITY, 10, 40),
                ]
            steps.append((S.FEASIBILITY, S.UNDER_ASSESSMENT, 20, 90))
            if state != S.UNDER_ASSESSMENT:
                steps.append((S.UNDER_ASSESSMENT, S.IMPLEMENTATION, 10, 40))
                if fail_acceptance:
                    steps += [
                        (S.IMPLEMENTATION, S.SUSTAINING, 120, 300),
                        (S.SUSTAINING, S.UNDER_ACCEPTANCE, 20, 60),
                        (S.UNDER_ACCEPTANCE, S.IMPLEMENTATION, 15, 45),
                    ]
                for frm, to, low, high in [
                    (S.IMPLEMENTATION, S.SUSTAINING, 40 if fail_acceptance else 120, 300),
                    (S.SUSTAINING, S.UNDER_ACCEPTANCE, 20, 60),
                    (S.UNDER_ACCEPTANCE, S.COMPLETED, 15, 45),
                ]:
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
                kind = ReviewKind.ASSESSMENT if to == S.UNDER_ASSESSMENT else ReviewKind.ACCEPTANCE
                counter[kind] += 1
                story.reviews.append(Review_(kind=kind, round=counter[kind], applied_on=day))
            elif frm in (S.UNDER_ASSESSMENT, S.UNDER_ACCEPTANCE):
                review = story.reviews[-1]
                review.state = ReviewState.CONCLUDED
                review.concluded_on = day
                passed = (frm, to) in (
                    (S.UNDER_ASSESSMENT, S.IMPLEMENTATION),
                    (S.UNDER_ACCEPTANCE, S.COMPLETED),
                )
                review.result = ReviewResult.PASSED if passed else ReviewResult.FAILED
        if story.reviews and story.reviews[-1].state != ReviewState.CONCLUDED:
            open_round = story.reviews[-1]
            open_round.state = (
                ReviewState.PANEL_FORMED
                if rng.random() < 0.65 and open_round.applied_on < self.today
                else ReviewState.APPLIED
            )

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
        forced = {
            next((id(s) for s in self.stories if s.state == state), None)
            for state in (S.COMPLETED, S.UNDER_ACCEPTANCE)
        }
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
        for story in rng.sample(
            showcase_pool, min(len(showcase_pool), max(1, len(self.stories) // 3000))
        ):
            story.showcase = True
        early = sum(
            3.5 if s.state == S.PRE_ASSESSMENT else 7 if s.state == S.FOCUSED_ASSESSMENT else 0
            for s in self.stories
        )
        regular = [s for s in late if not s.showcase]
        mean = max(
            6.0,
            (target - early - SHOWCASE_OPTIONS * (len(late) - len(regular))) / max(1, len(regular)),
        )
        for story in self.stories:
            story.n_options = self.option_count(rng, story, mean)

        audits, team, team_of = [], [], []
        for story in self.stories:
            enterprise = self.enterprises[story.enterprise]
            entry = story.entry
            deadlines = self.policy.deadlines(
                story.published_on, exceeds_standards=entry.exceeds_standards
            )
            passed_assessment = next(
                (
                    r
                    for r in story.reviews
                    if r.kind == ReviewKind.ASSESSMENT and r.result == ReviewResult.PASSED
                ),
                None,
            )
            accepted = next(
                (
                    r
                    for r in story.reviews
                    if r.kind == ReviewKind.ACCEPTANCE and r.result == ReviewResult.PASSED
                ),
                None,
            )
            last = story.moves[-1][0] if story.moves else story.published_on
            workshop = rng.choice(INDUSTRIES[enterprise.industry_id][2])
            has_focus = story.reached(S.FOCUSED_ASSESSMENT) or (
                story.state == S.PRE_ASSESSMENT and rng.random() < 0.5
            )
            members = []
            if story.firm is not None and story.reached(S.PLANNING):
                pool = self.firm_auditors[self.firms[story.firm].pk]
                members = rng.sample(pool, min(len(pool), rng.randint(2, 4)))
                team.extend(Audit.team.through(auditor_id=pk) for pk in members)
            audit = Audit(
                enterprise=enterprise,
                list_entry=entry,
                round=story.round,
                state=story.state,
                # The leader is named by the end of planning.
                team_leader_id=members[0] if members and story.reached(S.PRE_ASSESSMENT) else None,
                report_submitted_on=first_applied(story, ReviewKind.ASSESSMENT),
                acceptance_applied_on=first_applied(story, ReviewKind.ACCEPTANCE),
                focus=f"{workshop}{rng.choice(CONCERNS)}" if has_focus else "",
                consultancy=self.firms[story.firm] if story.firm is not None else None,
                started_on=story.move_on(S.PLANNING),
                **deadlines,
                acceptance_due=(
                    self.policy.acceptance_due(passed_assessment.concluded_on)
                    if passed_assessment
                    else None
                ),
                next_round_due=(
                    accepted.concluded_on
                    + relativedelta(
                        years=self.policy.cycle_years(
                            toxic_hazardous=entry.toxic_hazardous,
                            industry_code=enterprise.industry_code,
                        )
                    )
                    if accepted
                    else None
                ),
                created_at=self.at(story.published_on),
                updated_at=self.at(last),
            )
            story.audit = audit
            audits.append(audit)
            team_of.extend([audit] * len(members))
        self.insert(Audit, audits)
        for row, audit in zip(team, team_of, strict=True):
            row.audit_id = audit.pk
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
                entry=story.entry,
                legal_representative=self.person(rng),
                address=enterprise.address,
                document=self.stored["name"],
                document_sha256=self.stored["sha256"],
                document_content_type=PDF_TYPE,
                submitted_by=self.enterprise_users[story.enterprise],
                submitted_at=self.at(
                    min(
                        self.today, story.published_on + datetime.timedelta(days=rng.randint(5, 50))
                    )
                ),
            )
            disclosures.append(disclosure)
            for name, unit, standard, limit in rng.sample(POLLUTANTS, rng.randint(1, 3)):
                concentration = limit * rng.uniform(0.5, 1.6)
                pollutants.append(
                    DisclosedPollutant(
                        disclosure=disclosure,
                        pollutant=name,
                        concentration_unit=unit,
                        discharge_mode=pick(
                            rng,
                            {
                                DischargeMode.ORGANISED: 5,
                                DischargeMode.INDIRECT: 2,
                                DischargeMode.DIRECT: 2,
                                DischargeMode.FUGITIVE: 1,
                            },
                        ),
                        concentration=Decimal(f"{concentration:.3f}"),
                        total_emitted_t=Decimal(f"{rng.uniform(0.5, 300):.3f}"),
                        standard=standard,
                        standard_limit=Decimal(str(limit)),
                        quota_t=Decimal(f"{rng.uniform(10, 200):.1f}")
                        if rng.random() < 0.5
                        else None,
                    )
                )
        self.insert(EmissionDisclosure, disclosures)
        self.insert(DisclosedPollutant, pollutants)

    def make_procedures(self):
        """Registration and the filing of contract and plan (procedures): nearly every
        started audit registered and its filing accepted, most audits not yet started
        registered, some of them with a filing waiting for the authority, the rest owing
        both. A random stream of its own, so the audits' content stays as it was."""
        rng = random.Random(f"{self.seed}-procedures")
        registrations, filings = [], []
        for story in self.stories:
            audit = story.audit
            if audit is None or story.state == S.CANCELLED:
                continue
            started = story.state != S.NOT_STARTED
            if rng.random() > (0.98 if started else 0.7):
                continue
            user = self.enterprise_users[story.enterprise]
            registered_on = min(
                self.today, story.published_on + datetime.timedelta(days=rng.randint(5, 40))
            )
            registrations.append(
                Registration(
                    audit=audit,
                    contact_name=self.person(rng),
                    contact_phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
                    registered_by=user,
                    registered_on=registered_on,
                    updated_at=self.at(registered_on, rng),
                )
            )
            if rng.random() > (0.95 if started else 0.4):
                continue
            filed_on = min(self.today, registered_on + datetime.timedelta(days=rng.randint(3, 30)))
            decided = started and filed_on < self.today
            decided_on = min(self.today, filed_on + datetime.timedelta(days=rng.randint(1, 10)))
            filings.append(
                Filing(
                    audit=audit,
                    kind=FilingKind.START,
                    state=FilingState.ACCEPTED if decided else FilingState.SUBMITTED,
                    submitted_by=user,
                    submitted_at=self.at(filed_on, rng),
                    decided_by=self.officer if decided else None,
                    decided_on=decided_on if decided else None,
                )
            )
        self.insert(Registration, registrations)
        self.insert(Filing, filings)

    # -- what is inside each audit ---------------------------------------------------------

    def make_totals(self):
        """The per-audit sums the statistics read (audits/totals.py), as option_save keeps
        them: the options here were written by COPY, past the services."""
        ids = list(
            Audit.objects.filter(enterprise__region__code__startswith=self.province_code[:2])
            .values_list("pk", flat=True)
            .order_by("pk")
        )
        for start in range(0, len(ids), 5000):
            totals.refresh(ids[start : start + 5000])

    def analyze(self):
        tables = {
            model._meta.db_table
            for model in (
                Organization,
                User,
                Auditor,
                Enterprise,
                KeyEnterpriseList,
                ListEntry,
                Audit,
                TransitionLog,
                Target,
                Balance,
                BalanceFlow,
                Option,
                OptionBenefit,
                Document,
                Review,
                PanelMember,
                Score,
                Verification,
                VerifiedBenefit,
                EmissionDisclosure,
                Registration,
                Filing,
                OptionTotals,
                BenefitTotals,
            )
        }
        # The kept columns' fill rewrote every audit and round once per set: compact
        # those two; then vacuum every table as autovacuum would have by the time the
        # data is read (the visibility map lets counts scan an index alone). VACUUM
        # cannot run inside a transaction (as in the tests): ANALYZE alone there.
        rewritten = {Audit._meta.db_table, Review._meta.db_table}
        with connection.cursor() as cursor:
            for table in sorted(tables):
                if connection.in_atomic_block:
                    cursor.execute(f'ANALYZE "{table}"')
                    continue
                if table in rewritten:
                    cursor.execute(f'VACUUM (FULL) "{table}"')
                cursor.execute(f'VACUUM (ANALYZE) "{table}"')


def first_applied(story, kind) -> datetime.date | None:
    """The day the first round of `kind` was applied for (the report submitted, or
    acceptance applied for)."""
    return next((r.applied_on for r in story.reviews if r.kind == kind), None)
