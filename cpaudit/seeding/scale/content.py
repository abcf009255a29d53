"""An audit's content and its review rounds: targets, a balance, options with their
benefits, documents, rounds with panels, scores and verifications."""

import datetime
import math
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from accounts.models import User
from assessments.choices import ReviewKind, ReviewResult, ReviewState
from assessments.models import (
    PanelChange,
    PanelMember,
    Review,
    Score,
    Verification,
    VerifiedBenefit,
)
from audits.choices import (
    Aspect,
    BalanceKind,
    CostClass,
    DocumentKind,
    FlowDirection,
    Indicator,
    OptionStatus,
)
from audits.economics import option_economics
from audits.models import (
    Balance,
    BalanceFlow,
    Document,
    Option,
    OptionBenefit,
    Target,
    TransitionLog,
)

from .plan import Review_, Story
from .pools import (
    ACCEPTANCE_ISSUES,
    ASPECT_WEIGHTS,
    ASSESSMENT_ISSUES,
    BALANCE_TITLES,
    BENEFIT_RANGES,
    CLOSURE_NOTES,
    INDUSTRIES,
    NON_ECONOMIC,
    OPTION_STATUSES,
    OPTION_TITLES,
    PDF_TYPE,
    POINTS,
    RANK,
    REASONS,
    SCORE_COMMENTS,
    TARGETS,
    VERIFIABLE_STATUSES,
    S,
    _phase,
    amount,
    money,
    pick,
)


