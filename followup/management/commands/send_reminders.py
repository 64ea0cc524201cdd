"""Write the deadline reminders due today (报告 and 整改), once per item and threshold: run it daily."""
import datetime

from django.core.management.base import BaseCommand, CommandError

from followup.deadlines import reminders_send


class Command(BaseCommand):
    help = "Send the reminders due today before the report and rectification deadlines (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to send for (YYYY-MM-DD), today by default")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        sent = reminders_send(today)
        self.stdout.write(f"报告截止提醒 {sent['report']} 条，整改提醒 {sent['finding']} 条。")
