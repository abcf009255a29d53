from django.core.management.base import BaseCommand

from assessments.choices import ReviewState
from assessments.models import Review
from assessments.round_checks import record_snapshot
from assessments.services import cp_level, signals


class Command(BaseCommand):
    help = (
        "Record the signals and CP level of every open review round (and of concluded "
        "rounds without a record, from their snapshot) for the statistics."
    )

    def handle(self, *args, **options):
        opened = concluded = 0
        for review in Review.objects.open().select_related("audit").iterator(chunk_size=100):
            signals(review)  # computes live and records what changed
            cp_level(review)
            opened += 1
        missing = Review.objects.filter(
            state=ReviewState.CONCLUDED, snapshot__isnull=False, round_check__isnull=True
        )
        for review in missing.iterator(chunk_size=100):
            record_snapshot(review)
            concluded += 1
        self.stdout.write(f"{opened} open rounds checked, {concluded} concluded rounds filled.")