class ContentMixin:
    def make_content(self):
        rng = self.rng
        chunk = 500
        for start in range(0, len(self.stories), chunk):
            rows = defaultdict(list)
            for story in self.stories[start : start + chunk]:
                self.audit_content(rng, story, rows)
            for model in (
                TransitionLog,
                Target,
                Balance,
                BalanceFlow,
                Option,
                OptionBenefit,
                Document,
                Review,
                PanelMember,
                PanelChange,
                Score,
                Verification,
                VerifiedBenefit,
            ):
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
            rows[TransitionLog].append(
                TransitionLog(
                    audit=audit,
                    from_state=frm,
                    to_state=to,
                    comment=comment,
                    actor=supervisor if by_review else worker,
                    at=self.at(day, rng),
                )
            )
        if audit.focus:
            self.targets(rng, story, rows)
        if story.reached(S.OPTION_GENERATION):
            self.balance(rng, story, rows)
        options = self.options(rng, story, rows)
        documents = self.documents(rng, story, options, worker, rows)
        for review in story.reviews:
            self.review(
                rng,
                story,
                review,
                options,
                documents,
                supervisor,
                opinions.get((review.kind, review.round), ""),
                rows,
            )

    def targets(self, rng, story, rows):
        for indicator, unit, (low, high), lower_better in rng.sample(TARGETS, rng.randint(1, 4)):
            baseline = rng.uniform(low, high)
            if lower_better:
                near, far = baseline * rng.uniform(0.85, 0.95), baseline * rng.uniform(0.7, 0.85)
            else:
                near = min(99, baseline + rng.uniform(2, 6))
                far = min(99.5, near + rng.uniform(1, 5))
            achieved = None  # each target's achieved value is recorded before sustaining
            if story.reached(S.SUSTAINING) or (
                story.state == S.IMPLEMENTATION and rng.random() < 0.5
            ):
                achieved = near * rng.uniform(0.95, 1.05)
            rows[Target].append(
                Target(
                    audit=story.audit,
                    indicator=indicator,
                    unit=unit,
                    baseline=amount(baseline),
                    near_term=amount(near),
                    long_term=amount(far),
                    achieved=amount(achieved) if achieved is not None else None,
                )
            )

    def balance(self, rng, story, rows):
        kind = pick(rng, {BalanceKind.MATERIAL: 5, BalanceKind.WATER: 3, BalanceKind.ENERGY: 2})
        unit = {BalanceKind.ENERGY: "tce/a"}.get(kind, "t/a")
        balance = Balance(
            audit=story.audit,
            kind=kind,
            unit=unit,
            title=f"{story.audit.focus}{BALANCE_TITLES[kind]}",
        )
        rows[Balance].append(balance)
        total = rng.uniform(1_000, 200_000)
        split = rng.uniform(0.55, 0.85)
        closure = rng.uniform(-0.04, 0.04) if rng.random() < 0.85 else rng.uniform(0.06, 0.15)
        if abs(closure) > 0.05 and story.reached(S.OPTION_GENERATION):
            # A balance that does not close within its 5 % explains the gap.
            balance.closure_note = rng.choice(CLOSURE_NOTES)
        out = total * (1 - closure)
        flows = [
            (FlowDirection.INPUT, "主原料", total * split),
            (FlowDirection.INPUT, "辅料及水", total * (1 - split)),
            (FlowDirection.OUTPUT, "产品", out * 0.8),
            (FlowDirection.OUTPUT, "废水及废气带走", out * 0.15),
            (FlowDirection.OUTPUT, "固废", out * 0.05),
        ]
        for direction, name, quantity in flows:
            rows[BalanceFlow].append(
                BalanceFlow(
                    balance=balance,
                    direction=direction,
                    name=name,
                    quantity=Decimal(f"{quantity:.2f}"),
                )
            )

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
                investment = money(
                    min(threshold, math.exp(rng.uniform(math.log(500), math.log(threshold))))
                )
            option = Option(
                audit=story.audit,
                code=f"F{k:0{width}d}",
                title=title,
                aspect=aspect,
                cost_class=cost_class,
                investment=investment,
                status=status,
            )
            if status in (
                OptionStatus.SCREENED_OUT,
                OptionStatus.INFEASIBLE,
                OptionStatus.ABANDONED,
            ):
                option.reason = rng.choice(REASONS[status])
            analysed = mid_high and status in (
                OptionStatus.FEASIBLE,
                OptionStatus.INFEASIBLE,
                OptionStatus.IMPLEMENTING,
                OptionStatus.IMPLEMENTED,
            )
            if analysed:
                payback = (
                    rng.uniform(12, 40)
                    if status == OptionStatus.INFEASIBLE
                    else rng.uniform(1.2, 7)
                )
                option.description = (
                    f"{title}：总投资{investment / 10000:.1f}万元，预计投资回收期{payback:.1f}年。"
                )
                option.annual_net_benefit = money(float(investment) / payback)
                option.lifetime_years = rng.randint(8, 15)
                option.discount_rate = Decimal("0.0800")
                for name, value in option_economics(
                    investment=investment,
                    annual_net_benefit=option.annual_net_benefit,
                    lifetime_years=option.lifetime_years,
                    discount_rate=option.discount_rate,
                ).items():
                    setattr(option, name, value)
            created = min(self.today, first + datetime.timedelta(days=rng.randint(0, 60)))
            if status == OptionStatus.IMPLEMENTED:
                if mid_high:
                    low, high = implementation or created, sustained
                else:
                    low, high = created, applied
                high = max(low, min(high, self.today))
                option.implemented_on = low + datetime.timedelta(
                    days=rng.randint(0, (high - low).days)
                )
            option.created_at = self.at(created, rng)
            option.updated_at = self.at(option.implemented_on or created, rng)
            benefits = []
            scale = 6 if mid_high else 1
            count = rng.choice((1, 1, 2, 2, 3))
            indicators = ([Indicator.ECONOMIC] if rng.random() < 0.6 else []) + rng.sample(
                NON_ECONOMIC, count
            )
            for indicator in indicators[:count]:
                low, high = BENEFIT_RANGES[indicator]
                expected = math.exp(rng.uniform(math.log(low), math.log(high))) * scale
                actual = None
                if status == OptionStatus.IMPLEMENTED:
                    actual = amount(expected * rng.uniform(0.6, 1.15))
                benefits.append(
                    OptionBenefit(
                        option=option, indicator=indicator, expected=amount(expected), actual=actual
                    )
                )
            rows[Option].append(option)
            rows[OptionBenefit].extend(benefits)
            result.append((option, benefits))
        return result

    def documents(self, rng, story, options, worker, rows) -> dict:
        """The reports of each application, and evidence for some implemented mid/high
        options; every row points at the one stored file."""

        def add(kind, title, day, option=None, name="report.pdf"):
            document = Document(
                audit=story.audit,
                option=option,
                kind=kind,
                title=title,
                file=self.stored["name"],
                original_name=name,
                sha256=self.stored["sha256"],
                size=self.stored["size"],
                content_type=PDF_TYPE,
                uploaded_by=worker,
                uploaded_at=self.at(day, rng),
            )
            rows[Document].append(document)
            return document

        started = story.move_on(S.PLANNING)
        if started and story.reached(S.PRE_ASSESSMENT):
            planned = started + datetime.timedelta(days=rng.randint(3, 20))
            add(DocumentKind.LEADERSHIP_COMMITMENT, "企业领导清洁生产承诺书", planned)
            add(DocumentKind.WORK_PLAN, "清洁生产审核工作计划", planned, name="工作计划.pdf")
        for review in story.reviews:
            day = review.applied_on - datetime.timedelta(days=rng.randint(0, 3))
            if review.kind == ReviewKind.ASSESSMENT:
                add(
                    DocumentKind.AUDIT_REPORT,
                    "清洁生产审核报告"
                    if review.round == 1
                    else f"清洁生产审核报告（第{review.round}版修改稿）",
                    day,
                    name="清洁生产审核报告.pdf",
                )
            else:
                add(
                    DocumentKind.MONITORING_REPORT,
                    "验收监测报告",
                    day - datetime.timedelta(days=rng.randint(1, 20)),
                    name="验收监测报告.pdf",
                )
                add(
                    DocumentKind.ACCEPTANCE_REPORT,
                    "清洁生产审核验收报告",
                    day,
                    name="清洁生产审核验收报告.pdf",
                )
                if review.round == 1:
                    add(DocumentKind.SUSTAINING_PLAN, "持续清洁生产计划", day, name="持续计划.pdf")
        evidence = {}
        for option, _benefits in options:
            if (
                option.cost_class == CostClass.MID_HIGH
                and option.status == OptionStatus.IMPLEMENTED
                and rng.random() < 0.5
            ):
                evidence[option.code] = add(
                    DocumentKind.EVIDENCE,
                    f"{option.code} 实施证明材料",
                    option.implemented_on,
                    option=option,
                    name="实施证明.pdf",
                )
        return evidence

    def opinion(self, rng, review: Review_) -> str:
        passed = review.result == ReviewResult.PASSED
        if review.kind == ReviewKind.ASSESSMENT:
            if passed:
                return (
                    "经专家组评审，审核重点选择合理，清洁生产目标可行，无/低费方案已基本实施，"
                    "中/高费方案可行性分析充分，同意通过清洁生产审核评估。"
                )
            return (
                f"专家组认为审核报告存在以下问题：{rng.choice(ASSESSMENT_ISSUES)}。"
                "不同意通过评估，请按专家意见修改完善后重新申请。"
            )
        if passed:
            return (
                "经现场核查，中/高费方案已按计划实施，实际效益与监测数据相符，"
                "清洁生产目标已达到，同意通过清洁生产审核验收。"
            )
        return (
            f"现场核查发现{rng.choice(ACCEPTANCE_ISSUES)}，不同意通过验收，"
            "请继续实施并整改后重新申请。"
        )

    def scorecards(self, rng, sheet, n: int, desired, quality: float, round_no: int):
        """`n` experts' points per item (half points) and vetoes; for a concluded round,
        drawn until the sheet's rule gives the planned result."""
        veto_codes = [v["code"] for v in sheet.vetoes]
        for _attempt in range(50):
            veto = None
            if desired == ReviewResult.PASSED:
                level = min(
                    0.96, max(quality, 0.74) + rng.uniform(0, 0.1) + (0.03 if round_no > 1 else 0)
                )
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
            audit=story.audit,
            kind=plan.kind,
            round=plan.round,
            sheet=sheet,
            state=plan.state,
            result=plan.result,
            opinion=opinion,
            applied_on=plan.applied_on,
            due_on=plan.applied_on + relativedelta(months=1),
            concluded_on=plan.concluded_on,
            concluded_by=supervisor if concluded else None,
        )
        rows[Review].append(review)
        if plan.state == ReviewState.APPLIED:
            return
        end = plan.concluded_on or self.today
        span = max(0, (end - plan.applied_on).days)
        panel_on = plan.applied_on + datetime.timedelta(days=rng.randint(0, span // 2))
        firm_pk = self.firms[story.firm].pk if story.firm is not None else None
        industry = self.enterprises[story.enterprise].industry_id
        # Independent of the consulting firm (domain.md §3).
        independent = [
            e.pk for e in self.experts if firm_pk is None or self.expert_firm.get(e.pk) != firm_pk
        ]
        size = min(len(independent), 5 if rng.random() < 0.1 else 3)
        allowed = set(independent)
        matching = [pk for pk in self.experts_of[industry] if pk in allowed]
        panel = rng.sample(matching, min(size, len(matching)))
        if len(panel) < size:
            others = [pk for pk in independent if pk not in panel]
            panel += rng.sample(others, size - len(panel))
        for pk in panel:
            rows[PanelMember].append(PanelMember(review=review, expert_id=pk))
        rows[PanelChange].append(
            PanelChange(
                review=review, actor=supervisor, added=panel, removed=[], at=self.at(panel_on, rng)
            )
        )
        scorers = panel if concluded else panel[: rng.randint(0, len(panel))]
        quality = self.firm_quality[story.firm] if story.firm is not None else 0.62
        cards = self.scorecards(rng, sheet, len(scorers), plan.result, quality, plan.round)
        totals = []
        for pk, (points, vetoes) in zip(scorers, cards, strict=True):
            total = sum(points.values(), Decimal(0))
            totals.append(total)
            day = panel_on + datetime.timedelta(days=rng.randint(0, max(0, (end - panel_on).days)))
            rows[Score].append(
                Score(
                    review=review,
                    expert_id=pk,
                    vetoes=vetoes,
                    total=total,
                    items={
                        code: int(v) if v == v.to_integral_value() else str(v.normalize())
                        for code, v in points.items()
                    },
                    comment=rng.choice(SCORE_COMMENTS),
                    submitted_at=self.at(day, rng),
                )
            )
            if vetoes:
                review.vetoed = True
        if concluded:
            review.score = (sum(totals, Decimal(0)) / len(totals)).quantize(
                POINTS, rounding=ROUND_HALF_UP
            )
        if plan.kind != ReviewKind.ACCEPTANCE:
            return
        not_implemented = []
        for option, benefits in options:
            if (
                option.cost_class != CostClass.MID_HIGH
                or option.status not in VERIFIABLE_STATUSES
                or (not concluded and rng.random() < 0.5)
            ):
                continue
            implemented = option.status == OptionStatus.IMPLEMENTED and (
                plan.result != ReviewResult.FAILED or rng.random() < 0.7
            )
            verification = Verification(
                review=review,
                option=option,
                implemented=implemented,
                note=(
                    "现场核查，方案已实施，运行正常"
                    if implemented
                    else "现场核查，方案尚未实施到位"
                ),
                evidence=evidence.get(option.code),
                verified_by_id=rng.choice(panel),
                verified_at=self.at(min(end, panel_on + datetime.timedelta(days=1)), rng),
            )
            rows[Verification].append(verification)
            if not implemented and concluded:
                not_implemented.append(option.code)
            if implemented:
                for benefit in benefits:
                    if benefit.actual is not None:
                        rows[VerifiedBenefit].append(
                            VerifiedBenefit(
                                verification=verification,
                                indicator=benefit.indicator,
                                value=amount(float(benefit.actual) * rng.uniform(0.85, 1.0)),
                            )
                        )
        # An option verified as not implemented fails the round (issue 12).
        review.not_implemented = sorted(not_implemented)
