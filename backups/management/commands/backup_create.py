from django.core.management.base import BaseCommand, CommandError

from backups.manifest import BackupError
from backups.services import backup_create


class Command(BaseCommand):
    help = "Back up the database (every model, as JSON lines) and MEDIA_ROOT to a new directory, with SHA-256 per file."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="where to write the backup (must not exist, or be empty)")

    def handle(self, *args, directory, **options):
        try:
            manifest = backup_create(directory=directory)
        except BackupError as error:
            raise CommandError("\n".join(error.problems)) from error
        rows = sum(m["count"] for m in manifest["models"])
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"备份完成：{directory}，数据 {rows} 行（{len(manifest['models'])} 张表），存储文件 {media} 个，"
            f"审计日志 {manifest['audit']['count']} 条。"
        )
