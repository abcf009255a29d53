"""The province-scale benchmark (issue 13): every page an officer opens, timed against its
floor, on both province sizes.

    make bench                     # both sizes, then the load test
    .venv/bin/python -m tests.bench.bench [--sizes 5000,20000] [--rounds 3] [--runs 5]
                                          [--no-load] [--only WORD] [--skip WORD]

Needs PostgreSQL (DATABASE_URL). The largest size uses DATABASE_URL's database, each
smaller one a database of its own beside it (`<name>_5k`), created, migrated and seeded
(`seed_scale --if-missing --enterprises N`) when missing. Each size is measured in a
process of its own (`--child`): every operation is timed interleaved with its floor,
hand-written SQL over the same tables returning the same rows (the PDF's floor: the
same document laid out with a Latin-only font), `--rounds` rounds of `--runs` pairs,
after one untimed warm-up of each. The table gives p50, p95 and the spread (max − min)
of both, the ratio p50/floor p50 (and p95/floor p95), the operation's query count and
its goal; then the growth from the smallest to the largest size. Last (`--no-load`
skips it), `tests/bench/load.py` against gunicorn: throughput of the audit list beside
a bare DRF view, and 100 concurrent users for 60 s.

Leaves nothing behind: what an operation writes (report jobs, the options added for the
200- and 300-option cases) is rolled back or deleted.
"""

import argparse
import contextlib
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from urllib.parse import urlparse, urlunparse

SIZES = (5000, 20000)

# (key, label, goal p50 ms, growth class); the goal of a ratio, where the issue sets one.
ROWS = [
    ("dashboard_province", "province officer's dashboard", 150, "lists"),
    ("queue", "review queue (province)", 150, "lists"),
    ("queue_overdue", "review queue (province; overdue)", 150, "lists"),
    ("dashboard_city", "city officer's dashboard", 100, "lists"),
    ("statistics_year", "statistics summary, province, one year", 150, "statistics"),
    ("statistics_all", "statistics summary, province, all years", 300, "statistics"),
    ("api_page", "audit list API, page 50", 40, "lists"),
    ("api_state", "audit list API, page 50, state=", 40, "lists"),
    ("api_overdue", "audit list API, page 50, overdue=true", 40, "lists"),
    ("audit_page", "audit list page /audits/", 120, "lists"),
    ("workspace_100", "audit workspace, 100 options", 100, None),
    ("workspace_200", "audit workspace, 200 options", 150, None),
    ("public_lists", "GET /api/v1/public/key-lists/ (no login)", 100, "lists"),
    ("pdf_100", "audit_summary PDF, 100 options", 2000, None),
    ("pdf_300", "audit_summary PDF, 300 options", 5000, None),
]
P95_RATIO_GOALS = {"api_page": 2.0, "api_state": 2.0, "api_overdue": 2.0}
GROWTH_GOALS = {"lists": 1.5, "statistics": 2.5}
BYTES_GOAL = {"public_lists": 100_000}


def percentile(samples, fraction):
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(samples) -> dict:
    return {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "spread": max(samples) - min(samples),
        "n": len(samples),
    }


# --- the child: one size, one database -----------------------------------------------------


def child(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpaudit.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={**settings.STORAGES, "staticfiles": static},
    ):
        results = measure_all(args)
    with open(args.child, "w") as out:
        json.dump(results, out)


class Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def with_options(audit, count: int):
    """Bring `audit` to `count` options (copies of its own, with their benefits), inside
    the caller's transaction."""
    from audits.models import Option, OptionBenefit

    options = list(audit.options.prefetch_related("benefits").order_by("code"))
    copies, benefits = [], []
    for number in range(count - len(options)):
        source = options[number % len(options)]
        copy = Option.objects.get(pk=source.pk)
        copy.pk = None
        copy.code = f"B{number + 1:04d}"
        copies.append((copy, list(source.benefits.all())))
    Option.objects.bulk_create([copy for copy, _ in copies])
    for copy, source_benefits in copies:
        for benefit in source_benefits:
            benefits.append(
                OptionBenefit(
                    option=copy,
                    indicator=benefit.indicator,
                    expected=benefit.expected,
                    actual=benefit.actual,
                )
            )
    OptionBenefit.objects.bulk_create(benefits)
    assert audit.options.count() == count


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def interleaved(op, floor, rounds: int, runs: int) -> dict:
    """Warm both, then `rounds` × `runs` pairs (op, floor), and the op's query count."""
    from django.db import connection

    op()
    floor()
    queries = []
    # Counted at the cursor (a request resets connection.queries as it starts).
    with connection.execute_wrapper(
        lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
    ):
        op()
    mine, theirs = [], []
    for _ in range(rounds):
        for _ in range(runs):
            mine.append(timed(op))
            theirs.append(timed(floor))
    return {"op": summary(mine), "floor": summary(theirs), "queries": len(queries)}


