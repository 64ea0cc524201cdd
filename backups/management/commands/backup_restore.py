from django.core.management.base import BaseCommand, CommandError

from backups.manifest import BackupError
from backups.services import backup_restore


class Command(BaseCommand):
    help = "Restore a backup into an empty installation (migrated, no data, no stored files); refuses anything else."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the backup directory (with manifest.json)")

    def handle(self, *args, directory, **options):
        try:
            result = backup_restore(directory=directory)
        except BackupError as error:
            raise CommandError("\n".join(error.problems)) from error
        checked = result.checked
        self.stdout.write(
            f"恢复完成并已校验：数据 {checked['rows']} 行，已审定报告 {checked['approved_reports']} 份，"
            f"存储文件 {checked['media_files']} 个，审计日志完整。"
        )
