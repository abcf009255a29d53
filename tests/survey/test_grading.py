"""The grade reached against an industry evaluation system (survey/grading.py), one
test per grading scheme: three grades, two grades, a limiting indicator capping the
grade; and the shipped electroplating system."""

from decimal import Decimal

import pytest

from survey import grading, services
from survey.models import EvaluationSystem

pytestmark = pytest.mark.django_db

HEADER = [
    "category",
    "category_weight",
    "code",
    "indicator",
    "unit",
    "weight",
    "direction",
    "level_1",
    "level_2",
    "level_3",
    "limiting",
]


def system(rows, *, grades=3, scores=(85, 85, 100)):
    return services.evaluation_system_create(
        table=[HEADER, *rows],
        industry_code="22",
        title=f"Test system {grades}",
        version="1",
        grades=grades,
        score_1=Decimal(scores[0]),
        score_2=Decimal(scores[1]),
        score_3=None if grades == 2 else Decimal(scores[2]),
        source="A test table",
    )


def grade(system_, **values):
    indicators = list(system_.indicators.all())
    by_code = {i.code: i.pk for i in indicators}
    return grading.evaluate(
        system_, indicators, {by_code[code]: Decimal(str(v)) for code, v in values.items()}
    )


THREE = [
    ["Resources", "0.5", "water", "Water per tonne", "t/t", "0.6", "lower", "20", "30", "40", ""],
    [
        "Resources",
        "0.5",
        "energy",
        "Energy per tonne",
        "tce/t",
        "0.4",
        "lower",
        "0.3",
        "0.4",
        "0.5",
        "",
    ],
    [
        "Management",
        "0.5",
        "mgmt",
        "CP management",
        "",
        "1",
        "qualitative",
        "ISO 14001",
        "Records",
        "Policy",
        "",
    ],
]


def test_three_grades_by_the_weighted_score():
    s = system(THREE)
    # Everything at grade I.
    assert grade(s, water=18, energy=0.25, mgmt=1)["grade"] == 1
    # Water at II only: Y_I = 50·0.4 + 50 = 70 < 85; Y_II = 100 ≥ 85.
    result = grade(s, water=25, energy=0.25, mgmt=1)
    assert result["grade"] == 2 and result["scores"] == {"1": "70.00", "2": "100.00", "3": "100.00"}
    # Water beyond III: Y_III = 70 < 100, no grade at all.
    result = grade(s, water=45, energy=0.25, mgmt=1)
    assert result["grade"] is None and result["label"] == "No grade reached"
    # Management at III only: Y_I = Y_II = 50 < 85; Y_III = 100.
    assert grade(s, water=18, energy=0.25, mgmt=3)["grade"] == 3


def test_two_grades_with_their_own_scores():
    rows = [
        ["Energy", "0.6", "e", "Energy per tonne", "tce/t", "1", "lower", "0.3", "0.5", "", ""],
        ["Use", "0.4", "r", "Recycling rate", "%", "1", "higher", "90", "70", "", ""],
    ]
    s = system(rows, grades=2, scores=(90, 60))
    advanced = grade(s, e=0.25, r=95)
    assert advanced["grade"] == 1 and advanced["label"] == "Advanced CP enterprise"
    # Recycling at the second grade: Y_1 = 60 < 90, Y_2 = 100 ≥ 60.
    result = grade(s, e=0.25, r=75)
    assert result["grade"] == 2 and result["label"] == "CP enterprise"
    assert set(result["scores"]) == {"1", "2"}
    # Energy beyond the second grade: Y_2 = 40 < 60.
    assert grade(s, e=0.6, r=95)["grade"] is None


def test_a_limiting_indicator_caps_the_grade_whatever_the_score():
    rows = [
        [
            "Resources",
            "1",
            "water",
            "Water per wash",
            "L/m2",
            "0.1",
            "lower",
            "8",
            "24",
            "40",
            "yes",
        ],
        ["Resources", "1", "zinc", "Zinc use", "%", "0.9", "higher", "82", "80", "75", ""],
    ]
    s = system(rows)
    # The score reaches grade I (90 ≥ 85) but the limiting water use meets only II.
    capped = grade(s, water=20, zinc=85)
    assert capped["scores"]["1"] == "90.00"
    assert capped["grade"] == 2 and capped["capped_by"] == ["Water per wash"]
    # Without a value the limiting indicator reaches no grade.
    assert grade(s, zinc=85)["grade"] is None


def test_indicators_that_do_not_apply_share_out_their_weight():
    """The shipped electroplating system: the metals a plant does not plate have no
    value, and the 0.8/n weight is divided among those it does."""
    plating = EvaluationSystem.objects.get(industry_code="3360", version="2015")
    assert not plating.complete and plating.indicators.count() == 12
    limiting = list(plating.indicators.filter(limiting=True).values_list("name", flat=True))
    assert limiting == ["单位产品每次清洗取水量"]
    values = {"1": 1, "2": 1, "3": 1, "4": 1, "5": 6, "6": 85, "8": 96}
    assert grade(plating, **values)["grade"] == 1
    # Nickel at II (85–95): Y_I = 100 − 18/61·50 ≈ 85.25 — still grade I.
    result = grade(plating, **(values | {"8": 90}))
    assert result["scores"]["1"] == "85.25" and result["grade"] == 1
    # Zinc too: Y_I ≈ 70.49, grade II.
    assert grade(plating, **(values | {"8": 90, "6": 80}))["grade"] == 2
    # The water use per wash at III caps it at III whatever the rest.
    assert grade(plating, **(values | {"5": 30}))["grade"] == 3
