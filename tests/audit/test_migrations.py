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
        old.objects.create(**{f.attname: getattr(row, f.attname) for f in AuditEvent._meta.concrete_fields
                              if f.attname not in {"id", "key_id"}})
        prev = row.hash

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # the model has the later key_id column
        result = audit_verify()
        assert (result.ok, result.count) == (True, 3)
        assert AuditEvent.objects.order_by("id").first().prev_hash == GENESIS_HASH
    finally:
        # Leave the database as every other test expects it: every migration applied (audit's later ones too).
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_key_ids_get_key_id_1_and_still_verify():
    from audit.services import audit_record

    for n in range(2):
        audit_record(event="login", username=f"u{n}")
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0006_tallies")])  # drops the column (no UPDATE: the triggers stay)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from audit.models import AuditEvent

    assert list(AuditEvent.objects.values_list("key_id", flat=True)) == ["1", "1"]
    assert (audit_verify().ok, audit_verify().count) == (True, 2)
