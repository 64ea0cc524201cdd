from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What an audit row records. Other apps pass these to audit.services.audit_record."""

    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账户锁定")
    LOGOUT = "logout", _("退出登录")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    OTP_FAILED = "otp_failed", _("动态口令验证失败")
    SESSION_EXPIRED = "session_expired", _("会话超时")
    INPUT_KEPT = "input_kept", _("暂存超时后提交的内容")
    INPUT_RESTORED = "input_restored", _("恢复暂存的内容")
    WORKFLOW_MOVE = "workflow_move", _("流程流转")
    REPORT_EDIT = "report_edit", _("修改报告")
    IMPORT = "import", _("导入")
    YEAR_OPEN = "year_open", _("开启年度")
    EXPORT = "export", _("导出")
    DOWNLOAD = "download", _("下载")
    PERMISSION_DENIED = "permission_denied", _("越权访问")
    ADMIN_ACTION = "admin_action", _("管理操作")
    BACKUP = "backup", _("备份")
    RESTORE = "restore", _("恢复")
    AUDIT_PURGE = "audit_purge", _("审计日志清理")
    AUDIT_KEY_ROTATED = "audit_key_rotated", _("审计密钥轮换")


# Events that count as a file leaving the system (the download safety net skips a response
# whose view already recorded one of these).
FILE_EVENTS = frozenset({Event.EXPORT, Event.DOWNLOAD})

# prev_hash of the first row ever written.
GENESIS_HASH = "0" * 64

# The key id of every row chained before rows recorded one (migration 0007), and AUDIT_HMAC_KEY_ID's default.
LEGACY_KEY_ID = "1"

# Retention may be configured longer, never shorter (网络安全法 第二十一条: 不少于六个月).
MIN_RETENTION_DAYS = 181


class TallyKind(models.TextChoices):
    """What an audit.Tally counts (anonymous requests are counted, not chained one row each)."""

    VERIFY = "verify", _("核验页请求（限流窗口）")
    VERIFY_MISS = "verify_miss", _("核验页令牌不存在")
    VERIFY_LIMITED = "verify_limited", _("核验页请求过于频繁")
