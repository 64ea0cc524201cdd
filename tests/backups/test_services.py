"""backup_create → drop → backup_restore → backup_verify, on SQLite and PostgreSQL, and the refusals."""
import base64
import hashlib
import json
import os
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
from backups import crypto
from backups.manifest import MANIFEST, BackupError, files_problems, files_under, manifest_sign
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
    assert (counts["reports.report"], counts["accounts.user"], counts["departments.department"]) == (2, 9, 2)
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


# --- The signed manifest (issue 12) ----------------------------------------------------------------------------
REFUSED = "未校验或恢复任何内容。"
BAD_SIGNATURE = "备份清单的签名不符：清单在备份后被修改过，或 BACKUP_HMAC_KEYS 中的密钥“test-2026”与备份时不同。"


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(backup):
    return json.loads((backup / MANIFEST).read_text(encoding="utf-8"))


def _write_manifest(backup, manifest):
    (backup / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")


def _make_superuser_and_recompute_the_checksum(backup, username):
    """The issue's attack: edit the dumped user into a superuser and put the file's new SHA-256 in the manifest."""
    path = backup / "db" / "accounts.user.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        if row["fields"]["username"] == username:
            row["fields"]["is_superuser"] = row["fields"]["is_staff"] = True
    path.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows), encoding="utf-8")
    manifest = _read_manifest(backup)
    manifest["files"]["db/accounts.user.jsonl"] = {"sha256": _sha256(path), "size": path.stat().st_size}
    _write_manifest(backup, manifest)
    return manifest


def test_the_issue_attack_a_user_made_superuser_with_its_checksum_recomputed_is_refused(installation, settings,
                                                                                      tmp_path):
    backup = tmp_path / "backup"
    backup_create(directory=backup)
    manifest = _make_superuser_and_recompute_the_checksum(backup, "clerk")
    _drop(settings, tmp_path)

    with pytest.raises(CommandError) as verified:
        call_command("backup_verify", str(backup), "--backup-only")
    with pytest.raises(CommandError) as restored:
        call_command("backup_restore", str(backup))

    assert files_problems(backup, manifest) == []  # every checksum matches: only the signature tells
    assert str(verified.value) == str(restored.value) == f"{BAD_SIGNATURE}\n{REFUSED}"
    assert (User.objects.count(), Report.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)
    assert not Path(settings.MEDIA_ROOT).exists()


def test_verify_refuses_a_manifest_whose_signature_was_removed(installation, tmp_path):
    backup_create(directory=tmp_path / "backup")
    manifest = _make_superuser_and_recompute_the_checksum(tmp_path / "backup", "clerk")
    del manifest["signature"], manifest["signed_with"]
    _write_manifest(tmp_path / "backup", manifest)

    with pytest.raises(BackupError) as raised:
        backup_verify(directory=tmp_path / "backup", installation=False)

    assert raised.value.problems == ["备份清单没有签名，无法确认备份未被修改。", REFUSED]


def test_restore_refuses_a_backup_with_a_deleted_file_or_an_added_one(installation, settings, tmp_path):
    backup = tmp_path / "backup"
    backup_create(directory=backup)
    (backup / "db" / "departments.membership.jsonl").unlink()
    (backup / "db" / "accounts.user.extra.jsonl").write_text("{}\n")
    _drop(settings, tmp_path)

    with pytest.raises(CommandError) as raised:
        call_command("backup_restore", str(backup))

    assert str(raised.value) == "\n".join([
        "备份文件校验失败，未恢复任何内容。", "备份文件缺失：db/departments.membership.jsonl",
        "备份中有清单未列出的文件：db/accounts.user.extra.jsonl",
    ])
    assert User.objects.count() == 0


def test_an_old_key_id_still_verifies_after_rotation_and_new_backups_use_the_new_key(installation, settings, tmp_path):
    settings.BACKUP_HMAC_KEYS = {"2026a": "a" * 40}
    backup_create(directory=tmp_path / "old")
    settings.BACKUP_HMAC_KEYS = {"2026b": "b" * 40, "2026a": "a" * 40}

    new = backup_create(directory=tmp_path / "new")

    assert backup_verify(directory=tmp_path / "old", installation=False).ok is True
    assert (new["signed_with"], backup_verify(directory=tmp_path / "new", installation=False).ok) == ("2026b", True)


