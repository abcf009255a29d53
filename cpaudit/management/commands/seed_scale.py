"""A realistic province at scale for benchmarks (issue 6); see cpaudit/seeding/scale/.

    python manage.py seed_scale [--enterprises 20000] [--years 5] [--seed 1]
                                [--province 320000] [--last-year 2026]
                                [--flush | --if-missing] [--password PW]
    python manage.py seed_scale --delete        # remove the province's scale data
    python manage.py seed_scale --fingerprint   # checksum of the province's scale data

PostgreSQL only. The same arguments give the same data.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cpaudit.seeding import scale
from enterprises.choices import RegionLevel
from enterprises.models import KeyEnterpriseList, Region


class Command(BaseCommand):
    help = (
        "Build a realistic, deterministic province at scale (default 20,000 enterprises, "
        "5 yearly lists, 30,000 audits, ~300,000 options) for benchmarks. PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=20_000)
        parser.add_argument("--years", type=int, default=5, help="yearly lists (default 5)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--province", default="320000", help="GB/T 2260 province code")
        parser.add_argument(
            "--last-year",
            type=int,
            default=scale.DEFAULT_LAST_YEAR,
            help="year of the newest list; 'today' is 1 November of it",
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--password", default=None, help="password of every scale login (default: unusable)"
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--flush", action="store_true", help="delete the province's previous scale data first"
        )
        mode.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing when the province already has scale data",
        )
        mode.add_argument(
            "--delete", action="store_true", help="only delete the province's scale data"
        )
        mode.add_argument(
            "--fingerprint",
            action="store_true",
            help="print a checksum of the province's scale data and stop",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                f"seed_scale needs PostgreSQL (this database is {connection.vendor}): set "
                "DATABASE_URL=postgres://… and run `manage.py migrate` first."
            )
        code = options["province"]
        province = Region.objects.filter(code=code, level=RegionLevel.PROVINCE).first()
        if province is None:
            raise CommandError(f"{code} is not a province code (GB/T 2260), e.g. 320000.")
        if options["fingerprint"]:
            digest, counts = scale.fingerprint(code)
            self.stdout.write(f"{digest}  {counts}")
            return
        exists = scale.has_scale_data(code)
        if options["delete"] or (options["flush"] and exists):
            self.stdout.write(f"Deleting the scale data of {province.name_zh} ({code})…")
            counts = scale.purge_scale(code)
            self.stdout.write(f"  deleted {sum(counts.values()):,} rows")
            if options["delete"]:
                return
        elif exists:
            if options["if_missing"]:
                self.stdout.write(
                    f"{province.name_zh} ({code}) already has scale data; nothing to do."
                )
                return
            raise CommandError(
                f"{province.name_zh} ({code}) already has scale data (users "
                f"{scale.user_prefix(code)}…). Run with --flush to replace it, or --delete "
                "to remove it."
            )

        enterprises, years = options["enterprises"], options["years"]
        if not 20 <= enterprises <= scale.MAX_ENTERPRISES:
            raise CommandError(f"--enterprises must be 20 to {scale.MAX_ENTERPRISES:,}.")
        if not 1 <= years <= 20:
            raise CommandError("--years must be 1 to 20.")
        last_year = options["last_year"]
        seeder = scale.Seeder(
            province=code,
            enterprises=enterprises,
            years=years,
            seed=options["seed"],
            last_year=last_year,
            password=options["password"],
            batch_size=options["batch_size"],
            write=self.stdout.write,
        )
        taken = sorted(
            KeyEnterpriseList.objects.filter(province_id=code, year__in=seeder.years).values_list(
                "year", flat=True
            )
        )
        if taken:
            raise CommandError(
                f"{province.name_zh} already has key lists for {', '.join(map(str, taken))} "
                "that are not scale data; choose other years with --last-year."
            )
        self.stdout.write(
            f"Seeding {province.name_zh} ({code}): {enterprises:,} enterprises, lists "
            f"{seeder.years[0]}–{seeder.years[-1]}, seed {options['seed']}, "
            f"'today' {seeder.today}."
        )
        result = seeder.run()
        counts = result["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {result['seconds']:.0f} s: {counts.get('enterprises.Enterprise', 0):,} "
                f"enterprises, {counts.get('audits.Audit', 0):,} audits, "
                f"{counts.get('audits.Option', 0):,} options, "
                f"{counts.get('audits.OptionBenefit', 0):,} benefits, "
                f"{counts.get('assessments.Review', 0):,} review rounds. Province officer: "
                f"{scale.user_prefix(code)}province."
            )
        )
