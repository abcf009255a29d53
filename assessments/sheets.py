"""The national default scoring sheets, modelled on the national guidance for the
assessment and acceptance of compulsory CP audits (domain.md §3, §4, §7). Loaded by a
data migration; provinces publish their own versions through `sheet_publish`."""

from decimal import Decimal

from .choices import ReviewKind

NATIONAL_PASS_MARK = Decimal("70")  # domain.md §3: passes at ≥ 70 (provinces may differ)


def _entry(code, zh, en, points=None):
    entry = {"code": code, "title_zh": zh, "title_en": en}
    if points is not None:
        entry["max_points"] = points
    return entry


FALSIFIED = _entry("falsified_data", "数据弄虚作假", "Falsified or contradictory data")
BANNED = _entry(
    "banned_equipment",
    "仍在使用国家明令淘汰的工艺或设备",
    "Banned obsolete processes or equipment still in use",
)

NATIONAL = {
    ReviewKind.ASSESSMENT: {
        "items": [
            _entry(
                "report",
                "审核报告完整性与规范性",
                "Completeness and conformity of the audit report",
                15,
            ),
            _entry("process", "审核过程真实性", "Truth of the audit process", 15),
            _entry("focus_targets", "审核重点与清洁生产目标", "Audit focus and CP targets", 15),
            _entry("balance", "物料平衡", "Material balance", 15),
            _entry("no_low", "无/低费方案实施情况", "No/low-cost options implemented", 20),
            _entry(
                "mid_high_plan",
                "中/高费方案可行性分析及实施计划",
                "Feasibility of the mid/high-cost options and their plan",
                20,
            ),
        ],
        "vetoes": [
            FALSIFIED,
            _entry("wrong_focus", "审核重点或目标明显不当", "Wrong audit focus or targets"),
            BANNED,
            _entry(
                "late_compliance",
                "承诺达标时限超过两年",
                "Compliance promised more than 2 years out",
            ),
        ],
    },
    ReviewKind.ACCEPTANCE: {
        "items": [
            _entry("mid_high_done", "中/高费方案实施情况", "Mid/high-cost options implemented", 25),
            _entry("benefits", "实际效益及其证据", "Actual benefits, evidenced", 20),
            _entry("targets", "清洁生产目标完成情况", "CP targets reached", 20),
            _entry(
                "cp_level",
                "清洁生产水平（对照行业标准）",
                "CP level against the industry standard",
                15,
            ),
            _entry("emissions", "污染物达标排放", "Emission compliance", 10),
            _entry("sustaining", "持续清洁生产机制", "Sustaining cleaner production", 10),
        ],
        "vetoes": [
            FALSIFIED,
            _entry("exceeds_standards", "污染物排放仍超标", "Emissions still exceed standards"),
            _entry(
                "below_level_iii",
                "未达到行业清洁生产三级水平",
                "Below level III of the industry CP standard",
            ),
            BANNED,
            _entry(
                "end_of_pipe",
                "以末端治理代替清洁生产",
                "End-of-pipe treatment presented as cleaner production",
            ),
        ],
    },
}


def load_national_sheets(ScoringSheet) -> None:
    """Version 1 of both national sheets, unless present (the data migration)."""
    for kind, sheet in NATIONAL.items():
        ScoringSheet.objects.get_or_create(
            kind=kind,
            province=None,
            version=1,
            defaults={
                "items": sheet["items"],
                "vetoes": sheet["vetoes"],
                "pass_mark": NATIONAL_PASS_MARK,
            },
        )