def test_a_backup_signed_with_a_key_no_longer_configured_is_refused(installation, settings, tmp_path):
    settings.BACKUP_HMAC_KEYS = {"2026a": "a" * 40}
    backup_create(directory=tmp_path / "backup")
    settings.BACKUP_HMAC_KEYS = {"2026c": "c" * 40, "2026b": "b" * 40}

    with pytest.raises(CommandError) as raised:
        call_command("backup_verify", str(tmp_path / "backup"), "--backup-only")

    assert str(raised.value) == (
        f"备份清单由密钥“2026a”签名，本安装的 BACKUP_HMAC_KEYS 中没有这个密钥（现有：2026c、2026b）。\n{REFUSED}"
    )


def test_a_key_id_whose_key_changed_does_not_verify(installation, settings, tmp_path):
    backup_create(directory=tmp_path / "backup")
    settings.BACKUP_HMAC_KEYS = {"test-2026": "another-key-under-the-same-id-0123456789"}

    with pytest.raises(BackupError) as raised:
        backup_verify(directory=tmp_path / "backup", installation=False)

    assert raised.value.problems == [BAD_SIGNATURE, REFUSED]


def test_an_unsigned_version_1_backup_is_refused(installation, tmp_path):
    backup_create(directory=tmp_path / "backup")
    manifest = _read_manifest(tmp_path / "backup")
    manifest["version"] = 1
    del manifest["signature"], manifest["signed_with"], manifest["encryption"]
    _write_manifest(tmp_path / "backup", manifest)

    with pytest.raises(BackupError) as raised:
        backup_restore(directory=tmp_path / "backup")

    assert raised.value.problems == ["此备份为旧格式（版本 1），清单没有签名，无法确认未被修改，不能校验或恢复。"]


# --- Encrypted backups ----------------------------------------------------------------------------------------
KEY = base64.b64encode(bytes(range(32))).decode()
OTHER_KEY = base64.b64encode(bytes(range(1, 33))).decode()


@pytest.fixture
def big_media_file(installation, settings):
    """A stored file of three encryption chunks (1 MiB each, the last one shorter)."""
    path = Path(settings.MEDIA_ROOT) / "jobs" / "big.bin"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(2 * crypto.CHUNK + 1000))
    return path


