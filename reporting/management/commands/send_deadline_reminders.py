"""`manage.py send_deadline_reminders [--date YYYY-MM-DD]`: the daily deadline reminders
without beat (cron, or by hand). Each reminder is sent once, however often it runs."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from reporting.reminders import send_deadline_reminders


class Command(BaseCommand):
    help = "Send the deadline reminders due today (each one once)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default: today)")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        sent = send_deadline_reminders(today=today)
        self.stdout.write(f"{sent} reminder(s) sent.")
