import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.enums import GENESIS_HASH
from audit.services import audit_verify

BEFORE, AFTER = [("audit", "0004_input_rescue_events")], [("audit", "0005_keyed_chain")]


@pytest.mark.django_db(transaction=True)
def test_rows_chained_without_a_key_are_rechained_with_it():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("audit", "AuditEvent")
    from audit.models import AuditEvent

    prev = GENESIS_HASH
    for n in range(3):
        row = AuditEvent(at=timezone.now(), event="login", username=f"u{n}", prev_hash=prev)
        row.hash = hashlib.sha256(f"{prev}\n{row.canonical()}".encode()).hexdigest()
        old.objects.create(**{f.attname: getattr(row, f.attname) for f in AuditEvent._meta.concrete_fields if f.attname != "id"})
        prev = row.hash

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    try:
        result = audit_verify()
        assert (result.ok, result.count) == (True, 3)
        assert AuditEvent.objects.order_by("id").first().prev_hash == GENESIS_HASH
    finally:
        # Leave the database as every other test expects it: every migration applied (audit's later ones too).
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
