from django.core.management.base import BaseCommand

from rescue.services import inputs_purge


class Command(BaseCommand):
    help = "Delete form input kept after a session ended once it is past RESCUE_KEEP_SECONDS (run from cron)."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {inputs_purge()}")
