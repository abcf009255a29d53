"""Load the GB/T 2260 regions and GB/T 4754-2017 industries shipped in enterprises/data.

Called by data migrations with the historical models, so a later migration can call
it again after the files gain rows: existing codes are updated, none are deleted
(retired codes stay on the records that use them).
"""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
LEVEL_ORDER = {"section": 0, "province": 0, "division": 1, "city": 1, "county": 2}


def _rows(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Parents before children, so that each level's foreign keys already exist.
    return sorted(rows, key=lambda row: LEVEL_ORDER[row["level"]])


def load_reference_data(Region, Industry) -> None:
    regions = [
        Region(
            code=r["code"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            level=r["level"],
            parent_id=r["parent"] or None,
        )
        for r in _rows("regions.csv")
    ]
    Region.objects.bulk_create(
        regions,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_zh", "name_en", "level", "parent"],
    )
    industries = [
        Industry(
            code=r["code"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            level=r["level"],
            section_id=r["section"] or None,
        )
        for r in _rows("industries.csv")
    ]
    Industry.objects.bulk_create(
        industries,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_zh", "name_en", "level", "section"],
    )


# GB/T 4754-2017 divisions of the national default policy. Heavy-metal industries: metal
# ore mining (09), leather tanning (19), chemicals (26), non-ferrous smelting (32),
# electroplating and metal products (33), lead-acid batteries (38). Over-capacity
# industries: coal (06), cement and flat glass (30), steel (31). Editable per province.
HEAVY_METAL_INDUSTRIES = ["09", "19", "26", "32", "33", "38"]
OVERCAPACITY_INDUSTRIES = ["06", "30", "31"]


def ensure_national_policy(ProvincePolicy) -> None:
    if not ProvincePolicy.objects.filter(province__isnull=True).exists():
        ProvincePolicy.objects.create(
            province=None,
            heavy_metal_industries=HEAVY_METAL_INDUSTRIES,
            overcapacity_industries=OVERCAPACITY_INDUSTRIES,
        )
