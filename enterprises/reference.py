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


# The national default policy's industries, as GB/T 4754-2017 codes (any level, matched by
# prefix). Heavy-metal industries, by class: the key industries of the Ministry of
# Ecology and Environment's 关于进一步加强重金属污染防控的意见 (环固体〔2022〕17号) —
# copper, lead-zinc, nickel-cobalt, tin and antimony ore mining (0911–0915) and smelting
# (3211–3215); lead-acid batteries (3843); electroplating, i.e. metal surface treatment
# (3360); chromium salts and zinc compounds from industrial waste, within inorganic salts
# (2613), and calcium-carbide PVC, within primary plastics (2651); leather tanning (1910).
# Mercury mining and smelting fall in the "other" classes (0919, 3219) with other metals:
# a province adds them where it has them. Over-capacity industries, by division: coal
# (06), cement and flat glass (30), steel (31). Editable per province.
HEAVY_METAL_INDUSTRIES = [
    "0911",
    "0912",
    "0913",
    "0914",
    "0915",
    "1910",
    "2613",
    "2651",
    "3211",
    "3212",
    "3213",
    "3214",
    "3215",
    "3360",
    "3843",
]
OVERCAPACITY_INDUSTRIES = ["06", "30", "31"]
# The divisions the national default listed before (issue 3), replaced by the classes.
HEAVY_METAL_DIVISIONS_BEFORE = ["09", "19", "26", "32", "33", "38"]


def ensure_national_policy(ProvincePolicy) -> None:
    if not ProvincePolicy.objects.filter(province__isnull=True).exists():
        ProvincePolicy.objects.create(
            province=None,
            heavy_metal_industries=HEAVY_METAL_INDUSTRIES,
            overcapacity_industries=OVERCAPACITY_INDUSTRIES,
        )
