from django.core.management.base import BaseCommand

from accounts.sessions import sessions_expire


class Command(BaseCommand):
    help = "End every idle, too old or expired session, recording each in the audit log (run every few minutes)."

    def handle(self, *args, **options):
        self.stdout.write(f"已结束超时会话 {sessions_expire()} 个。")
