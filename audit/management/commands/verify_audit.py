from django.core.management.base import BaseCommand, CommandError

from audit.services import MAX_PROBLEMS, audit_verify


class Command(BaseCommand):
    help = (
        "Recompute the audit log's keyed hash chain and check it against the anchors (AUDIT_ANCHOR_PATH); "
        "names every changed, inserted, reordered or removed row and exits non-zero if there is any. "
        "A clean check appends an anchor of the current head."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-anchor", action="store_true", help="do not append an anchor after a clean check")

    def handle(self, *args, no_anchor=False, **options):
        result = audit_verify(write_anchor=not no_anchor)
        if not result.ok:
            lines = [
                f"第 {row_id} 号记录：{text}" if row_id is not None else text for row_id, text in result.problems
            ]
            more = f"（只列出前 {MAX_PROBLEMS} 处）" if len(result.problems) >= MAX_PROBLEMS else ""
            raise CommandError(
                f"审计日志校验失败：发现 {len(result.problems)} 处问题{more}（共 {result.count} 条记录）。\n" + "\n".join(lines)
            )
        self.stdout.write(f"审计日志校验通过：共 {result.count} 条，链尾哈希 {result.head_hash}")
