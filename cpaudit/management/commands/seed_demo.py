from django.core.management.base import BaseCommand

from cpaudit.seeding.demo import seed_demo


class Command(BaseCommand):
    help = "Load the demo data set (idempotent). For local use only (cpaudit/seeding/demo.py)."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(seed_demo()))
