"""backup_create → drop → backup_restore → backup_verify, on SQLite and PostgreSQL, and the refusals."""
import json
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from audit.enums import Event
from audit.models import AuditEvent
from audit.services import audit_record, audit_verify
from backups.manifest import MANIFEST, BackupError
from backups.services import backup_create, backup_restore, backup_verify
from reports.demo import demo_load
from reports.enums import Status
from reports.interchange import report_export
from reports.models import Report, Task
from reports.workflow import move

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only (append-only trigger, sequences): run under scripts/with-postgres, as make test-postgres does",
)


def _documents():
    return {r.pk: report_export(r) for r in Report.objects.order_by("pk")}


def _approve_seed_report():
    report = Report.objects.get(department__code="106019")
    clerk, head, reviewer = (User.objects.get(username=n) for n in ("clerk", "head", "reviewer"))
    report = move(report, Status.DEPT_REVIEW, by=clerk)
    report = move(report, Status.FINANCE_REVIEW, by=head, comment="同意报送。")
    return move(report, Status.APPROVED, by=reviewer, comment="审定通过。")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def installation(transactional_db, media):
    """The demo with the seed report approved (its PDF archived after commit) and audit events."""
    demo_load()
    approved = _approve_seed_report()
    # An admin-site change: its LogEntry points at a content type (a natural key in the backup) and
    # records an audit event; restoring the LogEntry must not record another.
    LogEntry.objects.create(
        user=User.objects.get(username="admin"), content_type=ContentType.objects.get_for_model(Report),
        object_id=str(approved.pk), object_repr=str(approved), action_flag=CHANGE, change_message="[]",
    )
    audit_record(event=Event.LOGIN, username="clerk")
    return Report.objects.get(pk=approved.pk)


def _drop(settings, tmp_path):
    """Lose everything: an empty, migrated database and an empty MEDIA_ROOT."""
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media-restored"


def test_round_trip_gives_identical_documents_and_a_valid_chain(installation, settings, tmp_path):
    documents = _documents()
    pdf = Path(installation.approved_pdf.path).read_bytes()
    chain = audit_verify()
    backup_create(directory=tmp_path / "backup")
    _drop(settings, tmp_path)

    result = backup_restore(directory=tmp_path / "backup")

    assert result.ok is True
    assert _documents() == documents
    assert LogEntry.objects.get().content_type.model_class() is Report
    restored = Report.objects.get(pk=installation.pk)
    assert (restored.status, restored.approved_digest) == (Status.APPROVED, installation.approved_digest)
    assert Path(restored.approved_pdf.path).read_bytes() == pdf
    after = audit_verify()
    assert after.ok is True
    events = list(AuditEvent.objects.order_by("id").values_list("event", "hash"))
    assert (len(events), events[chain.count - 1]) == (chain.count + 1, (Event.LOGIN, chain.head_hash))
    assert events[-1][0] == Event.RESTORE  # the BACKUP event came after the snapshot, so it is not restored
    assert backup_verify(directory=tmp_path / "backup").ok is True


def test_restored_audit_rows_keep_their_hashes_and_users(installation, settings, tmp_path):
    before = list(AuditEvent.objects.order_by("id").values_list("id", "hash", "prev_hash", "user_id", "at"))
    users = list(User.objects.order_by("pk").values_list("pk", "username", "password", "password_changed_at"))
    backup_create(directory=tmp_path / "backup")
    _drop(settings, tmp_path)

    backup_restore(directory=tmp_path / "backup")

    after = list(AuditEvent.objects.order_by("id").values_list("id", "hash", "prev_hash", "user_id", "at"))
    assert after[: len(before)] == before
    assert [row[2] for row in after[len(before):]] == [before[-1][1]]  # the RESTORE event continues the chain
    assert list(User.objects.order_by("pk").values_list("pk", "username", "password", "password_changed_at")) == users


def test_restore_refuses_an_installation_that_has_data(installation, tmp_path):
    backup_create(directory=tmp_path / "backup")

    with pytest.raises(CommandError) as raised:
        call_command("backup_restore", str(tmp_path / "backup"))

    message = str(raised.value)
    assert message.startswith("只能恢复到空的安装（已执行 migrate、没有任何数据和文件）。本安装已有数据：")
    assert "reports.report" in message and "audit.auditevent" in message
    assert message.endswith(f"；已有文件 1 个（{installation.approved_pdf.storage.location}）")


def test_restore_refuses_stored_files_even_with_an_empty_database(installation, settings, tmp_path):
    backup_create(directory=tmp_path / "backup")
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(BackupError) as raised:
        backup_restore(directory=tmp_path / "backup")

    assert raised.value.problems == [
        f"只能恢复到空的安装（已执行 migrate、没有任何数据和文件）。本安装已有数据：无；已有文件 1 个（{settings.MEDIA_ROOT}）"
    ]
    assert Report.objects.count() == 0


def _corrupt(path):
    data = path.read_bytes()
    path.write_bytes(data.replace(b"106019", b"106018", 1))


def test_verify_names_a_database_file_whose_checksum_does_not_match(installation, tmp_path):
    backup_create(directory=tmp_path / "backup")
    _corrupt(tmp_path / "backup" / "db" / "reports.report.jsonl")

    with pytest.raises(CommandError) as raised:
        call_command("backup_verify", str(tmp_path / "backup"), "--backup-only")

    assert str(raised.value) == "备份校验失败：\n备份文件校验和不符（文件已损坏或被修改）：db/reports.report.jsonl"


