import hashlib
import hmac
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from audit.anchors import anchors_read
from audit.enums import GENESIS_HASH, Event
from audit.models import AuditEvent
from audit.services import (
    ChainCheck,
    ObjectRef,
    audit_anchor,
    audit_purge,
    audit_record,
    audit_verify,
    bind_request,
    client_ip,
    unbind_request,
)
from tests.audit.intruder import tamper
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def record_at(moment, **kwargs):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit_record(**kwargs)


def test_a_record_holds_who_when_where_what_and_the_outcome():
    user = UserFactory(username="clerk")
    department = DepartmentFactory(code="901001", name="岳阳楼区融媒体中心")
    request = RequestFactory().post("/reports/7/submit/", REMOTE_ADDR="10.1.2.3")
    request.user = user

    row = audit_record(event=Event.EXPORT, request=request, obj=department, detail="汇总表.xlsx")

    assert {
        f: getattr(row, f) for f in ["event", "user_id", "username", "ip", "method", "path", "object_type",
                                     "object_id", "object_repr", "success", "detail", "prev_hash"]
    } == {
        "event": "export", "user_id": user.pk, "username": "clerk", "ip": "10.1.2.3", "method": "POST",
        "path": "/reports/7/submit/", "object_type": "departments.department", "object_id": str(department.pk),
        "object_repr": "901001 岳阳楼区融媒体中心", "success": True, "detail": "汇总表.xlsx", "prev_hash": GENESIS_HASH,
    }
    assert timezone.now() - row.at < timedelta(seconds=5)
    assert request.audit_file_recorded is True


def test_the_hash_covers_the_canonical_content_and_the_previous_hash():
    first = audit_record(event=Event.LOGIN, username="clerk")
    second = audit_record(event=Event.LOGOUT, username="clerk")

    stored = AuditEvent.objects.get(pk=second.pk)
    assert stored.prev_hash == first.hash
    assert stored.hash == hmac.new(
        settings.AUDIT_HMAC_KEY.encode(), f"{first.hash}\n{stored.canonical()}".encode(), hashlib.sha256,
    ).hexdigest()
    assert json.loads(stored.canonical())["event"] == "logout"


def test_a_failed_login_names_the_account_tried_without_a_user():
    row = audit_record(event=Event.LOGIN_FAILED, username="ghost", success=False)

    assert (row.user_id, row.username, row.success) == (None, "ghost", False)


def test_unknown_events_are_refused():
    with pytest.raises(ValueError):
        audit_record(event="coffee_break")


def test_a_rolled_back_action_leaves_no_audit_row():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(event=Event.WORKFLOW_MOVE, username="head")
        raise RuntimeError

    assert AuditEvent.objects.count() == 0


def test_the_bound_request_supplies_user_and_address():
    user = UserFactory(username="reviewer")
    request = RequestFactory().get("/", REMOTE_ADDR="192.168.0.9")
    request.user = user
    token = bind_request(request)
    try:
        row = audit_record(event=Event.WORKFLOW_MOVE)
    finally:
        unbind_request(token)

    assert (row.username, row.ip, row.path) == ("reviewer", "192.168.0.9", "/")


def test_an_object_reference_is_recorded_without_loading_it():
    row = audit_record(event=Event.ADMIN_ACTION, obj=ObjectRef("accounts.user", "42", "孟庆红"))

    assert (row.object_type, row.object_id, row.object_repr) == ("accounts.user", "42", "孟庆红")


@pytest.mark.parametrize(
    ("meta", "header", "expected"),
    [
        ({"REMOTE_ADDR": "10.0.0.1"}, "", "10.0.0.1"),
        ({"REMOTE_ADDR": "2001:0db8:0000:0000:0000:0000:0000:0001"}, "", "2001:db8::1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "", "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "1.2.3.4"}, "HTTP_X_REAL_IP", "1.2.3.4"),
        # The proxy appends the peer it saw; what comes before is the client's own (spoofable) claim.
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4"}, "HTTP_X_FORWARDED_FOR", "1.2.3.4"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "HTTP_X_FORWARDED_FOR", "1.2.3.4"),
        ({"REMOTE_ADDR": "not-an-ip"}, "", ""),
    ],
)
def test_client_ip(settings, meta, header, expected):
    settings.AUDIT_CLIENT_IP_HEADER = header

    assert client_ip(RequestFactory().get("/", **meta)) == expected


def test_an_untouched_chain_verifies():
    rows = [audit_record(event=Event.LOGIN, username=f"u{n}") for n in range(3)]

    assert audit_verify() == ChainCheck(ok=True, count=3, head_hash=rows[-1].hash)


