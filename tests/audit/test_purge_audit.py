import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.enums import Event
from audit.models import AuditEvent
from audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


def test_purge_audit_refuses_less_than_181_days():
    with pytest.raises(CommandError) as raised:
        call_command("purge_audit", "--days", "90")

    assert str(raised.value) == "审计日志至少保留 181 天，不能清理 90 天以内的记录。"


def test_purge_audit_uses_the_retention_setting(settings):
    settings.AUDIT_RETENTION_DAYS = 200
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=201)):
        audit_record(event=Event.LOGIN, username="old")
    audit_record(event=Event.LOGIN, username="new")
    out = io.StringIO()

    call_command("purge_audit", stdout=out)

    assert out.getvalue() == "已清理 200 天以前的审计日志 1 条。\n"
    assert list(AuditEvent.objects.order_by("id").values_list("username", flat=True)) == [
        "new", "manage.py purge_audit",
    ]
    assert audit_verify().ok is True
