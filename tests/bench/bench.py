"""Benchmarks against the seeded province (issue 6), each beside the equivalent raw SQL.

    .venv/bin/python manage.py seed_scale --if-missing   # PostgreSQL (DATABASE_URL)
    .venv/bin/python -m tests.bench.bench [--runs 20] [--province 320000] [--rows 5000]

`make bench` does both. Prints one table: operation | median ms over N runs | the
median ms of hand-written SQL reading (or writing) the same data. An operation whose
code is not importable yet is reported as "not available"; one that fails, with its
error. Leaves nothing behind: the import runs in a rolled-back transaction (as
`bench_import` does) and report jobs are deleted with their files.
"""

import argparse
import logging
import os
import statistics
import sys
import time
import traceback
import warnings

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpaudit.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from audits.choices import BEFORE_ACCEPTANCE, BEFORE_REPORT, AuditState  # noqa: E402
from audits.models import Audit  # noqa: E402
from cpaudit.celery import app as celery_app  # noqa: E402
from cpaudit.seeding import scale  # noqa: E402
from enterprises.models import KeyEnterpriseList  # noqa: E402

from . import bench_import  # noqa: E402

NOT_AVAILABLE = "not available"


class Rollback(Exception):
    pass


class Unavailable(Exception):
    """The code under test is not importable (yet)."""


def median_ms(fn, runs: int, warmup: int = 1, first: list | None = None) -> float:
    """The median of `runs` timed calls after `warmup` untimed ones (the first call's
    time, cold caches and all, goes to `first`)."""
    for number in range(warmup):
        started = time.perf_counter()
        fn()
        if number == 0 and first is not None:
            first.append((time.perf_counter() - started) * 1000)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        own = fn()  # a function that times itself returns its seconds
        elapsed = own if isinstance(own, float) else time.perf_counter() - started
        samples.append(elapsed * 1000)
    return statistics.median(samples)


def raw(queries):
    """A function running `queries` [(sql, params)] and fetching every row."""

    def run():
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


# --- the operations ------------------------------------------------------------------------

AUDITS_OF_YEAR = """
    FROM audits_audit a
    JOIN enterprises_enterprise e ON e.id = a.enterprise_id
    JOIN enterprises_listentry le ON le.id = a.list_entry_id
    JOIN enterprises_keyenterpriselist kl ON kl.id = le.key_list_id
    WHERE kl.year = %(year)s AND e.region_id LIKE %(prefix)s"""


def statistics_sql(prefix: str, year: int):
    """The summary's figures by hand: pipeline and overdue (in total, by city, by
    industry), review results, options and investment, summed benefits."""
    params = {
        "year": year,
        "prefix": prefix + "%",
        "today": timezone.localdate(),
        "not_started": AuditState.NOT_STARTED,
        "before_report": list(BEFORE_REPORT),
        "before_acceptance": list(BEFORE_ACCEPTANCE),
    }
    overdue = """
        count(*) FILTER (WHERE a.state = %(not_started)s AND a.start_due < %(today)s),
        count(*) FILTER (WHERE a.state = ANY(%(before_report)s) AND a.report_due < %(today)s),
        count(*) FILTER (WHERE a.state = ANY(%(before_acceptance)s)
                         AND a.acceptance_due < %(today)s)"""
    return [
        (f"SELECT a.state, count(*), {overdue} {AUDITS_OF_YEAR} GROUP BY a.state", params),
        (
            f"SELECT substr(e.region_id, 1, 4), a.state, count(*), {overdue} {AUDITS_OF_YEAR} "
            "GROUP BY 1, 2",
            params,
        ),
        (
            f"SELECT e.industry_id, a.state, count(*), {overdue} {AUDITS_OF_YEAR} GROUP BY 1, 2",
            params,
        ),
        (
            "SELECT r.kind, r.result, count(*) FROM assessments_review r "
            "JOIN audits_audit a ON a.id = r.audit_id "
            + AUDITS_OF_YEAR.split("FROM audits_audit a", 1)[1]
            + " GROUP BY 1, 2",
            params,
        ),
        (
            "SELECT o.cost_class, count(*), count(*) FILTER (WHERE o.status = 'implemented'), "
            "sum(o.investment) FROM audits_option o JOIN audits_audit a ON a.id = o.audit_id "
            + AUDITS_OF_YEAR.split("FROM audits_audit a", 1)[1]
            + " GROUP BY 1",
            params,
        ),
        (
            "SELECT b.indicator, sum(b.expected), sum(b.actual) FROM audits_optionbenefit b "
            "JOIN audits_option o ON o.id = b.option_id JOIN audits_audit a ON a.id = o.audit_id "
            + AUDITS_OF_YEAR.split("FROM audits_audit a", 1)[1]
            + " GROUP BY 1",
            params,
        ),
    ]