def test_verify_names_a_missing_and_an_extra_file(installation, tmp_path):
    backup_create(directory=tmp_path / "backup")
    pdf = f"media/{installation.approved_pdf.name}"
    (tmp_path / "backup" / pdf).unlink()
    (tmp_path / "backup" / "notes.txt").write_text("?")

    result = backup_verify(directory=tmp_path / "backup", installation=False)

    assert result.problems == [f"备份文件缺失：{pdf}", "备份中有清单未列出的文件：notes.txt"]


def test_restore_refuses_a_corrupt_backup_and_writes_nothing(installation, settings, tmp_path):
    backup_create(directory=tmp_path / "backup")
    _corrupt(tmp_path / "backup" / "db" / "reports.report.jsonl")
    _drop(settings, tmp_path)

    with pytest.raises(CommandError) as raised:
        call_command("backup_restore", str(tmp_path / "backup"))

    assert str(raised.value) == (
        "备份文件校验失败，未恢复任何内容。\n备份文件校验和不符（文件已损坏或被修改）：db/reports.report.jsonl"
    )
    assert (Report.objects.count(), AuditEvent.objects.count()) == (0, 0)
    assert not Path(settings.MEDIA_ROOT).exists()


def test_verify_after_restore_names_a_changed_archived_pdf(installation, settings, tmp_path):
    backup_create(directory=tmp_path / "backup")
    _drop(settings, tmp_path)
    backup_restore(directory=tmp_path / "backup")
    archived = Path(settings.MEDIA_ROOT) / installation.approved_pdf.name
    archived.write_bytes(archived.read_bytes() + b"%")

    with pytest.raises(CommandError) as raised:
        call_command("backup_verify", str(tmp_path / "backup"))

    assert str(raised.value) == "\n".join([
        "备份校验失败：",
        f"{installation.pk}号报告“2021年度 岳阳市岳阳楼区融媒体中心”的审定版PDF校验和不符：{archived}",
        f"存储文件校验和不符：{archived}",
    ])


def test_verify_after_restore_finds_a_changed_approved_snapshot(installation, settings, tmp_path):
    backup_create(directory=tmp_path / "backup")
    _drop(settings, tmp_path)
    backup_restore(directory=tmp_path / "backup")
    snapshot = Report.objects.get(pk=installation.pk).approved_snapshot
    snapshot["cover"]["issuer"] = "改过的机关（制）"
    Report.objects.filter(pk=installation.pk).update(approved_snapshot=snapshot)

    result = backup_verify(directory=tmp_path / "backup")

    assert result.problems == [f"{installation.pk}号报告“2021年度 岳阳市岳阳楼区融媒体中心”的审定内容与其摘要不符。"]


def test_create_refuses_a_directory_that_is_not_empty(db, media, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old.txt").write_text("x")

    with pytest.raises(CommandError) as raised:
        call_command("backup_create", str(tmp_path / "backup"))

    assert str(raised.value) == f"备份目录 {tmp_path / 'backup'} 已存在且不是空目录，请指定新的目录。"


def test_create_writes_a_manifest_with_counts_and_checksums(db, media, tmp_path):
    demo_load()

    call_command("backup_create", str(tmp_path / "backup"), stdout=open("/dev/null", "w"))  # noqa: SIM115

    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text(encoding="utf-8"))
    counts = {m["model"]: m["count"] for m in manifest["models"]}
    assert (counts["reports.report"], counts["accounts.user"], counts["departments.department"]) == (2, 8, 2)
    assert "contenttypes.contenttype" not in counts and "sessions.session" not in counts
    assert sorted(manifest["files"]) == sorted(m["file"] for m in manifest["models"])
    order = [m["model"] for m in manifest["models"]]
    assert order.index("accounts.user") < order.index("departments.membership") < order.index("reports.report")
    assert backup_verify(directory=tmp_path / "backup", installation=False).ok is True


@POSTGRES_ONLY
def test_round_trip_on_postgresql_resets_sequences_and_keeps_the_append_only_trigger(installation, settings, tmp_path):
    from django.db import DatabaseError, transaction

    manifest = backup_create(directory=tmp_path / "backup")
    last_task = Task.objects.order_by("-pk").first()
    _drop(settings, tmp_path)
    backup_restore(directory=tmp_path / "backup")

    task = Task.objects.create(report_id=last_task.report_id, text="恢复后新增")
    event = audit_record(event=Event.LOGIN, username="after-restore")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET username = 'x' WHERE id = %s", [manifest["audit"]["head_id"]])

    assert (task.pk, event.pk) == (last_task.pk + 1, manifest["audit"]["head_id"] + 2)  # +1 is the RESTORE event
    assert audit_verify().ok is True


def test_every_backup_file_is_readable_by_the_owner_only(installation, tmp_path):
    import stat

    backup_create(directory=tmp_path / "backup")

    modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "backup").rglob("*") if p.is_file()}
    directories = {stat.S_IMODE(p.stat().st_mode) for p in [tmp_path / "backup", *(tmp_path / "backup").rglob("*")]
                   if p.is_dir()}
    assert (modes, directories) == ({0o600}, {0o700})
