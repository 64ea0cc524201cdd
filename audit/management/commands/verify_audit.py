from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verify


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain; exits non-zero at the first changed, inserted or missing row."

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(f"审计日志校验失败：第 {result.bad_id} 号记录，{result.problem}；此前 {result.count} 条完好。")
        self.stdout.write(f"审计日志校验通过：共 {result.count} 条，链尾哈希 {result.head_hash}")