def list_sql(prefix: str):
    """The audit list's page: the count for the paginator and the first 50 rows with
    enterprise, firm and list year."""
    params = {"prefix": prefix + "%"}
    return [
        (
            "SELECT count(*) FROM audits_audit a JOIN enterprises_enterprise e "
            "ON e.id = a.enterprise_id WHERE e.region_id LIKE %(prefix)s",
            params,
        ),
        (
            "SELECT a.*, e.name, e.credit_code, e.region_id, o.name, kl.year "
            "FROM audits_audit a JOIN enterprises_enterprise e ON e.id = a.enterprise_id "
            "LEFT JOIN accounts_organization o ON o.id = a.consultancy_id "
            "LEFT JOIN enterprises_listentry le ON le.id = a.list_entry_id "
            "LEFT JOIN enterprises_keyenterpriselist kl ON kl.id = le.key_list_id "
            "WHERE e.region_id LIKE %(prefix)s ORDER BY a.start_due, a.id LIMIT 50",
            params,
        ),
    ]


def workspace_sql(audit_id: int, with_scores: bool = False):
    """What the workspace shows: the audit and its enterprise, options, benefits, targets,
    documents, transitions and review rounds (and, for a report, panels and scores)."""
    params = {"audit": audit_id}
    queries = [
        (
            "SELECT a.*, e.*, o.name FROM audits_audit a "
            "JOIN enterprises_enterprise e ON e.id = a.enterprise_id "
            "LEFT JOIN accounts_organization o ON o.id = a.consultancy_id "
            "WHERE a.id = %(audit)s",
            params,
        ),
        ("SELECT * FROM audits_option WHERE audit_id = %(audit)s ORDER BY code", params),
        (
            "SELECT b.* FROM audits_optionbenefit b JOIN audits_option o ON o.id = b.option_id "
            "WHERE o.audit_id = %(audit)s ORDER BY o.code, b.indicator",
            params,
        ),
        ("SELECT * FROM audits_target WHERE audit_id = %(audit)s", params),
        ("SELECT * FROM audits_document WHERE audit_id = %(audit)s", params),
        (
            "SELECT t.*, u.full_name FROM audits_transitionlog t "
            "JOIN accounts_user u ON u.id = t.actor_id WHERE t.audit_id = %(audit)s",
            params,
        ),
        ("SELECT * FROM assessments_review WHERE audit_id = %(audit)s", params),
    ]
    if with_scores:
        queries.append(
            (
                "SELECT s.*, u.full_name FROM assessments_score s "
                "JOIN assessments_review r ON r.id = s.review_id "
                "JOIN accounts_user u ON u.id = s.expert_id "
                "WHERE r.audit_id = %(audit)s",
                params,
            )
        )
    return queries


def summary_op(officer, year):
    try:
        from reporting.statistics import summary
    except ImportError as error:
        raise Unavailable(str(error)) from error
    return lambda: summary(user=officer, region=None, year=year)


