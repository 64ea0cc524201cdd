from django.core.management.base import BaseCommand, CommandError

from backups.manifest import BackupError
from backups.services import backup_verify


class Command(BaseCommand):
    help = (
        "Check a backup's files against their SHA-256 checksums and, unless --backup-only, that this "
        "installation holds what the backup holds (row counts, approved-report digests and PDFs, audit chain, files)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the backup directory (with manifest.json)")
        parser.add_argument("--backup-only", action="store_true", help="check the backup's files only")

    def handle(self, *args, directory, backup_only=False, **options):
        try:
            result = backup_verify(directory=directory, installation=not backup_only)
        except BackupError as error:
            raise CommandError("\n".join(error.problems)) from error
        if not result.ok:
            raise CommandError("备份校验失败：\n" + "\n".join(result.problems))
        checked = result.checked
        if backup_only:
            self.stdout.write(f"备份校验通过：{checked['files']} 个文件的校验和一致。")
        else:
            self.stdout.write(
                f"备份校验通过：{checked['files']} 个文件的校验和一致；本安装的数据 {checked['rows']} 行、"
                f"已审定报告 {checked['approved_reports']} 份、存储文件 {checked['media_files']} 个和审计日志均与备份一致。"
            )
