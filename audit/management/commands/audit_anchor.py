from django.core.management.base import BaseCommand

from audit.services import audit_anchor


class Command(BaseCommand):
    help = (
        "Append an anchor (head id and hash, row count, time, HMAC) of the audit chain to AUDIT_ANCHOR_PATH and "
        "print it; run from cron (e.g. hourly) and keep a copy of the printed lines off this machine."
    )

    def handle(self, *args, **options):
        self.stdout.write(audit_anchor())