def page_op(client, path):
    def get():
        response = client.get(path, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")

    return get


def pdf_op(officer, audit):
    try:
        from reporting.models import ReportJob
        from reporting.services import report_request, report_run
    except ImportError as error:
        raise Unavailable(str(error)) from error

    def render():
        job = report_request(actor=officer, kind="audit_summary", format="pdf", audit=audit)
        report_run(job_id=job.pk)
        job = ReportJob.objects.get(pk=job.pk)
        state, error = job.state, job.error
        if job.file:
            job.file.delete(save=False)
        job.delete()
        if state != "done":
            raise RuntimeError(f"the job ended {state}: {error}")

    return render


def import_op(rows: int, make_file, year: int, publish: list):
    """`bench_import.run`: the import alone is timed (the file is made before, the list
    published after, all rolled back); the publish times go to `publish`."""

    def run():
        elapsed, result = bench_import.run(rows, make_file, year)
        if result.get("errors"):
            raise RuntimeError(f"import errors: {result['errors'][:3]}")
        publish.append(result["publish_s"])
        return float(elapsed)

    return run


def import_sql(rows: int):
    """The same rows written by hand: COPY the enterprises, COPY the entries of a new
    draft list, inside a transaction rolled back at the end."""
    data = list(bench_import.rows(rows))

    def run():
        now = timezone.now()
        try:
            with transaction.atomic(), connection.cursor() as wrapper:
                cursor = wrapper.cursor
                cursor.execute(
                    "INSERT INTO enterprises_keyenterpriselist (year, province_id, title, status,"
                    " created_at, policy) VALUES (2092, '320000', 'bench', 'draft', %s, '{}') "
                    "RETURNING id",
                    [now],
                )
                list_id = cursor.fetchone()[0]
                with cursor.copy(
                    "COPY enterprises_enterprise (name, credit_code, region_id, "
                    "industry_id, address, created_at, updated_at) "
                    "FROM STDIN"
                ) as copy:
                    for code, name, county, industry, _categories, _reason in data:
                        copy.write_row((name, code, county, industry, "", now, now))
                cursor.execute(
                    "SELECT credit_code, id FROM enterprises_enterprise "
                    "WHERE credit_code = ANY(%s)",
                    [[r[0] for r in data]],
                )
                ids = dict(cursor.fetchall())
                with cursor.copy(
                    "COPY enterprises_listentry (key_list_id, enterprise_id, "
                    "exceeds_standards, toxic_hazardous, energy_intensive, reason, "
                    "status, created_at) FROM STDIN"
                ) as copy:
                    for code, _name, _county, _industry, categories, reason in data:
                        copy.write_row(
                            (
                                list_id,
                                ids[code],
                                "exceeds_standards" in categories,
                                "toxic_hazardous" in categories,
                                "energy_intensive" in categories,
                                reason,
                                "active",
                                now,
                            )
                        )
                raise Rollback
        except Rollback:
            pass

    return run


# --- the table -----------------------------------------------------------------------------


def measure(label, make, runs, raw_fn=None, raw_runs=None, warmup=1, notes=None):
    """(label, median ms | "not available" | "error", runs, raw median ms | None); why an
    operation did not run goes to `notes`."""
    first = []
    try:
        value = median_ms(make(), runs, warmup, first)
        if first and label.startswith("PDF"):
            notes.append(f"{label}: first (cold) run {first[0]:,.0f} ms")
    except Unavailable as error:
        value = NOT_AVAILABLE
        notes.append(f"{label}: {NOT_AVAILABLE}: {error}")
    except Exception as error:  # noqa: BLE001 - a benchmark reports, it does not stop
        traceback.print_exc(file=sys.stderr)
        value = "error"
        notes.append(f"{label}: {type(error).__name__}: {error}")
    raw_value = median_ms(raw_fn, raw_runs or runs) if raw_fn else None
    return label, value, runs, raw_value


def cell(value, width):
    if value is None:
        return "n/a".rjust(width)
    if isinstance(value, float):
        return f"{value:,.1f}".rjust(width)
    return str(value).rjust(width)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="320000")
    parser.add_argument("--runs", type=int, default=20, help="runs of the fast operations")
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=5000, help="rows of the list import")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit(f"bench: needs PostgreSQL (DATABASE_URL); this database is {connection.vendor}.")
    code = args.province
    prefix = code[:2]
    officer = User.objects.filter(username=f"{scale.user_prefix(code)}province").first()
    if officer is None:
        sys.exit(
            f"bench: no scale data for {code}; run `manage.py seed_scale --province {code}`"
            " (or `make bench`, which does)."
        )
    year = (
        KeyEnterpriseList.objects.filter(province_id=code, created_by=officer).latest("year").year
    )
    showcase = (
        Audit.objects.filter(enterprise__in=scale.scale_enterprises(code))
        .annotate(n=Count("options"))
        .filter(n=scale.SHOWCASE_OPTIONS)
        .order_by("pk")
    )
    audit = showcase.filter(state=AuditState.COMPLETED).first() or showcase.first()
    audits = Audit.objects.filter(enterprise__in=scale.scale_enterprises(code)).count()
    celery_app.conf.task_always_eager = True  # reports render in this process
    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic here
    for name in ("weasyprint", "fontTools", "celery", "kombu"):  # their chatter, not ours
        logging.getLogger(name).setLevel(logging.WARNING)
    client = Client()
    client.force_login(officer)
    print(
        f"database: PostgreSQL {connection.pg_version // 10000}; province {code}: "
        f"{audits:,} audits; year {year}; officer {officer.username}; workspace audit "
        f"#{audit.pk} ({audit.state}, {scale.SHOWCASE_OPTIONS} options)",
        flush=True,
    )

    notes, publish = [], []
    import_raw = import_sql(args.rows)
    results = [
        measure(
            f"statistics summary (province, {year})",
            lambda: summary_op(officer, year),
            args.runs,
            raw(statistics_sql(prefix, year)),
            notes=notes,
        ),
        measure(
            "audit list page (GET /audits/)",
            lambda: page_op(client, "/audits/"),
            args.runs,
            raw(list_sql(prefix)),
            notes=notes,
        ),
        measure(
            f"audit workspace (GET /audits/{audit.pk}/)",
            lambda: page_op(client, f"/audits/{audit.pk}/"),
            args.runs,
            raw(workspace_sql(audit.pk)),
            notes=notes,
        ),
        measure(
            f"PDF audit_summary ({scale.SHOWCASE_OPTIONS} options)",
            lambda: pdf_op(officer, audit),
            args.pdf_runs,
            raw(workspace_sql(audit.pk, with_scores=True)),
            args.runs,
            notes=notes,
        ),
        measure(
            f"list import CSV ({args.rows:,} rows)",
            lambda: import_op(args.rows, bench_import.as_csv, 2090, publish),
            args.import_runs,
            import_raw,
            warmup=0,
            notes=notes,
        ),
        measure(
            f"list import XLSX ({args.rows:,} rows)",
            lambda: import_op(args.rows, bench_import.as_xlsx, 2091, publish),
            args.import_runs,
            import_raw,
            warmup=0,
            notes=notes,
        ),
    ]
    if publish:
        notes.append(
            f"publishing the imported list ({args.rows:,} audits opened): median "
            f"{statistics.median(publish) * 1000:,.0f} ms"
        )

    width = max(len(r[0]) for r in results)
    print()
    print(f"{'operation':<{width}} | {'median ms':>10} | {'runs':>4} | {'raw SQL ms':>10}")
    print(f"{'-' * width}-|-{'-' * 10}-|-{'-' * 4}-|-{'-' * 10}")
    for label, value, runs, raw_value in results:
        print(f"{label:<{width}} | {cell(value, 10)} | {runs:>4} | {cell(raw_value, 10)}")
    print(
        "\nraw SQL: statistics = 6 hand-written aggregates; list = count + first 50 rows; "
        "workspace = the audit, options, benefits, targets, documents, transitions, rounds "
        "(PDF: and scores); import = COPY of the same enterprises and entries."
    )
    for note in notes:
        print(f"note: {note}")


if __name__ == "__main__":
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={**settings.STORAGES, "staticfiles": static},
    ):
        main()
