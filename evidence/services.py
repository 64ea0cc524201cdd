"""Adding and removing evidence: each one transaction on the locked report, recorded in its history
(a ReportEdit of section "evidence") and in the audit log.

Only the report's clerk, while it is 草稿, may change its files: an approved (or submitted) report's
evidence is frozen with it. Removing keeps the stored bytes (Evidence.removed_at), so the history and
an approved version a report was reopened from keep theirs. Files do not move Report.revision: they do
not conflict with a section someone is editing, and submit re-checks the requirements under the lock.
"""
import hashlib
import tempfile
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.services import audit_record
from evidence.detect import CHUNK, detect
from evidence.models import Evidence
from evidence.names import safe_filename
from evidence.selectors import report_evidence_bytes
from reports.history import edit_recorded
from reports.models import Report

HISTORY_SECTION = "evidence"


def megabytes(size):
    """A byte count as people read a limit: 50 MB, 0.5 MB."""
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


@contextmanager
def _local_path(upload):
    """A path holding the upload's bytes: its temporary file, or a chunked copy of an in-memory one."""
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        yield path()
        return
    with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, suffix=".upload") as copy:
        upload.seek(0)
        for chunk in upload.chunks(CHUNK):
            copy.write(chunk)
        copy.flush()
        yield copy.name


def _sha256(upload):
    known = getattr(upload, "sha256", None)
    if known:
        return known
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _lock(report, by):
    locked = Report.objects.select_for_update().select_related("department", "evaluation_year").get(pk=report.pk)
    if not by.has_perm("evidence.change_evidence", locked):
        raise PermissionDenied(_("这份报告当前不能修改佐证材料。"))
    return locked


def evidence_check_upload(upload):
    """The FileKind of an upload within the per-file limit; ValidationError({"file": …}) otherwise."""
    limit = settings.EVIDENCE_MAX_FILE_BYTES
    if getattr(upload, "too_large", False) or upload.size > limit:
        raise ValidationError({"file": _("文件超过大小上限：每个文件不超过%(limit)s。") % {"limit": megabytes(limit)}})
    with _local_path(upload) as path:
        return detect(path)


def evidence_add(*, report, place, upload, description="", by):
    """Attach `upload` to `place` (an evidence.selectors.PlaceRef) of `report` as user `by`.

    Checks the type from the content and the per-file and per-report limits, stores the bytes under a
    random name, writes the Evidence row with its SHA-256, a ReportEdit and an audit event, in one
    transaction on the locked report (the stored file is deleted again if that fails). Returns the
    Evidence. Raises PermissionDenied, or ValidationError naming the field ("file", "description").
    """
    if not by.has_perm("evidence.change_evidence", report):
        raise PermissionDenied(_("这份报告当前不能修改佐证材料。"))
    kind = evidence_check_upload(upload)
    description = (description or "").strip()
    if len(description) > Evidence._meta.get_field("description").max_length:
        raise ValidationError({"description": _("说明不超过200字。")})
    sha256 = _sha256(upload)
    evidence = None
    try:
        with transaction.atomic():
            locked = _lock(report, by)
            limit = settings.EVIDENCE_MAX_REPORT_BYTES
            if report_evidence_bytes(locked) + upload.size > limit:
                raise ValidationError({"file": _(
                    "本报告的佐证材料合计不超过%(limit)s，已用%(used)s，这个文件放不下。请删除不需要的文件或压缩后再上传。") % {
                    "limit": megabytes(limit), "used": megabytes(report_evidence_bytes(locked))}})
            evidence = Evidence(
                report=locked, **place.filter(), name=safe_filename(upload.name, kind.extension),
                description=description, kind=kind.key, size=upload.size, sha256=sha256, uploaded_by=by,
            )
            upload.seek(0)
            evidence.file.save("evidence", upload, save=False)
            with edit_recorded(report=locked, by=by, section=HISTORY_SECTION, revision=locked.revision):
                evidence.save()
            audit_record(event=Event.REPORT_EDIT, user=by, obj=locked, detail=_(
                "上传佐证材料：%(place)s · %(name)s（%(size)s字节，SHA-256 %(sha)s）") % {
                "place": place.label, "name": evidence.name, "size": evidence.size, "sha": sha256})
    except BaseException:
        if evidence is not None and evidence.file.name:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def evidence_remove(*, evidence, by):
    """Take `evidence` off its report as user `by` (the stored bytes stay for the history).

    One transaction on the locked report, with a ReportEdit and an audit event. Raises PermissionDenied
    when the report is not the user's to edit now (an approved report's files cannot change).
    """
    with transaction.atomic():
        locked = _lock(evidence.report, by)
        row = Evidence.objects.select_for_update(of=("self",)).select_related("indicator", "quantitative").get(pk=evidence.pk)
        if row.removed_at is not None:
            return row
        with edit_recorded(report=locked, by=by, section=HISTORY_SECTION, revision=locked.revision):
            row.removed_at = timezone.now()
            row.removed_by = by
            row.save(update_fields=["removed_at", "removed_by"])
        audit_record(event=Event.REPORT_EDIT, user=by, obj=locked, detail=_(
            "删除佐证材料：%(name)s（SHA-256 %(sha)s）") % {"name": row.name, "sha": row.sha256})
    return row


def evidence_record_download(*, evidence, by):
    """Audit that `by` opened or downloaded `evidence`."""
    audit_record(event=Event.DOWNLOAD, user=by, obj=evidence.report, detail=_(
        "佐证材料：%(name)s（SHA-256 %(sha)s）") % {"name": evidence.name, "sha": evidence.sha256})
