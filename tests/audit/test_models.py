import pytest
from django.db import DatabaseError, connection, transaction

from audit.enums import Event
from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@pytest.fixture
def row():
    return audit_record(event=Event.LOGIN, username="clerk")


def test_a_stored_row_cannot_be_saved_again(row):
    row.username = "admin"

    with pytest.raises(AppendOnlyError):
        row.save()

    assert AuditEvent.objects.get().username == "clerk"


def test_a_row_cannot_be_deleted(row):
    with pytest.raises(AppendOnlyError):
        row.delete()

    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    "operation",
    [
        lambda qs: qs.update(username="admin"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_create([AuditEvent(event=Event.LOGIN)]),
        lambda qs: qs.bulk_update(list(qs), ["username"]),
        lambda qs: qs.update_or_create(username="clerk", defaults={"detail": "x"}),
    ],
    ids=["update", "delete", "bulk_create", "bulk_update", "update_or_create"],
)
def test_querysets_refuse_every_write_but_audit_record(row, operation):
    with pytest.raises(AppendOnlyError):
        operation(AuditEvent.objects.all())

    assert list(AuditEvent.objects.values_list("username", flat=True)) == ["clerk"]


def test_only_view_and_export_permissions_exist():
    assert AuditEvent._meta.default_permissions == ("view",)
    assert [codename for codename, _name in AuditEvent._meta.permissions] == ["export_auditevent"]


@postgresql_only
@pytest.mark.parametrize(
    "sql", [f"UPDATE {TABLE} SET username = 'admin'", f"DELETE FROM {TABLE}"], ids=["update", "delete"]
)
def test_postgresql_refuses_raw_updates_and_deletes(row, sql):
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert "audit_auditevent is append-only" in str(raised.value)
    assert AuditEvent.objects.get().username == "clerk"


@postgresql_only
def test_postgresql_allows_a_delete_only_inside_a_purge_transaction(row):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.allow_purge = 'on'")
        cursor.execute(f"DELETE FROM {TABLE}")

    assert AuditEvent.objects.count() == 0
