"""Write the deadline reminders due today (报告 and 整改), once per item and threshold: run it daily. With
--job USERNAME it enqueues them as that admin's job `reminders` instead (a worker sends them; its page shows
the progress)."""
import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from followup.deadlines import reminders_send


class Command(BaseCommand):
    help = "Send the reminders due today before the report and rectification deadlines (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to send for (YYYY-MM-DD), today by default")
        parser.add_argument("--job", metavar="USERNAME", help="enqueue as a background job owned by this admin")

    def handle(self, *args, date=None, job=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        if job:
            return self.enqueue(job, today or timezone.localdate())
        sent = reminders_send(today)
        self.stdout.write(f"报告截止提醒 {sent['report']} 条，整改提醒 {sent['finding']} 条。")

    def enqueue(self, username, today):
        from jobs.enums import Kind
        from jobs.services import job_start

        owner = get_user_model().objects.filter(username=username, is_active=True).first()
        if owner is None or not owner.has_perm("reports.administer"):
            raise CommandError(f"--job: {username} is not an active admin")
        job = job_start(kind=Kind.REMINDERS, owner=owner, params={"date": today.isoformat()},
                        title=f"截止提醒（{today.isoformat()}）")
        self.stdout.write(f"已创建任务 {job.pk}（{job.get_status_display()}）。")