def test_an_empty_log_verifies():
    assert audit_verify() == ChainCheck(ok=True, count=0, head_hash=GENESIS_HASH)


EDITED = "内容与密钥哈希不符（记录被篡改，或是没有密钥的人插入的）"


def chain_of(count):
    return [audit_record(event=Event.LOGIN, username=f"u{n}") for n in range(count)]


def forge_chain(rows_from, key="a guessed key"):
    """Rewrite every row from `rows_from` on as a fresh chain, with a key that is not AUDIT_HMAC_KEY (or plain
    SHA-256 when key is None), the way an intruder recomputes the hashes after a change."""
    rows = list(AuditEvent.objects.filter(pk__gte=rows_from).order_by("id"))
    prev = AuditEvent.objects.filter(pk__lt=rows_from).order_by("-id").values_list("hash", flat=True).first()
    prev = prev or GENESIS_HASH
    for row in rows:
        message = f"{prev}\n{row.canonical()}".encode()
        new = hashlib.sha256(message).hexdigest() if key is None else hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
        tamper(f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, row.pk])
        prev = new


def problems():
    return list(audit_verify().problems)


def test_a_changed_row_is_named():
    rows = chain_of(3)
    tamper(f"UPDATE {TABLE} SET username = %s WHERE id = %s", ["admin", rows[1].pk])

    result = audit_verify()

    assert (result.ok, result.bad_id, result.problem, result.problems) == (
        False, rows[1].pk, EDITED, ((rows[1].pk, EDITED),),
    )


def test_a_removed_row_is_named_at_the_next_one():
    rows = chain_of(3)
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [rows[1].pk])

    assert problems() == [(rows[2].pk, f"第 {rows[0].pk} 号与本条之间的记录被删除（前一条哈希不符）")]


def test_removing_the_oldest_rows_is_detected():
    rows = chain_of(3)
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [rows[0].pk])

    assert problems() == [(rows[1].pk, "最早一条记录之前的记录被删除（既非链首，也不是清理后保留的第一条）")]


@pytest.mark.parametrize("key", [None, "a guessed key", "dev-only-insecure-key-never-use-in-production"],
                         ids=["plain-sha256", "guessed-key", "secret-key"])
def test_removing_the_oldest_rows_and_restarting_the_chain_at_genesis_is_detected(key):
    rows = chain_of(3)
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [rows[0].pk])

    forge_chain(rows[1].pk, key=key)

    assert problems() == [(rows[1].pk, EDITED), (rows[2].pk, EDITED)]


def test_a_change_plus_a_removal_with_every_later_hash_recomputed_is_detected():
    rows = chain_of(4)
    tamper(f"UPDATE {TABLE} SET username = %s WHERE id = %s", ["admin", rows[1].pk])
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [rows[2].pk])

    forge_chain(rows[1].pk)

    assert problems() == [(rows[1].pk, EDITED), (rows[3].pk, EDITED)]


def test_a_removed_tail_is_found_through_the_anchor():
    rows = chain_of(3)
    audit_anchor()
    tamper(f"DELETE FROM {TABLE} WHERE id >= %s", [rows[1].pk])

    result = audit_verify()

    assert (result.ok, result.count) == (False, 1)
    assert list(result.problems) == [
        (rows[2].pk, f"第 {rows[2].pk} 号及其后的记录被删除（{anchors_read()[0].at} 的锚点记载链尾为第 {rows[2].pk} 号，共 3 条）"),
    ]


def test_an_anchored_head_replaced_by_a_new_row_is_found():
    rows = chain_of(2)
    audit_anchor()
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [rows[1].pk])
    tamper(f"INSERT INTO {TABLE} (id, at, event, username, ip, method, path, object_type, object_id, object_repr, "
           f"success, detail, prev_hash, hash, key_id) SELECT %s, at, event, 'u9', ip, method, path, object_type, "
           f"object_id, object_repr, success, detail, %s, %s, key_id FROM {TABLE} WHERE id = %s",
           [rows[1].pk, rows[0].hash, "f" * 64, rows[0].pk])

    assert problems() == [
        (rows[1].pk, EDITED),
        (rows[1].pk, f"与 {anchors_read()[0].at} 的锚点不符：本条已被替换（锚点记载的哈希 {rows[1].hash}）"),
    ]


