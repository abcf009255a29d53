"""The CP level an audit reaches against its industry's evaluation indicator system
(domain.md §4: at least grade III of I/II/III at acceptance).

The method of the evaluation systems published since 2014 under the compilation rules
(清洁生产评价指标体系编制通则, NDRC/MEP/MIIT 2013): an indicator scores 100 for grade k
when its value meets the grade-k benchmark, 0 otherwise; the grade-k composite is the
weighted sum, each indicator's weight within its first-level category times the
category's weight, Y_k = Σ_i w_i Σ_j ω_ij · 100·[x_ij meets k]. Grade k is reached when
Y_k reaches the score the system asks for that grade (I: 85, II: 85, III: 100 in the
three-grade systems) and every limiting indicator meets grade k: a limiting indicator
caps the grade whatever the score. The older two-grade systems (advanced, CP enterprise)
are graded the same way here with their own two scores.

Indicators without a value do not apply to the plant (e.g. the metals it does not
plate, "0.8/n" in the electroplating system): the weights are shared out over those
that apply, within the category and across categories. A limiting indicator without a
value reaches no grade.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import Direction

HUNDRED = Decimal(100)


def meets(indicator, value, grade: int) -> bool:
    if value is None:
        return False
    if indicator.direction == Direction.QUALITATIVE:
        return 1 <= value <= grade
    # A grade without its own benchmark takes the next stricter one.
    for level in range(grade, 0, -1):
        benchmark = indicator.benchmark(level)
        if benchmark is not None:
            break
    else:
        return False
    if indicator.direction == Direction.LOWER:
        return value <= benchmark
    return value >= benchmark


def evaluate(system, indicators, values: dict) -> dict:
    """`values` maps indicator ids to a value (or None). Returns the grade reached (1 the
    best, None for none), the composite score of each grade, and the limiting indicators
    that held the grade below what the score alone would reach."""
    applicable = [i for i in indicators if values.get(i.pk) is not None]
    categories: dict[str, dict] = {}
    for indicator in applicable:
        entry = categories.setdefault(
            indicator.category, {"weight": indicator.category_weight, "members": []}
        )
        entry["members"].append(indicator)
    total_weight = sum((c["weight"] for c in categories.values()), Decimal(0))
    grades = range(1, system.grades + 1)
    scores = {}
    for grade in grades:
        score = Decimal(0)
        for entry in categories.values():
            members_weight = sum((m.weight for m in entry["members"]), Decimal(0))
            if not members_weight or not total_weight:
                continue
            met = sum(
                (m.weight for m in entry["members"] if meets(m, values[m.pk], grade)),
                Decimal(0),
            )
            score += entry["weight"] / total_weight * met / members_weight * HUNDRED
        scores[grade] = score.quantize(Decimal("0.01"))
    limiting = [i for i in indicators if i.limiting]
    reached, capped_by = None, []
    for grade in grades:
        if scores[grade] < system.required_score(grade):
            continue
        failing = [i for i in limiting if not meets(i, values.get(i.pk), grade)]
        if failing:
            if not capped_by:
                capped_by = [str(i.name) for i in failing]
            continue
        reached = grade
        break
    return {
        "grade": reached,
        "label": grade_label(system.grades, reached),
        "scores": {str(grade): str(score) for grade, score in scores.items()},
        "capped_by": capped_by,
        "applicable": len(applicable),
        "indicators": len(indicators),
    }


def grade_label(grades: int, grade: int | None) -> str:
    if grade is None:
        return _("No grade reached")
    if grades == 2:
        return _("Advanced CP enterprise") if grade == 1 else _("CP enterprise")
    return {
        1: _("Grade I (internationally leading)"),
        2: _("Grade II (domestically advanced)"),
        3: _("Grade III (domestic general level)"),
    }[grade]
