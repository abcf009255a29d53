"""Benchmark: import a 5,000-row key list (issue target: under 10 s), then publish it.

    .venv/bin/python -m tests.bench.bench_import [rows]

Runs against the configured database (DATABASE_URL for PostgreSQL) inside a transaction
that is rolled back at the end, so it leaves nothing behind. Prints one line per format.
"""

import io
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpaudit.settings")
django.setup()

import openpyxl  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from audits.publishing import key_list_publish  # noqa: E402
from core.credit_code import make_credit_code  # noqa: E402
from enterprises.imports import COLUMNS, key_list_import  # noqa: E402
from enterprises.models import Industry, Region  # noqa: E402
from enterprises.services import key_list_create  # noqa: E402


class Rollback(Exception):
    pass


def rows(n: int):
    counties = list(
        Region.objects.filter(code__startswith="32", level="county").values_list("code", flat=True)
    )
    industries = list(
        Industry.objects.filter(level="division", section_id="C").values_list("code", flat=True)
    )
    categories = ["exceeds_standards", "toxic_hazardous", "energy_intensive;toxic_hazardous"]
    for i in range(n):
        county = counties[i % len(counties)]
        yield [
            make_credit_code(division=county[:4] + "00", serial=80_000_000 + i),
            f"基准测试企业{i:05d}有限公司",
            county,
            industries[i % len(industries)],
            categories[i % 3],
            "超过总量控制指标",
        ]


def as_csv(n):
    text = ",".join(COLUMNS) + "\n" + "\n".join(",".join(r) for r in rows(n)) + "\n"
    return SimpleUploadedFile("bench.csv", text.encode())


def as_xlsx(n):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(COLUMNS)
    for row in rows(n):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("bench.xlsx", buffer.getvalue())


def run(n: int, make_file, year: int) -> tuple[float, dict]:
    upload = make_file(n)
    try:
        with transaction.atomic():
            org = Organization.objects.create(
                name="Bench EPB", kind="authority", region_id="320000"
            )
            officer = User.objects.create(
                username=f"bench-{year}", role="authority", organization=org
            )
            key_list = key_list_create(
                actor=officer, province=Region.objects.get(code="320000"), year=year
            )
            started = time.perf_counter()
            result = key_list_import(actor=officer, key_list=key_list, upload=upload)
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            key_list_publish(actor=officer, key_list=key_list)
            result["publish_s"] = round(time.perf_counter() - started, 2)
            raise Rollback
    except Rollback:
        pass
    return elapsed, result


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    print(f"database: {connection.vendor}; rows: {n}")
    for label, make_file, year in (("csv", as_csv, 2090), ("xlsx", as_xlsx, 2091)):
        elapsed, result = run(n, make_file, year)
        print(f"import {label:4s} {elapsed:6.2f} s  {result}")


if __name__ == "__main__":
    main()
