"""The electroplating industry's evaluation indicator system (2015), Table 1 rows 1–12,
as data (survey/data/README.md gives the source and what could not be verified)."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "electroplating-2015.csv"
TITLE = "电镀行业清洁生产评价指标体系（综合电镀）"
VERSION = "2015"
SOURCE = (
    "电镀行业清洁生产评价指标体系, NDRC, MEP and MIIT, 2015; Table 1 (综合电镀), rows "
    "1–12 as reproduced at https://www.shea.cn/index.php?s=news&c=show&id=155. The "
    "pollutant-generation, product and CP-management categories and the grade III "
    "requirement of qualitative rows 1, 2 and 4 could not be verified and are not "
    "entered (survey/data/README.md)."
)


def number(text):
    return Decimal(text) if text.strip() else None


def load(apps, schema_editor):
    System = apps.get_model("survey", "EvaluationSystem")
    Indicator = apps.get_model("survey", "EvaluationIndicator")
    system = System.objects.create(
        industry_code="3360",
        title=TITLE,
        version=VERSION,
        grades=3,
        score_1=Decimal(85),
        score_2=Decimal(85),
        score_3=Decimal(100),
        source=SOURCE,
        complete=False,
    )
    with DATA.open(encoding="utf-8") as handle:
        for position, row in enumerate(csv.DictReader(handle), start=1):
            qualitative = row["direction"] == "qualitative"
            Indicator.objects.create(
                system=system,
                position=position,
                category=row["category"],
                category_weight=Decimal(row["category_weight"]),
                code=row["code"],
                name=row["indicator"],
                unit=row["unit"],
                weight=Decimal(row["weight"]),
                direction=row["direction"],
                level_1=None if qualitative else number(row["level_1"]),
                level_2=None if qualitative else number(row["level_2"]),
                level_3=None if qualitative else number(row["level_3"]),
                requirements=[row[f"level_{k}"] for k in (1, 2, 3)] if qualitative else [],
                limiting=row["limiting"] == "yes",
                note=row["note"],
            )


def unload(apps, schema_editor):
    apps.get_model("survey", "EvaluationSystem").objects.filter(
        industry_code="3360", title=TITLE, version=VERSION
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("survey", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
