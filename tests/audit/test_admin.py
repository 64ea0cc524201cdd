"""The audit log in the admin: the audit admin reads and exports it; nobody changes it."""
import csv
import io

import pytest

from audit.enums import Event
from audit.models import AuditEvent
from audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/audit/auditevent/"


@pytest.fixture
def auditor(client):
    client.force_login(UserFactory(username="auditor", admin_role="audit", is_staff=True))
    return client


def test_the_audit_admin_reads_the_log(auditor):
    response = auditor.get(CHANGELIST)

    assert response.status_code == 200
    assert response.context["cl"].result_count == AuditEvent.objects.count()


@pytest.mark.parametrize("admin_role", ["system", "security"])
def test_the_other_admins_cannot_read_the_log(client, admin_role):
    client.force_login(UserFactory(username=f"{admin_role}x", admin_role=admin_role, is_staff=True))

    assert client.get(CHANGELIST).status_code == 403


def test_nobody_adds_changes_or_deletes_through_the_admin(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    row = audit_record(event=Event.LOGIN, username="clerk")

    add = client.get(f"{CHANGELIST}add/")
    change = client.post(f"{CHANGELIST}{row.pk}/change/", {"username": "admin"})
    delete = client.post(f"{CHANGELIST}{row.pk}/delete/", {"post": "yes"})
    bulk = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})

    assert [add.status_code, change.status_code, delete.status_code] == [403, 403, 403]
    assert bulk["Location"] == CHANGELIST  # no such action: back to the list, nothing done
    assert AuditEvent.objects.get(pk=row.pk).username == "clerk"


def test_the_audit_admin_exports_the_selected_rows_and_the_export_is_recorded(auditor):
    rows = [audit_record(event=Event.LOGIN_FAILED, username="=cmd|' /C calc'!A0", success=False),
            audit_record(event=Event.LOGIN, username="clerk")]

    response = auditor.post(CHANGELIST, {"action": "export_csv", "_selected_action": [r.pk for r in rows]})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body[1:])))
    assert table[0] == ["时间", "事件", "用户名", "IP地址", "请求方法", "请求路径", "对象类型", "对象ID", "对象", "成功", "详情", "哈希"]
    assert [(r[1], r[2], r[9], r[11]) for r in table[1:]] == [
        ("登录失败", "'=cmd|' /C calc'!A0", "否", rows[0].hash),
        ("登录", "clerk", "是", rows[1].hash),
    ]
    export = AuditEvent.objects.get(event=Event.EXPORT)
    assert (export.username, export.detail) == ("auditor", "导出审计日志 2 条")
    assert AuditEvent.objects.filter(event=Event.DOWNLOAD).count() == 0
