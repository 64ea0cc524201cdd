import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent, current_key_id
from audit.services import audit_anchor, audit_rotate_key, audit_verify


class Command(BaseCommand):
    help = (
        "Rotate the audit chain's key. With --new-key: print a fresh key and the settings to set. Then, with the "
        "new key as AUDIT_HMAC_KEY / AUDIT_HMAC_KEY_ID and the old one in AUDIT_HMAC_OLD_KEYS: check the chain, "
        "append the rotation row (chained with the new key) and an anchor. Old rows are not rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="print a fresh key and the settings for it, change nothing")

    def handle(self, *args, new_key=False, **options):
        if new_key:
            current = current_key_id()
            next_id = str(int(current) + 1) if current.isdigit() else f"{current}-2"
            old = ",".join([f"{k}:{v}" for k, v in settings.AUDIT_HMAC_OLD_KEYS.items()] + [f"{current}:<当前 AUDIT_HMAC_KEY>"])
            self.stdout.write(
                "新密钥（只交给应用服务器，不交给数据库管理员）：\n"
                f"AUDIT_HMAC_KEY={secrets.token_urlsafe(32)}\nAUDIT_HMAC_KEY_ID={next_id}\nAUDIT_HMAC_OLD_KEYS={old}\n"
                "在每台应用服务器上换好这三项后运行 manage.py audit_rotate_key，再重启应用服务器。"
            )
            return
        head = AuditEvent.objects.order_by("-id").values_list("key_id", flat=True).first()
        if head is not None and head != current_key_id() and head not in settings.AUDIT_HMAC_OLD_KEYS:
            raise CommandError(
                f"链尾记录使用密钥“{head}”，它既不是 AUDIT_HMAC_KEY_ID 也不在 AUDIT_HMAC_OLD_KEYS 中：请先配置旧密钥。"
            )
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"审计日志校验失败（{len(result.problems)} 处问题），不轮换密钥：请先运行 manage.py verify_audit 查明原因。"
            )
        row = audit_rotate_key()
        if row is None:
            self.stdout.write(f"审计日志已在使用密钥“{current_key_id()}”，无需轮换（共 {result.count} 条）。")
            return
        line = audit_anchor()
        self.stdout.write(
            f"审计密钥已由“{head}”轮换为“{current_key_id()}”：第 {row.pk} 号记录起使用新密钥，"
            f"此前 {result.count} 条记录不变，用旧密钥校验。\n锚点：{line}"
        )
