"""What someone with write access to the database (but not AUDIT_HMAC_KEY) can do to the audit table."""
from django.db import connection

from audit.db import TABLE, TRIGGER_NAMES, ensure_triggers


def tamper(sql, params=()):
    """Run `sql` on the audit table with its triggers out of the way (as the database owner could), then put them back.

    Inside the test's transaction, so the damage is rolled back with it.
    """
    with connection.cursor() as cursor:
        for name in sorted(TRIGGER_NAMES[connection.vendor]):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {TABLE}" if connection.vendor == "postgresql" else ""))
        cursor.execute(sql, params)
    ensure_triggers(connection)
