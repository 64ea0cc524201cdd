"""Writing, verifying and purging the audit log.

audit_record is the one way in: every app records its security-relevant events through it.
"""
import ipaddress
import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import FILE_EVENTS, GENESIS_HASH, MIN_RETENTION_DAYS, Event
from audit.models import AuditEvent

# The request being served, set by audit.middleware.AuditContextMiddleware, so that code
# without a request at hand (workflow.move, admin LogEntry signals) still records the IP.
_current_request = ContextVar("audit_current_request", default=None)

# pg_advisory_xact_lock key serialising writers of the chain ("audit" in ASCII).
_CHAIN_LOCK_KEY = 0x6175646974
_ATTEMPTS = 3


@dataclass(frozen=True)
class ObjectRef:
    """An object named without loading it (a LogEntry's target, a deleted row)."""

    object_type: str
    object_id: str
    object_repr: str


def bind_request(request):
    """Make `request` the current one for audit_record; returns a token for unbind_request."""
    return _current_request.set(request)


def unbind_request(token):
    _current_request.reset(token)


def client_ip(request):
    """The client's IP address, normalised; '' when it is not a valid address.

    Behind a reverse proxy set AUDIT_CLIENT_IP_HEADER (e.g. "HTTP_X_REAL_IP") to the header the
    proxy sets; by default only REMOTE_ADDR is trusted.
    """
    header = getattr(settings, "AUDIT_CLIENT_IP_HEADER", "") or "REMOTE_ADDR"
    raw = request.META.get(header) or request.META.get("REMOTE_ADDR") or ""
    raw = raw.split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return ""


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _head_hash():
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH


def audit_record(*, event, user=None, request=None, obj=None, success=True, detail="", username=None):
    """Append one row to the audit log and return it.

    `event` is an audit.enums.Event. `user` defaults to the request's authenticated user,
    `request` to the request being served (for IP, method and path); `obj` is the model instance
    acted on; `username` names the account tried when there is no user (a failed login).
    Runs in the caller's transaction, so a rolled-back action leaves no row.
    """
    event = Event(event)
    request = request if request is not None else _current_request.get()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    row = AuditEvent(
        event=event,
        user_id=user.pk if user is not None else None,
        username=(username if username is not None else (user.get_username() if user is not None else ""))[:150],
        ip=client_ip(request) if request is not None else "",
        method=request.method[:10] if request is not None and request.method else "",
        path=request.path[:300] if request is not None else "",
        success=bool(success),
        detail=str(detail),
    )
    if isinstance(obj, ObjectRef):
        row.object_type, row.object_id, row.object_repr = obj.object_type, obj.object_id[:64], obj.object_repr[:200]
    elif obj is not None:
        meta = getattr(obj, "_meta", None)
        row.object_type = meta.label_lower if meta is not None else type(obj).__name__
        row.object_id = str(getattr(obj, "pk", "") or "")[:64]
        row.object_repr = str(obj)[:200]
    for attempt in range(_ATTEMPTS):
        try:
            with transaction.atomic():
                _lock_chain()
                row.at = timezone.now()
                row.prev_hash = _head_hash()
                row.hash = row.compute_hash()
                row.save(force_insert=True)
            break
        except IntegrityError:
            # Another writer took the same predecessor (SQLite has no advisory lock): retry.
            row.pk = None
            row._state.adding = True
            if attempt == _ATTEMPTS - 1:
                raise
    if request is not None and event in FILE_EVENTS:
        request.audit_file_recorded = True
    return row


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    count: int
    head_hash: str
    bad_id: int | None = None
    problem: str = ""


def _purge_anchor():
    """The prev_hash the oldest remaining row must carry after the latest purge, or None."""
    purge = AuditEvent.objects.filter(event=Event.AUDIT_PURGE, success=True).order_by("-id").first()
    if purge is None:
        return None
    try:
        return json.loads(purge.detail)["first_kept_prev_hash"]
    except (ValueError, KeyError, TypeError):
        return None


def audit_verify():
    """Recompute the chain from the oldest row. Returns a ChainCheck; changes nothing."""
    count = 0
    expected = None
    for row in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if expected is None:
            if row.prev_hash not in {GENESIS_HASH, _purge_anchor()}:
                return ChainCheck(False, count, GENESIS_HASH, row.pk, _("最早一条记录与清理锚点不符（记录被删除）"))
        elif row.prev_hash != expected:
            return ChainCheck(False, count, expected, row.pk, _("前一条哈希不符（记录被删除或插入）"))
        if row.compute_hash() != row.hash:
            return ChainCheck(False, count, expected or GENESIS_HASH, row.pk, _("内容与哈希不符（记录被篡改）"))
        expected = row.hash
        count += 1
    return ChainCheck(True, count, expected or GENESIS_HASH)


def audit_retention_days():
    return int(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))


@transaction.atomic
def audit_purge(*, days, username="manage.py purge_audit"):
    """Delete rows older than `days` days (never fewer than 181) and return how many went.

    First appends an audit_purge row recording the prev_hash the oldest kept row carries (the
    anchor verify_audit starts from), then deletes every row before the oldest kept one, so the
    remaining chain stays contiguous and verifiable.
    """
    if days < MIN_RETENTION_DAYS:
        raise ValidationError(
            {"days": _("审计日志至少保留 %(min)s 天，不能清理 %(days)s 天以内的记录。") % {"min": MIN_RETENTION_DAYS, "days": days}}
        )
    _lock_chain()
    cutoff = timezone.now() - timedelta(days=days)
    first_kept = AuditEvent.objects.filter(at__gte=cutoff).order_by("id").first()
    stale = AuditEvent.objects.filter(pk__lt=first_kept.pk) if first_kept else AuditEvent.objects.all()
    deleted = stale.count()
    anchor = first_kept.prev_hash if first_kept else _head_hash()
    detail = {"cutoff": cutoff.isoformat(), "days": days, "deleted": deleted, "first_kept_prev_hash": anchor}
    purge_row = audit_record(event=Event.AUDIT_PURGE, username=username, detail=json.dumps(detail, sort_keys=True))
    last_deleted_pk = first_kept.pk if first_kept else purge_row.pk
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL audit.allow_purge = 'on'")
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id < %s", [last_deleted_pk])  # noqa: S608 (table name is ours)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL audit.allow_purge = 'off'")
    return deleted
