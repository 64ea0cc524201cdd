"""The database side of the audit log's append-only rule.

Triggers (migrations 0002 and 0005) refuse UPDATE, DELETE and TRUNCATE of audit rows in the database itself,
whoever sends the SQL. A DELETE passes only inside audit.services.audit_purge: on PostgreSQL it sets
`audit.allow_purge` for its own transaction; on SQLite the trigger asks `audit_may_delete()`, a function this
module registers on each connection, which answers from `purging`. A plain sqlite3 shell has no such
function, so its DELETE fails too. The test settings' AUDIT_TEST_FLUSH lets Django's test runner empty the table.
"""
from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.dispatch import receiver

# True while audit_purge deletes the rows it may delete.
purging = ContextVar("audit_purging", default=False)


def _may_delete():
    return 1 if purging.get() or settings.AUDIT_TEST_FLUSH else 0


@receiver(connection_created, dispatch_uid="audit_connection_setup")
def setup_connection(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("audit_may_delete", 0, _may_delete)
    elif connection.vendor == "postgresql" and settings.AUDIT_TEST_FLUSH:
        with connection.cursor() as cursor:
            cursor.execute("SET audit.allow_truncate = 'on'")


TABLE = "audit_auditevent"
POSTGRESQL_TRIGGERS = f"""
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('audit.allow_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON {TABLE};
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
CREATE OR REPLACE FUNCTION audit_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('audit.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON {TABLE};
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_no_truncate();
"""
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only (UPDATE refused)'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete BEFORE DELETE ON {TABLE}
        WHEN NOT audit_may_delete()
        BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only (DELETE refused)'); END""",
]
TRIGGER_NAMES = {
    "postgresql": {"audit_auditevent_append_only", "audit_auditevent_no_truncate"},
    "sqlite": {"audit_auditevent_no_update", "audit_auditevent_no_delete"},
}


def ensure_triggers(connection):
    """Create the append-only triggers where they are missing (idempotent).

    Run by migration 0005 and after every `migrate`: SQLite rebuilds a table for some schema changes and its
    triggers go with the old table, so they are put back at the end of each migrate.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_TRIGGERS)
        elif connection.vendor == "sqlite":
            for sql in SQLITE_TRIGGERS:
                cursor.execute(sql)


def installed_triggers(connection):
    """The names of the audit table's append-only triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE])
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        else:
            return set()
        return {name for (name,) in cursor.fetchall()} & TRIGGER_NAMES.get(connection.vendor, set())


@receiver(post_migrate, dispatch_uid="audit_ensure_triggers")
def ensure_triggers_after_migrate(sender, app_config=None, using="default", **kwargs):
    if app_config is None or app_config.label != "audit":
        return
    connection = connections[using]
    if TABLE in connection.introspection.table_names():
        ensure_triggers(connection)
