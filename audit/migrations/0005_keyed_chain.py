"""Key the audit chain (HMAC with AUDIT_HMAC_KEY) and refuse TRUNCATE, and UPDATE/DELETE on SQLite too.

Rows written before this migration were chained with plain SHA-256, which anyone who can write the
database can recompute. The plain chain is checked first (a broken one stops the migration: re-keying it
would launder the damage); then every row is re-chained with the key, the oldest row keeping its
prev_hash (genesis, or the anchor a purge recorded). Then the triggers (audit.db.ensure_triggers).
"""
import hashlib
import hmac

from django.db import migrations

from audit.db import TABLE, ensure_triggers
from audit.enums import LEGACY_KEY_ID
from audit.models import chain_key


def _canonical(row):
    from audit.models import AuditEvent

    return AuditEvent.canonical(row)


def rekey(apps, schema_editor):
    connection = schema_editor.connection
    AuditEvent = apps.get_model("audit", "AuditEvent")
    rows = list(AuditEvent.objects.order_by("id"))
    previous = None
    for row in rows:
        plain = hashlib.sha256(f"{row.prev_hash}\n{_canonical(row)}".encode()).hexdigest()
        if plain != row.hash or (previous is not None and row.prev_hash != previous):
            raise RuntimeError(
                f"audit row {row.pk} does not verify under the old (unkeyed) chain; export the log and "
                "investigate before migrating (re-keying would hide the damage)"
            )
        previous = row.hash
    if not rows:
        return
    key = chain_key(LEGACY_KEY_ID)  # migration 0007 gives these rows key id "1"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_auditevent_append_only")
        elif connection.vendor == "sqlite":  # put back by the next operation
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
        prev = rows[0].prev_hash
        for row in rows:
            row.prev_hash = prev
            new = hmac.new(key.encode(), f"{prev}\n{_canonical(row)}".encode(), hashlib.sha256).hexdigest()
            cursor.execute(f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, row.pk])  # noqa: S608 (our table)
            prev = new
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_auditevent_append_only")


def triggers(apps, schema_editor):
    ensure_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_input_rescue_events")]
    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop),
        migrations.RunPython(triggers, migrations.RunPython.noop),
    ]