def test_an_encrypted_backup_restores_to_the_same_data_and_files(big_media_file, installation, settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEY = KEY
    documents = _documents()
    users = list(User.objects.order_by("pk").values_list("pk", "username", "password", "is_superuser"))
    pdf = Path(installation.approved_pdf.path).read_bytes()
    big = big_media_file.read_bytes()
    backup_create(directory=tmp_path / "plain")
    manifest = backup_create(directory=tmp_path / "backup", encrypt=True)
    plain, stored = (b"".join(p.read_bytes() for p in (tmp_path / name).rglob("*") if p.is_file() and p.name != MANIFEST)
                     for name in ("plain", "backup"))
    _drop(settings, tmp_path)

    result = backup_restore(directory=tmp_path / "backup")

    assert manifest["encryption"] == {"algorithm": crypto.ALGORITHM, "chunk_bytes": crypto.CHUNK,
                                      "key_check": crypto.key_check(bytes(range(32)))}
    markers = (b"106019", b"%PDF", big[:64], b'"password": "md5$')
    assert ([m in plain for m in markers], [m in stored for m in markers]) == ([True] * 4, [False] * 4)
    assert result.ok is True
    assert _documents() == documents
    assert list(User.objects.order_by("pk").values_list("pk", "username", "password", "is_superuser")) == users
    assert Path(Report.objects.get(pk=installation.pk).approved_pdf.path).read_bytes() == pdf
    assert (Path(settings.MEDIA_ROOT) / "jobs" / "big.bin").read_bytes() == big
    assert backup_verify(directory=tmp_path / "backup").ok is True


def test_an_encrypted_backup_files_check_needs_the_signing_key_only(installation, settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEY = KEY
    backup_create(directory=tmp_path / "backup", encrypt=True)
    settings.BACKUP_ENCRYPTION_KEY = ""

    result = backup_verify(directory=tmp_path / "backup", installation=False)

    assert result.ok is True


def test_create_encrypt_without_a_key_is_refused(installation, tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("backup_create", str(tmp_path / "backup"), "--encrypt")

    assert str(raised.value) == "要加密备份，请先设置 BACKUP_ENCRYPTION_KEY（base64 编码的 32 字节随机密钥）。"
    assert not (tmp_path / "backup").exists()


@pytest.mark.parametrize(("key", "message"), [
    ("", "此备份已加密（AES-256-GCM）：请设置备份时使用的 BACKUP_ENCRYPTION_KEY 后再校验或恢复。"),
    (OTHER_KEY, "BACKUP_ENCRYPTION_KEY 不是加密此备份时使用的密钥，无法解密。"),
    ("c2hvcnQ=", "BACKUP_ENCRYPTION_KEY 不是 base64 编码的 32 字节密钥（可用 python -c \"import base64, os; "
                 "print(base64.b64encode(os.urandom(32)).decode())\" 生成）。"),
], ids=["missing", "wrong", "malformed"])
def test_restore_and_verify_of_an_encrypted_backup_refuse_a_missing_or_wrong_key(installation, settings, tmp_path,
                                                                                  key, message):
    settings.BACKUP_ENCRYPTION_KEY = KEY
    backup_create(directory=tmp_path / "backup", encrypt=True)
    _drop(settings, tmp_path)
    settings.BACKUP_ENCRYPTION_KEY = key

    with pytest.raises(CommandError) as restored:
        call_command("backup_restore", str(tmp_path / "backup"))
    with pytest.raises(CommandError) as verified:
        call_command("backup_verify", str(tmp_path / "backup"))

    assert str(restored.value) == str(verified.value) == message
    assert (User.objects.count(), AuditEvent.objects.count()) == (0, 0)
    assert not Path(settings.MEDIA_ROOT).exists()


def _chunks(path):
    data = path.read_bytes()
    head, body = data[:len(crypto.MAGIC) + crypto.SALT_BYTES], data[len(crypto.MAGIC) + crypto.SALT_BYTES:]
    size = crypto.CHUNK + crypto.TAG_BYTES
    return head, [body[i:i + size] for i in range(0, len(body), size)]


@pytest.mark.parametrize(("change", "chunk"), [
    (lambda chunks: [chunks[1], chunks[0], chunks[2]], 1),
    (lambda chunks: chunks[:2], 2),
    (lambda chunks: [chunks[0], chunks[2]], 2),
    (lambda chunks: [*chunks, chunks[2]], 3),
], ids=["reordered", "truncated-at-a-chunk", "chunk-removed", "chunk-repeated"])
def test_restore_refuses_a_changed_encrypted_file_even_with_a_re_signed_manifest(big_media_file, settings, tmp_path,
                                                                                 change, chunk):
    """Someone holding the signing key but not the encryption key rearranges a file's chunks and re-signs."""
    settings.BACKUP_ENCRYPTION_KEY = KEY
    backup = tmp_path / "backup"
    backup_create(directory=backup, encrypt=True)
    path = backup / "media" / "jobs" / "big.bin"
    head, chunks = _chunks(path)
    assert len(chunks) == 3
    path.write_bytes(head + b"".join(change(chunks)))
    manifest = _read_manifest(backup)
    manifest["files"]["media/jobs/big.bin"] = {"sha256": _sha256(path), "size": path.stat().st_size}
    _write_manifest(backup, manifest_sign(manifest))
    _drop(settings, tmp_path)

    with pytest.raises(CommandError) as raised:
        call_command("backup_restore", str(backup))

    assert str(raised.value) == (
        f"加密的备份文件 media/jobs/big.bin 第 {chunk} 块无法解密：文件被截断、重排或修改，或密钥不对。"
    )
    assert (User.objects.count(), Report.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)
    assert files_under(settings.MEDIA_ROOT) == []


def test_an_encrypted_file_put_in_place_of_another_does_not_decrypt(installation, settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEY = KEY
    backup = tmp_path / "backup"
    backup_create(directory=backup, encrypt=True)
    users, members = backup / "db" / "accounts.user.jsonl", backup / "db" / "departments.membership.jsonl"
    users.write_bytes(members.read_bytes())
    manifest = _read_manifest(backup)
    manifest["files"]["db/accounts.user.jsonl"] = manifest["files"]["db/departments.membership.jsonl"]
    _write_manifest(backup, manifest_sign(manifest))
    _drop(settings, tmp_path)

    with pytest.raises(BackupError) as raised:
        backup_restore(directory=backup)

    assert raised.value.problems == [
        "加密的备份文件 db/accounts.user.jsonl 第 1 块无法解密：文件被截断、重排或修改，或密钥不对。"]
    assert User.objects.count() == 0
