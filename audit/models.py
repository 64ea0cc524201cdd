"""The security audit log: append-only and chained with a keyed hash.

Rows are written only by audit.services.audit_record. Each row stores the HMAC-SHA256 (key
AUDIT_HMAC_KEY, from the environment, never in the database) of its canonical content plus the
previous row's hash, and the id of that key (`key_id`, so the key can be rotated: AUDIT_HMAC_OLD_KEYS), so changing, inserting, reordering or removing a row breaks the chain, and
nobody without the key can recompute it (`manage.py verify_audit`; anchors outside the database
catch a removed tail, audit/anchors.py). The ORM refuses every update and delete; triggers refuse
them in the database too (migrations 0002 and 0005), except a DELETE inside purge_audit.
"""
import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.enums import LEGACY_KEY_ID, Event, TallyKind


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit row through the ORM."""


class UnknownKeyError(Exception):
    """A key id that is neither AUDIT_HMAC_KEY_ID nor one of AUDIT_HMAC_OLD_KEYS."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError("audit events are written one by one by audit_record")

    def bulk_update(self, objs, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be updated")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be updated")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"), db_index=True)
    event = models.CharField(_("事件"), max_length=30, choices=Event.choices, db_index=True)
    # No database constraint: removing a user must neither cascade into nor rewrite the log.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.DO_NOTHING, null=True, blank=True, db_constraint=False,
        related_name="+", verbose_name=_("用户"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.CharField(_("IP地址"), max_length=45, blank=True)
    method = models.CharField(_("请求方法"), max_length=10, blank=True)
    path = models.CharField(_("请求路径"), max_length=300, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    success = models.BooleanField(_("成功"), default=True)
    detail = models.TextField(_("详情"), blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)
    # Which key chained this row (AUDIT_HMAC_KEY_ID when it was written); written at insert, like every column.
    key_id = models.CharField(_("密钥编号"), max_length=20)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-id"]
        default_permissions = ("view",)
        permissions = [("export_auditevent", _("导出审计日志"))]
        constraints = [
            # Two rows claiming the same predecessor would fork the chain.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_prev_hash_unique"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.get_event_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

    def canonical(self):
        """The row's content as one deterministic string (what the hash covers)."""
        content = {
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "event": str(self.event),
            "user_id": self.user_id,
            "username": self.username,
            "ip": self.ip,
            "method": self.method,
            "path": self.path,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "success": bool(self.success),
            "detail": self.detail,
        }
        return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def compute_hash(self):
        """HMAC-SHA256 of the previous row's hash and this row's content, keyed with the key `key_id` names.

        Raises UnknownKeyError when that key is not configured."""
        return chain_mac(f"{self.prev_hash}\n{self.canonical()}", key_id=self.key_id)


def current_key_id():
    """The id of the key new rows and anchors are chained with (settings.AUDIT_HMAC_KEY_ID)."""
    return getattr(settings, "AUDIT_HMAC_KEY_ID", LEGACY_KEY_ID)


def chain_key(key_id):
    """The secret of key `key_id`: AUDIT_HMAC_KEY for the current id, else one of AUDIT_HMAC_OLD_KEYS."""
    if key_id == current_key_id():
        return settings.AUDIT_HMAC_KEY
    key = getattr(settings, "AUDIT_HMAC_OLD_KEYS", {}).get(key_id)
    if not key:
        raise UnknownKeyError(key_id)
    return key


def chain_mac(message, key_id=None):
    """The audit log's keyed hash of `message` (hex), with key `key_id` (default: the current key)."""
    key = chain_key(current_key_id() if key_id is None else key_id)
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


class Tally(models.Model):
    """Anonymous requests counted per kind, address and window, instead of one chained row each.

    The public /verify/ page counts every request per minute (its rate limit: one atomic UPDATE, so it holds
    across gunicorn workers and app servers sharing the database) and its misses and refusals per day; the
    first of each per address and day is also an audit row (audit.tallies).
    """

    kind = models.CharField(_("类别"), max_length=20, choices=TallyKind.choices)
    ip = models.CharField(_("IP地址"), max_length=45)
    window = models.DateTimeField(_("时段起点"))
    count = models.PositiveIntegerField(_("次数"), default=0)
    last_path = models.CharField(_("最近请求路径"), max_length=300, blank=True)
    last_at = models.DateTimeField(_("最近时间"))

    class Meta:
        verbose_name = _("匿名请求计数")
        verbose_name_plural = _("匿名请求计数")
        ordering = ["-window", "kind", "ip"]
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["kind", "ip", "window"], name="audit_tally_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.ip} {self.window:%Y-%m-%d %H:%M} ×{self.count}"
