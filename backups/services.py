"""Backing up, restoring and verifying a whole installation: the database and MEDIA_ROOT.

backup_create writes a consistent snapshot of every model (one transaction, REPEATABLE READ on
PostgreSQL) and a copy of the stored files, with a SHA-256 per file in manifest.json, which it signs
(HMAC, BACKUP_HMAC_KEYS); with `encrypt`, every file is AES-256-GCM encrypted (backups.crypto).
backup_restore loads it into an empty installation (migrated, no data, no stored files) as one
transaction, rows and audit hashes exactly as they were. backup_verify checks a backup's files
and, by default, that the installation holds what the backup holds.
"""
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.models import AuditEvent
from audit.services import audit_record, audit_verify
from backups import crypto
from backups.dump import dumped_models, file_name, model_dump, model_load
from backups.manifest import (
    FORMAT_NAME,
    FORMAT_VERSION,
    BackupError,
    file_sha256,
    files_problems,
    files_under,
    manifest_read,
    manifest_sign,
    manifest_write,
)
from backups.store import BackupReader, BackupWriter
from evidence.models import Evidence
from reports.approval import document_digest
from reports.enums import Status
from reports.models import Report

MEDIA_PREFIX = "media/"


def _media_root():
    return Path(settings.MEDIA_ROOT)


def _applied_migrations(using):
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connections[using]).applied_migrations())


def _snapshot(using):
    """Open the dump's transaction: one consistent, read-only view of the database."""
    connection = connections[using]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _audit_head(using):
    head = AuditEvent.objects.using(using).order_by("-id").values("id", "hash").first()
    count = AuditEvent.objects.using(using).count()
    return {"count": count, "head_id": head["id"] if head else None, "head_hash": head["hash"] if head else ""}


def backup_create(*, directory, encrypt=False, using=DEFAULT_DB_ALIAS):
    """Write a backup of the database and MEDIA_ROOT to `directory` (which must not exist or be empty).

    Dumps every model in one transaction, then copies the stored files (with `encrypt`, each file
    encrypted with BACKUP_ENCRYPTION_KEY as it is written, so no plaintext reaches the disk); signs
    the manifest with the first of BACKUP_HMAC_KEYS. The backup is built in a temporary sibling
    directory and renamed into place only when complete. Records a BACKUP audit event (after the
    snapshot, so it is not part of it). Returns the manifest.
    """
    key = crypto.configured_key() if encrypt else None
    if encrypt and key is None:
        raise BackupError(_("要加密备份，请先设置 BACKUP_ENCRYPTION_KEY（base64 编码的 32 字节随机密钥）。"))
    target = Path(directory).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(_("备份目录 %(path)s 已存在且不是空目录，请指定新的目录。") % {"path": target})
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        manifest = _write_backup(BackupWriter(work, key=key), using)
        _make_private(work)
        if target.exists():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    audit_record(event=Event.BACKUP, username="manage.py backup_create", detail=json.dumps({
        "directory": str(target), "rows": sum(m["count"] for m in manifest["models"]),
        "files": len(manifest["files"]), "audit_head_hash": manifest["audit"]["head_hash"],
        "encrypted": key is not None, "signed_with": manifest["signed_with"],
    }, ensure_ascii=False, sort_keys=True))
    return manifest


def _make_private(root):
    """Files 0600, directories 0700: a backup holds every password hash and report (written inside mkdtemp's
    0700 directory, so nobody else could read them before this either)."""
    root.chmod(0o700)
    for path in root.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def _write_backup(writer, using):
    files, models = {}, []
    with transaction.atomic(using=using):
        _snapshot(using)
        created_at = timezone.now()
        for model in dumped_models():
            name = file_name(model)
            with writer.open_text(name) as handle:
                count = model_dump(model, handle, using=using)
            models.append({"model": model._meta.label_lower, "file": name, "count": count})
        audit = _audit_head(using)
        approved = list(
            Report.objects.using(using).filter(status=Status.APPROVED).order_by("pk")
            .values("pk", "approved_digest", "approved_pdf")
        )
        migrations = _applied_migrations(using)
        vendor = connections[using].vendor
    for name in (m["file"] for m in models):
        files[name] = writer.entry(name)
    for relative in files_under(_media_root()):
        name = MEDIA_PREFIX + relative
        writer.copy_in(_media_root() / relative, name)
        files[name] = writer.entry(name)
    manifest = {
        "format": FORMAT_NAME, "version": FORMAT_VERSION, "created_at": created_at.isoformat(),
        "database_vendor": vendor, "migrations": migrations, "models": models, "audit": audit,
        "approved_reports": [
            {"id": r["pk"], "digest": r["approved_digest"], "pdf": r["approved_pdf"] or ""} for r in approved
        ],
        "files": files, "encryption": writer.encryption(),
    }
    manifest_write(writer.work, manifest_sign(manifest))
    return manifest


# --- Restore -------------------------------------------------------------------------------
def _installation_contents(using):
    """What makes an installation non-empty: tables with rows, and stored files."""
    tables = [
        model._meta.label_lower for model in dumped_models() if model._base_manager.using(using).exists()
    ]
    return tables, files_under(_media_root())


