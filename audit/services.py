"""Writing, verifying and purging the audit log.

audit_record is the one way in: every app records its security-relevant events through it.
"""
import hmac
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

from audit.db import purging
from audit.enums import FILE_EVENTS, GENESIS_HASH, MIN_RETENTION_DAYS, Event
from audit.models import AuditEvent, Tally

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
    """What verify_audit found: `problems` lists (row id, Chinese sentence) for every break, oldest first."""

    ok: bool
    count: int
    head_hash: str
    bad_id: int | None = None
    problem: str = ""
    problems: tuple = ()


# A verify lists at most this many problems (a wholesale rewrite would otherwise list every row).
MAX_PROBLEMS = 200


def _purge_anchor():
    """The prev_hash the oldest remaining row must carry after the latest purge, or None."""
    purge = AuditEvent.objects.filter(event=Event.AUDIT_PURGE, success=True).order_by("-id").first()
    if purge is None or purge.compute_hash() != purge.hash:
        return None
    try:
        return json.loads(purge.detail)["first_kept_prev_hash"]
    except (ValueError, KeyError, TypeError):
        return None


def _chain_problems():
    """Walk the chain oldest first; yield (row id, problem) for each break, then return (count, head)."""
    count, previous = 0, None
    for row in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if previous is None:
            if row.prev_hash not in {GENESIS_HASH, _purge_anchor()}:
                yield row.pk, _("最早一条记录之前的记录被删除（既非链首，也不是清理后保留的第一条）")
        elif row.prev_hash != previous.hash:
            follows = AuditEvent.objects.filter(hash=row.prev_hash).values_list("pk", flat=True).first()
            if follows is not None:
                yield row.pk, _("次序被调换或有记录插入：本应紧跟第 %(id)s 号记录，实际在第 %(prev)s 号之后") % {
                    "id": follows, "prev": previous.pk}
            else:
                yield row.pk, _("第 %(prev)s 号与本条之间的记录被删除（前一条哈希不符）") % {"prev": previous.pk}
        if not hmac.compare_digest(row.compute_hash(), row.hash):
            yield row.pk, _("内容与密钥哈希不符（记录被篡改，或是没有密钥的人插入的）")
        previous = row
        count += 1
    return count, (previous.pk if previous else None), (previous.hash if previous else GENESIS_HASH)


def _anchor_problems(anchors, first_id, last_id):
    """Each anchored head must still be in the chain with its hash (or have been purged in order)."""
    wanted = {a.head_id for a in anchors if a.authentic and isinstance(a.head_id, int)}
    found = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), 1000):
        found.update(AuditEvent.objects.filter(pk__in=ids[start:start + 1000]).values_list("pk", "hash"))
    for anchor in anchors:
        if not anchor.authentic:
            yield None, _("锚点文件第 %(line)s 行被篡改或损坏（密钥哈希不符）") % {"line": anchor.line}
        elif anchor.head_id is None:
            continue  # anchored an empty log
        elif anchor.head_id in found:
            if not hmac.compare_digest(found[anchor.head_id], anchor.head_hash):
                yield anchor.head_id, _("与 %(at)s 的锚点不符：本条已被替换（锚点记载的哈希 %(hash)s）") % {
                    "at": anchor.at, "hash": anchor.head_hash}
        elif last_id is None or anchor.head_id > last_id:
            yield anchor.head_id, _("第 %(id)s 号及其后的记录被删除（%(at)s 的锚点记载链尾为第 %(id)s 号，共 %(count)s 条）") % {
                "id": anchor.head_id, "at": anchor.at, "count": anchor.count}
        elif anchor.head_id >= first_id:
            yield anchor.head_id, _("第 %(id)s 号记录被删除（%(at)s 的锚点记载了它）") % {"id": anchor.head_id, "at": anchor.at}
        # An anchored row older than the oldest kept one went with a purge; the chain's start checks that.


def audit_verify(*, anchors=None, write_anchor=False):
    """Recompute the keyed chain from the oldest row and check it against the anchors outside the database.

    `anchors` defaults to every anchor in AUDIT_ANCHOR_PATH. Finds every changed, inserted, reordered or
    removed row (a removed tail through the anchors) and names each. With `write_anchor`, a clean check
    appends an anchor of the current head. Changes nothing in the database. Returns a ChainCheck.
    """
    from audit.anchors import anchor_append, anchors_read

    problems = []
    walk = _chain_problems()
    while True:
        try:
            problem = next(walk)
        except StopIteration as done:
            count, last_id, head = done.value
            break
        if len(problems) < MAX_PROBLEMS:
            problems.append(problem)
    first_id = AuditEvent.objects.order_by("id").values_list("pk", flat=True).first()
    for problem in _anchor_problems(anchors_read() if anchors is None else anchors, first_id, last_id):
        if len(problems) < MAX_PROBLEMS:
            problems.append(problem)
    if problems:
        bad_id, text = problems[0]
        return ChainCheck(False, count, head, bad_id, text, tuple(problems))
    if write_anchor:
        anchor_append(head_id=last_id, head_hash=head, count=count)
    return ChainCheck(True, count, head)


def audit_anchor():
    """Append an anchor of the chain's current head to AUDIT_ANCHOR_PATH; return its line. Reads, never writes, the log."""
    from audit.anchors import anchor_append

    head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    return anchor_append(
        head_id=head["id"] if head else None, head_hash=head["hash"] if head else GENESIS_HASH,
        count=AuditEvent.objects.count(),
    )


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
    Tally.objects.filter(window__lt=cutoff).delete()  # the anonymous counts follow the log's retention
    token = purging.set(True)  # what SQLite's trigger asks (audit_may_delete(), audit.db)
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL audit.allow_purge = 'on'")
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id < %s", [last_deleted_pk])  # noqa: S608 (table name is ours)
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL audit.allow_purge = 'off'")
    finally:
        purging.reset(token)
    return deleted
