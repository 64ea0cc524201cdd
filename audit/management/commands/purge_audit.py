from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_purge, audit_retention_days


class Command(BaseCommand):
    help = "Delete audit rows older than the retention period (AUDIT_RETENTION_DAYS, never under 181 days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep this many days (default AUDIT_RETENTION_DAYS)")

    def handle(self, *args, days=None, **options):
        days = audit_retention_days() if days is None else days
        try:
            deleted = audit_purge(days=days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"已清理 {days} 天以前的审计日志 {deleted} 条。")
