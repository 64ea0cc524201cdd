from django.core.management.base import BaseCommand, CommandError

from backups.manifest import BackupError
from backups.services import backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (every model, as JSON lines) and MEDIA_ROOT to a new directory, with SHA-256 per file "
        "in a manifest signed with BACKUP_HMAC_KEYS; --encrypt encrypts every file with BACKUP_ENCRYPTION_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="where to write the backup (must not exist, or be empty)")
        parser.add_argument("--encrypt", action="store_true",
                            help="encrypt every file (AES-256-GCM) with BACKUP_ENCRYPTION_KEY")

    def handle(self, *args, directory, encrypt=False, **options):
        try:
            manifest = backup_create(directory=directory, encrypt=encrypt)
        except BackupError as error:
            raise CommandError("\n".join(error.problems)) from error
        rows = sum(m["count"] for m in manifest["models"])
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"备份完成：{directory}，数据 {rows} 行（{len(manifest['models'])} 张表），存储文件 {media} 个，"
            f"审计日志 {manifest['audit']['count']} 条；清单已用密钥“{manifest['signed_with']}”签名"
            + ("，文件已加密。" if manifest["encryption"] else "。")
        )
