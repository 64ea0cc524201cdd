"""Writing, verifying and purging the audit log.

audit_record is the one way in: every app records its security-relevant events through it.
"""
import hmac
import ipaddress
import json
import logging
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
from audit.models import AuditEvent, Tally, UnknownKeyError, current_key_id

# The request being served, set by audit.middleware.AuditContextMiddleware, so that code
# without a request at hand (workflow.move, admin LogEntry signals) still records the IP.
_current_request = ContextVar("audit_current_request", default=None)

# pg_advisory_xact_lock key serialising writers of the chain ("audit" in ASCII).
_CHAIN_LOCK_KEY = 0x6175646974
_ATTEMPTS = 3

logger = logging.getLogger(__name__)


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
    proxy sets; by default only REMOTE_ADDR is trusted. Of a list (X-Forwarded-For) only the last
    address counts: the one our proxy appended. The ones before it are whatever the client sent, and
    trusting them would let a guesser pick its own address for the lockout and the rate limits.
    """
    header = getattr(settings, "AUDIT_CLIENT_IP_HEADER", "") or "REMOTE_ADDR"
    raw = request.META.get(header) or request.META.get("REMOTE_ADDR") or ""
    raw = raw.split(",")[-1].strip()
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


def _head():
    """(hash, key id) of the newest row; (GENESIS_HASH, None) for an empty log."""
    return AuditEvent.objects.order_by("-id").values_list("hash", "key_id").first() or (GENESIS_HASH, None)


def _rotation_row(old_key_id, new_key_id, username):
    return AuditEvent(
        event=Event.AUDIT_KEY_ROTATED, username=username[:150],
        detail=json.dumps({"from": old_key_id, "to": new_key_id}, sort_keys=True),
    )


def _append(row, prev_hash, key_id):
    """Insert `row` after `prev_hash`, chained with key `key_id` (the caller holds the chain lock)."""
    row.at = timezone.now()
    row.prev_hash = prev_hash
    row.key_id = key_id
    row.hash = row.compute_hash()
    row.save(force_insert=True)
    return row


def _append_with_rotation(row, *, rotated_by="audit_record"):
    """Append `row` with the current key; when the head was chained with a retired key, a rotation row first.

    So the first row any app server writes after AUDIT_HMAC_KEY_ID changed (or `manage.py audit_rotate_key`)
    marks the rotation point: from there on verify_audit accepts the new key id only. Returns the rotation row
    or None.
    """
    from django.conf import settings

    prev_hash, prev_key_id = _head()
    key_id = current_key_id()
    rotation = None
    if prev_key_id not in (None, key_id):
        if prev_key_id in getattr(settings, "AUDIT_HMAC_OLD_KEYS", {}):
            rotation = _append(_rotation_row(prev_key_id, key_id, rotated_by), prev_hash, key_id)
            prev_hash = rotation.hash
        else:
            logger.error("audit chain head uses key id %r, which this server does not know (AUDIT_HMAC_OLD_KEYS); "
                         "writing with key id %r: verify_audit will report it", prev_key_id, key_id)
    if row is not None:
        _append(row, prev_hash, key_id)
    return rotation


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
                _append_with_rotation(row)
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
    try:
        if purge is None or purge.compute_hash() != purge.hash:
            return None
    except UnknownKeyError:
        return None
    try:
        return json.loads(purge.detail)["first_kept_prev_hash"]
    except (ValueError, KeyError, TypeError):
        return None


def _chain_problems():
    """Walk the chain oldest first; yield (row id, problem) for each break, then return (count, head)."""
    count, previous, retired = 0, None, set()
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
        try:
            if not hmac.compare_digest(row.compute_hash(), row.hash):
                yield row.pk, _("内容与密钥哈希不符（记录被篡改，或是没有密钥的人插入的）")
        except UnknownKeyError:
            yield row.pk, _("密钥编号“%(key)s”未配置，无法校验（不认识的密钥，或是伪造的记录）") % {"key": row.key_id}
        yield from _key_problems(row, previous, retired)
        previous = row
        count += 1
    return count, (previous.pk if previous else None), (previous.hash if previous else GENESIS_HASH)


def _rotation(row):
    """(from, to) key ids of a rotation row, or None."""
    if row.event != Event.AUDIT_KEY_ROTATED:
        return None
    try:
        detail = json.loads(row.detail)
        return str(detail["from"]), str(detail["to"])
    except (ValueError, KeyError, TypeError):
        return ("", "")


def _key_problems(row, previous, retired):
    """The key id changes only at a rotation row, from the previous row's key to this one's, never back.

    `retired` collects the key ids rotated away from: a row chained with one of them after its rotation is what
    someone holding the old key would forge, and is reported even though its HMAC matches."""
    rotation = _rotation(row)
    if rotation is not None and rotation[1] != row.key_id:
        yield row.pk, _("密钥轮换记录与本条的密钥编号“%(key)s”不符") % {"key": row.key_id}
    if previous is None or row.key_id == previous.key_id:
        return
    if row.key_id in retired:
        yield row.pk, _("用已停用的密钥“%(key)s”链接（该密钥已被轮换，可能是用旧密钥伪造的记录）") % {"key": row.key_id}
    elif rotation != (previous.key_id, row.key_id):
        yield row.pk, _("密钥编号由“%(old)s”变为“%(key)s”，却不是密钥轮换记录") % {"old": previous.key_id, "key": row.key_id}
    retired.add(previous.key_id)


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


@transaction.atomic
def audit_rotate_key(*, username="manage.py audit_rotate_key"):
    """Start chaining with the current key (AUDIT_HMAC_KEY_ID): append the rotation row now, if the head was
    chained with a retired key. Old rows stay as they are (verify_audit checks them with AUDIT_HMAC_OLD_KEYS).
    Returns the rotation row, or None when the head already uses the current key (or the log is empty)."""
    _lock_chain()
    return _append_with_rotation(None, rotated_by=username)


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
