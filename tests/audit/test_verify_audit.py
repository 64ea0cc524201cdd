import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.anchors import anchors_read
from audit.enums import GENESIS_HASH, Event
from audit.models import AuditEvent
from audit.services import audit_record
from tests.audit.intruder import tamper

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TABLE = AuditEvent._meta.db_table


def test_verify_audit_reports_an_intact_chain_and_anchors_it():
    rows = [audit_record(event=Event.LOGIN, username=f"u{n}") for n in range(2)]
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    assert out.getvalue() == f"审计日志校验通过：共 2 条，链尾哈希 {rows[-1].hash}\n"
    assert [(a.head_id, a.head_hash, a.count, a.authentic) for a in anchors_read()] == [
        (rows[-1].pk, rows[-1].hash, 2, True)]


def test_verify_audit_names_every_broken_row():
    rows = [audit_record(event=Event.LOGIN, username=f"u{n}") for n in range(4)]
    tamper(f"UPDATE {TABLE} SET success = %s WHERE id = %s", [False, rows[0].pk])
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [rows[2].pk])

    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")

    assert str(raised.value) == (
        "审计日志校验失败：发现 2 处问题（共 3 条记录）。\n"
        f"第 {rows[0].pk} 号记录：内容与密钥哈希不符（记录被篡改，或是没有密钥的人插入的）\n"
        f"第 {rows[3].pk} 号记录：第 {rows[1].pk} 号与本条之间的记录被删除（前一条哈希不符）"
    )
    assert anchors_read() == []  # a broken chain is not anchored


def test_audit_anchor_prints_and_appends_a_keyed_anchor(settings):
    row = audit_record(event=Event.LOGIN, username="clerk")
    out = io.StringIO()

    call_command("audit_anchor", stdout=out)

    printed = json.loads(out.getvalue())
    assert {k: printed[k] for k in ("head_id", "head_hash", "count")} == {"head_id": row.pk, "head_hash": row.hash, "count": 1}
    assert Path(settings.AUDIT_ANCHOR_PATH).read_text() == out.getvalue()
    assert oct(os.stat(settings.AUDIT_ANCHOR_PATH).st_mode & 0o777) == "0o600"


def test_an_edited_anchor_line_is_reported(settings):
    row = audit_record(event=Event.LOGIN, username="clerk")
    call_command("audit_anchor", stdout=io.StringIO())
    path = Path(settings.AUDIT_ANCHOR_PATH)
    anchor = json.loads(path.read_text())
    path.write_text(json.dumps({**anchor, "head_id": row.pk + 5}) + "\n")

    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")

    assert str(raised.value).splitlines()[1] == "锚点文件第 1 行被篡改或损坏（密钥哈希不符）"


EDITED = "内容与密钥哈希不符（记录被篡改，或是没有密钥的人插入的）"
REPLACED = "第 {} 号记录：与 "  # … 的锚点不符：本条已被替换 (the clean run anchored the head; its hash now differs)


def _forge(intruder, rows, prev):
    """Recompute the chain over `rows` (as they now stand) with plain SHA-256, as an intruder without the key would."""
    for row in rows:
        new = hashlib.sha256(f"{prev}\n{row.canonical()}".encode()).hexdigest()
        intruder.execute(f"UPDATE {TABLE} SET prev_hash = ?, hash = ? WHERE id = ?", [prev, new, row.pk])
        prev = new


def _delete_tail(intruder, rows):
    intruder.execute(f"DELETE FROM {TABLE} WHERE id = ?", [rows[3].pk])  # the tail, past the anchor just written
    return [f"第 {rows[3].pk} 号记录：第 {rows[3].pk} 号及其后的记录被删除"]


def _change_delete_and_rehash(intruder, rows):
    rows[1].username = "admin"
    intruder.execute(f"UPDATE {TABLE} SET username = 'admin' WHERE id = ?", [rows[1].pk])
    intruder.execute(f"DELETE FROM {TABLE} WHERE id = ?", [rows[2].pk])
    _forge(intruder, [rows[1], rows[3]], rows[0].hash)
    return [f"第 {rows[1].pk} 号记录：{EDITED}", f"第 {rows[3].pk} 号记录：{EDITED}", REPLACED.format(rows[3].pk)]


def _delete_oldest_and_restart_at_genesis(intruder, rows):
    intruder.execute(f"DELETE FROM {TABLE} WHERE id = ?", [rows[0].pk])
    _forge(intruder, rows[1:], GENESIS_HASH)
    return [*(f"第 {row.pk} 号记录：{EDITED}" for row in rows[1:]), REPLACED.format(rows[3].pk)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a copy of the SQLite file; PostgreSQL is tampered in place")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attack", [_delete_tail, _change_delete_and_rehash, _delete_oldest_and_restart_at_genesis],
                         ids=["deleted-tail", "change-delete-rehash", "oldest-deleted-genesis"])
def test_tampering_with_a_copy_of_the_database_file_is_found_by_the_command(tmp_path, attack):
    rows = [audit_record(event=Event.LOGIN, username=f"u{n}") for n in range(4)]
    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "evalsite.settings", "DJANGO_SQLITE_PATH": str(copy),
           "AUDIT_ANCHOR_PATH": str(tmp_path / "anchors.jsonl")}
    env.pop("DATABASE_URL", None)

    def verify():
        return subprocess.run([sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)

    clean = verify()
    intruder = sqlite3.connect(copy)
    refusals = []
    for sql in (f"UPDATE {TABLE} SET username = 'admin'", f"DELETE FROM {TABLE}"):
        try:
            intruder.execute(sql)
        except sqlite3.Error as error:
            refusals.append(str(error))
    intruder.execute("DROP TRIGGER audit_auditevent_no_update")
    intruder.execute("DROP TRIGGER audit_auditevent_no_delete")
    expected = attack(intruder, rows)
    intruder.commit()
    intruder.close()
    broken = verify()

    assert (clean.returncode, clean.stdout) == (0, f"审计日志校验通过：共 4 条，链尾哈希 {rows[-1].hash}\n")
    assert refusals == ["audit_auditevent is append-only (UPDATE refused)", "no such function: audit_may_delete"]
    assert broken.returncode == 1
    problems = broken.stderr.splitlines()[1:]
    assert [line[:len(want)] for line, want in zip(problems, expected, strict=True)] == expected, broken.stderr