def backup_restore(*, directory, using=DEFAULT_DB_ALIAS):
    """Load the backup in `directory` into this empty installation and return the verification result.

    Refuses (BackupError, nothing changed) a backup whose manifest signature does not verify, whose
    files fail their checksums (also while they are read), an encrypted one without its key, one made
    at another migration state, and an installation that holds any data or stored file. Inserts every
    row with its primary key in one transaction (audit rows as they were, so their hashes and the
    chain are unchanged), resets PostgreSQL's sequences, copies the stored files, appends a RESTORE
    audit event and verifies the result; on any failure the transaction and the copied files are
    undone.
    """
    directory = Path(directory)
    manifest = manifest_read(directory)
    reader = BackupReader(directory, manifest)
    if reader.encrypted:
        reader.key()
    problems = files_problems(directory, manifest)
    if problems:
        raise BackupError([_("备份文件校验失败，未恢复任何内容。"), *problems])
    here = _applied_migrations(using)
    if here != manifest["migrations"]:
        missing = sorted(set(manifest["migrations"]) - set(here))
        extra = sorted(set(here) - set(manifest["migrations"]))
        raise BackupError(_(
            "备份时的数据库结构与本安装不同（缺少迁移：%(missing)s；多出迁移：%(extra)s）。"
            "请先用与备份时相同版本的程序恢复，再升级。") % {
            "missing": "、".join(missing) or "无", "extra": "、".join(extra) or "无"})
    tables, stored = _installation_contents(using)
    if tables or stored:
        raise BackupError(_(
            "只能恢复到空的安装（已执行 migrate、没有任何数据和文件）。本安装已有数据：%(tables)s%(files)s") % {
            "tables": "、".join(tables) or "无",
            "files": _("；已有文件 %(count)s 个（%(root)s）") % {"count": len(stored), "root": _media_root()}
            if stored else ""})
    copied = []
    try:
        with transaction.atomic(using=using):
            for entry in manifest["models"]:
                with reader.open_text(entry["file"]) as handle:
                    loaded = model_load(handle, using=using)
                if loaded != entry["count"]:
                    raise BackupError(_("%(file)s 有 %(loaded)s 行，清单记载 %(count)s 行。") % {
                        "file": entry["file"], "loaded": loaded, "count": entry["count"]})
            _reset_sequences(using)
            for name in sorted(manifest["files"]):
                if not name.startswith(MEDIA_PREFIX):
                    continue
                destination = _media_root() / name[len(MEDIA_PREFIX):]
                copied.append(destination)
                reader.copy_out(name, destination)
            audit_record(event=Event.RESTORE, username="manage.py backup_restore", detail=json.dumps({
                "directory": str(directory.resolve()), "created_at": manifest["created_at"],
                "audit_head_hash": manifest["audit"]["head_hash"],
            }, ensure_ascii=False, sort_keys=True))
            result = _verify(reader, using=using, check_files=False, installation=True)
            if not result.ok:
                raise BackupError([_("恢复后的校验未通过，已撤销恢复。"), *result.problems])
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)
        raise
    return result


def _reset_sequences(using):
    """After INSERTs with explicit keys, move PostgreSQL's sequences past the largest key."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), dumped_models())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- Verify --------------------------------------------------------------------------------
@dataclass
class VerifyResult:
    problems: list = field(default_factory=list)
    checked: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.problems


def backup_verify(*, directory, using=DEFAULT_DB_ALIAS, check_files=True, installation=True):
    """Check a backup and (with `installation`) that this installation holds what it holds.

    The backup: its manifest signed with a key of BACKUP_HMAC_KEYS (else BackupError), every file
    present with its manifest SHA-256, nothing unlisted. An encrypted backup's installation checks
    decrypt its files (BACKUP_ENCRYPTION_KEY); its files alone are checked without the key. The installation:
    the row count of every model; every approved report's snapshot digest and archived PDF (present
    in MEDIA_ROOT with the manifest's checksum); the audit chain (audit_verify), whose first rows
    must be the backup's (later ones, such as the RESTORE event, may follow); every stored file.
    Changes nothing. Returns a VerifyResult listing each problem in Chinese, naming its file or row.
    """
    directory = Path(directory)
    reader = BackupReader(directory, manifest_read(directory))
    if installation and reader.encrypted:
        reader.key()
    return _verify(reader, using=using, check_files=check_files, installation=installation)


def _verify(reader, *, using, check_files, installation):
    manifest = reader.manifest
    result = VerifyResult()
    if check_files:
        result.problems += files_problems(reader.directory, manifest)
        result.checked["files"] = len(manifest["files"])
    if installation:
        result.problems += _count_problems(manifest, using)
        result.problems += _audit_problems(manifest, using)
        result.problems += _approved_problems(reader, using, result)
        result.problems += _evidence_problems(reader, using, result)
        result.problems += _media_problems(reader, result)
        result.checked["rows"] = sum(m["count"] for m in manifest["models"])
    return result


def _content_sha256(reader, name, problems):
    """The SHA-256 of a backup file's content, or None (the reason added to `problems`) when it cannot be read."""
    try:
        return reader.content_sha256(name)
    except BackupError as error:
        problems.extend(p for p in error.problems if p not in problems)
        return None