def measure_all(args) -> dict:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from accounts.models import User
    from audits.choices import AuditState
    from audits.models import Audit
    from cpaudit.celery import app as celery_app
    from cpaudit.seeding import scale
    from enterprises.models import KeyEnterpriseList

    from . import floors

    code = args.province
    prefix = code[:2]
    officer = User.objects.get(username=f"{scale.user_prefix(code)}province")
    city = User.objects.filter(username=f"{scale.user_prefix(code)}{code[:2]}0100").first()
    city = (
        city
        or User.objects.filter(
            username__startswith=scale.user_prefix(code),
            role="authority",
            organization__region__level="city",
        )
        .order_by("username")
        .first()
    )
    year = (
        KeyEnterpriseList.objects.filter(province_id=code, created_by=officer).latest("year").year
    )
    audits = Audit.objects.in_region(prefix)
    showcase = (
        audits.annotate(n=Count("options"))
        .filter(n=scale.SHOWCASE_OPTIONS, state=AuditState.COMPLETED)
        .order_by("pk")
        .first()
    )
    celery_app.conf.task_always_eager = True
    warnings.filterwarnings("ignore", message="No directory at")
    for name in ("weasyprint", "fontTools", "celery", "kombu", "django.request"):
        logging.getLogger(name).setLevel(logging.ERROR)

    def client_of(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    province_client, city_client, anonymous = client_of(officer), client_of(city), client_of(None)
    sizes = {}

    def get(client, path):
        def run():
            response = client.get(path, secure=True)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path}: {response.status_code}")
            sizes[path] = len(response.content)

        return run

    def page_of(queryset, wanted=50):
        return max(1, min(wanted, (queryset.count() + 49) // 50))

    busiest = audits.values("state").annotate(n=Count("pk")).order_by("-n")[0]["state"]
    overdue_page = page_of(audits.overdue())
    state_page = page_of(audits.filter(state=busiest))
    all_page = page_of(audits)
    statistics_op = _statistics_op(officer)
    plan = {
        "dashboard_province": (
            get(province_client, "/dashboard/"),
            floors.raw(floors.dashboard_sql(prefix)),
        ),
        "queue": (get(province_client, "/reviews/"), floors.raw(floors.review_queue_sql(prefix))),
        "queue_overdue": (
            get(province_client, "/reviews/?overdue=on"),
            floors.raw(floors.review_queue_sql(prefix, overdue=True)),
        ),
        "dashboard_city": (
            get(city_client, "/dashboard/"),
            floors.raw(floors.dashboard_sql(city.scope_prefix)),
        ),
        "statistics_year": (
            lambda: statistics_op(year),
            floors.raw(floors.statistics_sql(prefix, year)),
        ),
        "statistics_all": (
            lambda: statistics_op(None),
            floors.raw(floors.statistics_sql(prefix, None)),
        ),
        "api_page": (
            get(province_client, f"/api/v1/audits/?page={all_page}"),
            floors.raw(floors.audit_list_sql(prefix, page=all_page, api=True)),
        ),
        "api_state": (
            get(province_client, f"/api/v1/audits/?page={state_page}&state={busiest}"),
            floors.raw(floors.audit_list_sql(prefix, page=state_page, state=busiest, api=True)),
        ),
        "api_overdue": (
            get(province_client, f"/api/v1/audits/?page={overdue_page}&overdue=true"),
            floors.raw(floors.audit_list_sql(prefix, page=overdue_page, overdue=True, api=True)),
        ),
        "audit_page": (get(province_client, "/audits/"), floors.raw(floors.audit_list_sql(prefix))),
        "public_lists": (
            get(anonymous, "/api/v1/public/key-lists/"),
            floors.raw(floors.public_lists_sql()),
        ),
    }
    results = {
        "database": f"PostgreSQL {connection.pg_version // 10000}",
        "enterprises": scale.scale_enterprises(code).count(),
        "audits": audits.count(),
        "year": year,
        "showcase": showcase.pk,
        "notes": [
            f"page {all_page}, state={busiest} page {state_page}, overdue page {overdue_page}",
        ],
        "rows": {},
    }
    wanted = [
        key
        for key, *_ in ROWS
        if (not args.only or args.only in key) and not (args.skip and args.skip in key)
    ]
    for key in wanted:
        started = time.perf_counter()
        try:
            if key in plan:
                op, floor = plan[key]
                row = interleaved(op, floor, args.rounds, args.runs)
            elif key.startswith("workspace"):
                row = _workspace(key, showcase, province_client, get, args)
            else:
                row = _pdf(key, showcase, officer, args)
        except Exception as error:  # noqa: BLE001 - a benchmark reports, it does not stop
            row = {"error": f"{type(error).__name__}: {error}"}
        if key == "public_lists":
            row["bytes"] = sizes.get("/api/v1/public/key-lists/")
        results["rows"][key] = row
        print(f"  {key:<20} {time.perf_counter() - started:6.1f} s", file=sys.stderr, flush=True)
    return results


def _statistics_op(officer):
    from reporting.statistics import summary as statistics_summary

    return lambda year: statistics_summary(user=officer, region=None, year=year)


def _workspace(key, audit, client, get, args):
    from . import floors

    count = int(key.split("_")[1])
    with rolled_back():
        if count > audit.options.count():
            with_options(audit, count)
        return interleaved(
            get(client, f"/audits/{audit.pk}/"),
            floors.raw(floors.workspace_sql(audit.pk)),
            args.rounds,
            args.runs,
        )


LATIN = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")


def _pdf(key, audit, officer, args):
    """The job rendered as the worker does (report_run), beside its floor: the same HTML
    with every CJK character made a Latin letter and a Latin-only font."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from reporting import reports
    from reporting.models import ReportJob
    from reporting.services import report_request, report_run

    count = int(key.split("_")[1])
    with rolled_back():
        if count > audit.options.count():
            with_options(audit, count)
        job = report_request(actor=officer, kind="audit_summary", format="pdf", audit=audit)
        template, context, _sheets = reports._audit_summary(job)
        html = render_to_string(template, context | {"generated_at": timezone.localtime()})
        latin = LATIN.sub("x", html).replace(
            '"WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif', '"DejaVu Sans"'
        )

        def render():
            job = report_request(actor=officer, kind="audit_summary", format="pdf", audit=audit)
            report_run(job_id=job.pk)
            job = ReportJob.objects.get(pk=job.pk)
            if job.file:
                job.file.delete(save=False)
            if job.state != "done":
                raise RuntimeError(f"the job ended {job.state}: {job.error}")

        # The floor is made as the job's PDF is (reports.pdf_of), only the text differs.
        return interleaved(render, lambda: reports.pdf_of(latin), args.rounds, args.pdf_runs)


# --- the parent: every size, then the table ------------------------------------------------


def database_for(url: str, size: int, largest: int) -> str:
    if size == largest:
        return url
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"{parts.path}_{size // 1000}k"))


def ensure_database(url: str, size: int, province: str):
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    env = os.environ | {"DATABASE_URL": url}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run(
        [*manage, "seed_scale", "--if-missing", "--enterprises", str(size), "--province", province],
        env=env,
        check=True,
    )


def cell(value, width=8, digits=1):
    if value is None:
        return "—".rjust(width)
    if isinstance(value, float):
        return f"{value:,.{digits}f}".rjust(width)
    return str(value).rjust(width)


def verdict(key, goal, row) -> str:
    if "error" in row:
        return "ERROR"
    short = []
    if row["op"]["p50"] > goal:
        short.append("p50")
    ratio = P95_RATIO_GOALS.get(key)
    if ratio and row["op"]["p95"] > ratio * row["floor"]["p95"]:
        short.append("p95/floor")
    if key in BYTES_GOAL and (row.get("bytes") or 0) > BYTES_GOAL[key]:
        short.append("size")
    return "ok" if not short else "SHORT: " + ", ".join(short)


def print_table(size, data):
    print(
        f"\n## {size:,} enterprises: {data['enterprises']:,} in scope, {data['audits']:,} "
        f"audits, {data['database']}, list year {data['year']}, workspace/PDF audit "
        f"#{data['showcase']}"
    )
    header = (
        f"{'operation':<42} | {'p50':>8} | {'p95':>8} | {'spread':>8} | {'floor p50':>9} | "
        f"{'floor p95':>9} | {'ratio':>6} | {'p95 ratio':>9} | {'queries':>7} | {'goal':>7} | "
        "verdict"
    )
    print(header)
    print("-" * len(header))
    for key, label, goal, _growth in ROWS:
        row = data["rows"].get(key)
        if row is None:
            continue
        if "error" in row:
            print(f"{label:<42} | {row['error']}")
            continue
        op, floor = row["op"], row["floor"]
        extra = f" ({row['bytes']:,} B)" if row.get("bytes") else ""
        print(
            f"{label:<42} | {cell(op['p50'])} | {cell(op['p95'])} | {cell(op['spread'])} | "
            f"{cell(floor['p50'], 9)} | {cell(floor['p95'], 9)} | "
            f"{cell(op['p50'] / floor['p50'], 6)} | {cell(op['p95'] / floor['p95'], 9)} | "
            f"{cell(row['queries'], 7)} | {('< ' + str(goal)):>7} | {verdict(key, goal, row)}"
            f"{extra}"
        )
    for note in data["notes"]:
        print(f"note: {note}")


def print_growth(small_size, small, large_size, large):
    print(f"\n## growth, {small_size:,} → {large_size:,} enterprises (p50)")
    header = (
        f"{'operation':<42} | {'small':>8} | {'large':>8} | {'growth':>6} | {'goal':>6} | verdict"
    )
    print(header)
    print("-" * len(header))
    for key, label, _goal, growth in ROWS:
        a, b = small["rows"].get(key), large["rows"].get(key)
        if not a or not b or "error" in a or "error" in b:
            continue
        factor = b["op"]["p50"] / a["op"]["p50"]
        goal = GROWTH_GOALS.get(growth)
        ok = "—" if goal is None else ("ok" if factor <= goal else "SHORT")
        print(
            f"{label:<42} | {cell(a['op']['p50'])} | {cell(b['op']['p50'])} | "
            f"{cell(factor, 6, 2)} | {cell(goal, 6, 1)} | {ok}"
        )


def parent(args):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench: needs PostgreSQL: set DATABASE_URL=postgres://…")
    sizes = sorted(int(s) for s in args.sizes.split(","))
    results = {}
    for size in sizes:
        database = database_for(url, size, sizes[-1])
        print(f"# {size:,} enterprises ({urlparse(database).path.lstrip('/')})", flush=True)
        ensure_database(database, size, args.province)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [
                sys.executable,
                "-m",
                "tests.bench.bench",
                "--child",
                out.name,
                "--province",
                args.province,
                "--rounds",
                str(args.rounds),
                "--runs",
                str(args.runs),
                "--pdf-runs",
                str(args.pdf_runs),
                *(["--only", args.only] if args.only else []),
                *(["--skip", args.skip] if args.skip else []),
            ]
            subprocess.run(command, env=os.environ | {"DATABASE_URL": database}, check=True)
            with open(out.name) as data:
                results[size] = json.load(data)
    for size in sizes:
        print_table(size, results[size])
    if len(sizes) > 1:
        print_growth(sizes[0], results[sizes[0]], sizes[-1], results[sizes[-1]])
    print(
        "\nfloor = hand-written SQL over the same tables returning the same rows (the PDF: the "
        "same document with its CJK text as Latin letters in DejaVu Sans); ratio = p50 / floor "
        "p50; spread = max − min; queries = the operation's SQL statements."
    )
    if not args.no_load:
        from . import load

        load.main(["--duration", str(args.load_duration)])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--province", default="320000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5, help="pairs per round")
    parser.add_argument("--pdf-runs", type=int, default=1, help="PDF pairs per round")
    parser.add_argument("--only", help="only the rows whose key contains this")
    parser.add_argument("--skip", help="not the rows whose key contains this (e.g. pdf)")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test")
    parser.add_argument("--load-duration", type=int, default=60)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
