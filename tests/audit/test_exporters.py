import pytest

from audit.exporters import _text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("clerk", "clerk"), ("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("a=b", "a=b"), ("", "")],
)
def test_text_cells_cannot_become_spreadsheet_formulas(value, expected):
    assert _text(value) == expected


@pytest.mark.django_db
def test_every_column_of_the_exported_csv_is_guarded_when_read_back(client):
    import csv
    import io

    from django.test import RequestFactory
    from django.urls import reverse

    from audit.enums import Event
    from audit.models import AuditEvent
    from audit.services import ObjectRef, audit_record
    from tests.factories import UserFactory

    auditor = UserFactory(username="auditor", admin_role="audit", is_staff=True)
    request = RequestFactory().generic("=HYPER", "/=cmd|' /C calc'!A0", REMOTE_ADDR="10.0.0.1")
    request.user = UserFactory(username="@evil")
    audit_record(event=Event.LOGIN, request=request, obj=ObjectRef("+type", "-1", "=1+1"), detail="\t=2")
    client.force_login(auditor, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(reverse("admin:audit_auditevent_changelist"), {
        "action": "export_csv", "_selected_action": list(AuditEvent.objects.values_list("pk", flat=True))})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert [cell for cell in cells if cell and cell[0] in "=+-@\t\r\n|%＝＋－＠"] == []
    assert rows[1][2:9] == ["'@evil", "10.0.0.1", "'=HYPER", "/=cmd|' /C calc'!A0", "'+type", "'-1", "'=1+1"]
