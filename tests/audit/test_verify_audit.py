import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.enums import Event
from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_verify_audit_reports_an_intact_chain():
    rows = [audit_record(event=Event.LOGIN, username=f"u{n}") for n in range(2)]
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    assert out.getvalue() == f"审计日志校验通过：共 2 条，链尾哈希 {rows[-1].hash}\n"


def test_verify_audit_fails_on_a_tampered_row():
    rows = [audit_record(event=Event.LOGIN, username=f"u{n}") for n in range(2)]
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(f"UPDATE {table} SET success = %s WHERE id = %s", [False, rows[0].pk])

    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")

    assert str(raised.value) == f"审计日志校验失败：第 {rows[0].pk} 号记录，内容与哈希不符（记录被篡改）；此前 0 条完好。"
