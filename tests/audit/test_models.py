import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.db import TRIGGER_NAMES, installed_triggers
from audit.enums import Event
from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own settings")


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


def test_both_databases_hold_the_append_only_triggers():
    assert installed_triggers(connection) == TRIGGER_NAMES[connection.vendor]


@pytest.mark.parametrize(
    "sql", [f"UPDATE {TABLE} SET username = 'admin'", f"DELETE FROM {TABLE}"], ids=["update", "delete"]
)
def test_the_database_refuses_raw_updates_and_deletes(row, sql, settings):
    settings.AUDIT_TEST_FLUSH = False  # as in production

    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert "audit_auditevent is append-only" in str(raised.value)
    assert AuditEvent.objects.get().username == "clerk"


@postgresql_only
def test_postgresql_refuses_truncate_outside_the_test_runner(row):
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.allow_truncate = 'off'")  # what every production connection has
        cursor.execute(f"TRUNCATE {TABLE}")

    assert "audit_auditevent is append-only (TRUNCATE refused)" in str(raised.value)
    assert AuditEvent.objects.count() == 1


@postgresql_only
def test_postgresql_allows_a_delete_only_inside_a_purge_transaction(row):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.allow_purge = 'on'")
        cursor.execute(f"DELETE FROM {TABLE}")

    assert AuditEvent.objects.count() == 0


def test_the_triggers_come_back_after_migrate_if_a_table_rebuild_dropped_them():
    with connection.cursor() as cursor:
        for name in TRIGGER_NAMES[connection.vendor]:
            cursor.execute(f"DROP TRIGGER {name}" + (f" ON {TABLE}" if connection.vendor == "postgresql" else ""))

    call_command("migrate", "audit", verbosity=0)

    assert installed_triggers(connection) == TRIGGER_NAMES[connection.vendor]
