from decimal import Decimal

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from core.errors import RowErrors, StateConflict
from core.tables import read_table
from survey import services


class Command(BaseCommand):
    help = "Import an industry CP evaluation indicator system from .csv or .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--industry", required=True, help="GB/T 4754 code")
        parser.add_argument("--title", required=True)
        parser.add_argument("--version", dest="system_version", required=True)
        parser.add_argument("--grades", type=int, choices=[2, 3], default=3)
        parser.add_argument("--scores", nargs="+", type=Decimal, required=True)
        parser.add_argument("--source", required=True)
        parser.add_argument("--partial", action="store_true", help="only part of the table")

    def handle(self, *args, **options):
        scores = options["scores"] + [None] * (3 - len(options["scores"]))
        with open(options["file"], "rb") as handle:
            table = read_table(File(handle, name=options["file"]))
        try:
            system = services.evaluation_system_create(
                table=table,
                industry_code=options["industry"],
                title=options["title"],
                version=options["system_version"],
                grades=options["grades"],
                score_1=scores[0],
                score_2=scores[1],
                score_3=scores[2],
                source=options["source"],
                complete=not options["partial"],
            )
        except RowErrors as error:
            raise CommandError(
                "\n".join(f"row {e['row']} {e['field']}: {e['message']}" for e in error.errors)
            ) from error
        except StateConflict as error:
            raise CommandError(error.detail) from error
        self.stdout.write(f"{system}: {system.indicators.count()} indicators")