def _count_problems(manifest, using):
    problems = []
    for entry in manifest["models"]:
        if entry["model"] == AuditEvent._meta.label_lower:
            continue  # checked with the chain: new events may follow the restored ones
        model = apps.get_model(entry["model"])
        count = model._base_manager.using(using).count()
        if count != entry["count"]:
            problems.append(_("%(model)s（%(label)s）有 %(count)s 行，备份中有 %(expected)s 行。") % {
                "model": model._meta.verbose_name, "label": entry["model"], "count": count,
                "expected": entry["count"]})
    return problems


def _audit_problems(manifest, using):
    # The chain only: anchors written after the backup was made name the rows a restore loses, which is
    # what a restore does; verify_audit reports them afterwards.
    check = audit_verify(anchors=[])
    if not check.ok:
        return [_("审计日志校验失败：第 %(id)s 号记录，%(problem)s") % {"id": check.bad_id, "problem": check.problem}]
    expected = manifest["audit"]
    events = AuditEvent.objects.using(using)
    head = events.filter(pk=expected["head_id"]).values_list("hash", flat=True).first() if expected["head_id"] else ""
    upto = events.filter(pk__lte=expected["head_id"]).count() if expected["head_id"] else 0
    if (head or "") != expected["head_hash"] or upto != expected["count"]:
        return [_("审计日志与备份不符：备份有 %(count)s 条、链尾哈希 %(hash)s。") % {
            "count": expected["count"], "hash": expected["head_hash"] or "（无）"}]
    return []


def _approved_problems(reader, using, result):
    problems, files = [], reader.manifest["files"]
    approved = Report.objects.using(using).filter(status=Status.APPROVED).select_related(
        "evaluation_year", "department").order_by("pk")
    for report in approved:
        name = f"{report.pk}号报告“{report}”"
        if document_digest(report.approved_snapshot) != report.approved_digest:
            problems.append(_("%(report)s的审定内容与其摘要不符。") % {"report": name})
        if not report.approved_pdf:
            continue
        listed = files.get(MEDIA_PREFIX + report.approved_pdf.name)
        path = _media_root() / report.approved_pdf.name
        if listed is None:
            problems.append(_("%(report)s的审定版PDF不在备份中：%(file)s") % {
                "report": name, "file": report.approved_pdf.name})
        elif not path.is_file():
            problems.append(_("%(report)s的审定版PDF缺失：%(file)s") % {"report": name, "file": path})
        elif (content := _content_sha256(reader, MEDIA_PREFIX + report.approved_pdf.name, problems)) is None:
            continue
        elif file_sha256(path) != content:
            problems.append(_("%(report)s的审定版PDF校验和不符：%(file)s") % {"report": name, "file": path})
    result.checked["approved_reports"] = len(approved)
    return problems


def _evidence_problems(reader, using, result):
    """Every evidence file (current or removed: the history keeps both) listed in the backup and present in
    MEDIA_ROOT with the SHA-256 its row recorded when it was uploaded."""
    problems, files, count = [], reader.manifest["files"], 0
    rows = Evidence.objects.using(using).order_by("pk").values_list("report_id", "name", "file", "sha256")
    for report_id, name, stored, sha256 in rows.iterator(chunk_size=500):
        count += 1
        label = _("%(report)s号报告的佐证材料“%(name)s”（%(file)s）") % {"report": report_id, "name": name, "file": stored}
        listed = files.get(MEDIA_PREFIX + stored)
        path = _media_root() / stored
        if listed is None:
            problems.append(_("%(evidence)s不在备份中。") % {"evidence": label})
        elif (content := _content_sha256(reader, MEDIA_PREFIX + stored, problems)) is not None and content != sha256:
            problems.append(_("%(evidence)s在备份中的校验和与上传时不符。") % {"evidence": label})
        if not path.is_file():
            problems.append(_("%(evidence)s缺失。") % {"evidence": label})
        elif file_sha256(path) != sha256:
            problems.append(_("%(evidence)s的校验和与上传时不符（文件已损坏或被修改）。") % {"evidence": label})
    result.checked["evidence_files"] = count
    return problems


def _media_problems(reader, result):
    problems, count = [], 0
    for name in sorted(reader.manifest["files"]):
        if not name.startswith(MEDIA_PREFIX):
            continue
        count += 1
        path = _media_root() / name[len(MEDIA_PREFIX):]
        if not path.is_file():
            problems.append(_("存储文件缺失：%(file)s") % {"file": path})
        elif (content := _content_sha256(reader, name, problems)) is not None and file_sha256(path) != content:
            problems.append(_("存储文件校验和不符：%(file)s") % {"file": path})
    result.checked["media_files"] = count
    return problems