def test_a_row_inserted_without_the_key_is_named():
    rows = chain_of(2)
    forged = AuditEvent(event=Event.LOGIN, username="ghost", at=timezone.now(), prev_hash=rows[-1].hash)
    plain = hashlib.sha256(f"{forged.prev_hash}\n{forged.canonical()}".encode()).hexdigest()
    tamper(f"INSERT INTO {TABLE} (at, event, username, ip, method, path, object_type, object_id, object_repr, success, "
           f"detail, prev_hash, hash, key_id) VALUES (%s, 'login', 'ghost', '', '', '', '', '', '', %s, '', %s, %s, '1')",
           [forged.at, True, forged.prev_hash, plain])
    inserted = AuditEvent.objects.get(username="ghost").pk

    assert problems() == [(inserted, EDITED)]


def test_swapped_rows_are_named_as_reordered():
    rows = chain_of(4)
    columns = ["at", "event", "username", "prev_hash", "hash"]
    first, second = (AuditEvent.objects.values_list(*columns).get(pk=r.pk) for r in rows[1:3])
    tamper(f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s", ["1" * 64, "2" * 64, rows[1].pk])
    tamper(f"UPDATE {TABLE} SET at = %s, event = %s, username = %s, prev_hash = %s, hash = %s WHERE id = %s",
           [*first, rows[2].pk])
    tamper(f"UPDATE {TABLE} SET at = %s, event = %s, username = %s, prev_hash = %s, hash = %s WHERE id = %s",
           [*second, rows[1].pk])

    assert problems() == [
        (rows[1].pk, f"次序被调换或有记录插入：本应紧跟第 {rows[2].pk} 号记录，实际在第 {rows[0].pk} 号之后"),
        (rows[2].pk, f"次序被调换或有记录插入：本应紧跟第 {rows[0].pk} 号记录，实际在第 {rows[1].pk} 号之后"),
        (rows[3].pk, f"次序被调换或有记录插入：本应紧跟第 {rows[1].pk} 号记录，实际在第 {rows[2].pk} 号之后"),
    ]


def test_purge_refuses_to_keep_less_than_181_days():
    with pytest.raises(ValidationError) as raised:
        audit_purge(days=180)

    assert raised.value.message_dict == {"days": ["审计日志至少保留 181 天，不能清理 180 天以内的记录。"]}


def test_purge_removes_old_rows_records_an_anchor_and_keeps_the_chain_verifiable():
    now = timezone.now()
    old = [record_at(now - timedelta(days=400 - n), event=Event.LOGIN, username=f"old{n}") for n in range(3)]
    kept = [record_at(now - timedelta(days=10 - n), event=Event.LOGIN, username=f"new{n}") for n in range(2)]

    deleted = audit_purge(days=181)

    remaining = list(AuditEvent.objects.order_by("id"))
    assert deleted == 3
    assert [r.pk for r in remaining[:2]] == [k.pk for k in kept]
    purge = remaining[-1]
    assert (purge.event, json.loads(purge.detail)["first_kept_prev_hash"]) == (Event.AUDIT_PURGE, old[-1].hash)
    assert audit_verify() == ChainCheck(ok=True, count=3, head_hash=purge.hash)


def test_after_a_purge_removing_the_oldest_kept_row_is_still_detected():
    now = timezone.now()
    record_at(now - timedelta(days=400), event=Event.LOGIN, username="old")
    kept = [record_at(now - timedelta(days=1), event=Event.LOGIN, username=f"new{n}") for n in range(2)]
    audit_purge(days=181)
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [kept[0].pk])

    assert problems() == [(kept[1].pk, "最早一条记录之前的记录被删除（既非链首，也不是清理后保留的第一条）")]


def test_purging_everything_old_leaves_a_verifiable_anchor_row():
    now = timezone.now()
    old = [record_at(now - timedelta(days=300), event=Event.LOGIN, username=f"old{n}") for n in range(2)]

    deleted = audit_purge(days=200)

    purge = AuditEvent.objects.get()
    assert (deleted, purge.prev_hash) == (2, old[-1].hash)
    assert audit_verify().ok is True


def test_purging_twice_keeps_the_chain_verifiable():
    now = timezone.now()
    record_at(now - timedelta(days=500), event=Event.LOGIN, username="oldest")
    record_at(now - timedelta(days=300), event=Event.LOGIN, username="old")
    audit_purge(days=400)

    deleted = audit_purge(days=181)

    assert deleted == 1  # the 300-day-old row; the first purge's row is recent and stays
    assert audit_verify() == ChainCheck(ok=True, count=2, head_hash=AuditEvent.objects.order_by("-id")[0].hash)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a real server")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def write(worker):
        try:
            for n in range(10):
                with transaction.atomic():
                    audit_record(event=Event.WORKFLOW_MOVE, username=f"w{worker}-{n}")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))

    result = audit_verify()
    assert (result.ok, result.count) == (True, 40)
