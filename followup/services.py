"""Writing follow-up: recording a finding, the department's answer, 上年问题整改情况, 结果应用 and
deadline extensions. Each service checks the permission, validates (followup.validators), writes in one
transaction with an audit event, and has notices written on commit."""
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.services import audit_record
from evidence.names import safe_filename
from evidence.services import evidence_check_upload
from followup.deadlines import extension_notify, result_notify
from followup.enums import FindingCategory
from followup.enums import FindingStatus as F
from followup.interchange import finding_export
from followup.models import (
    NAME_LENGTH,
    NOTE_LENGTH,
    CarriedFinding,
    Consequence,
    DeadlineExtension,
    Finding,
    FindingChange,
    FindingEvidence,
    ResultApplication,
)
from followup.notices import finding_notify
from followup.selectors import carried_candidates, report_places
from followup.validators import validate_deadline, validate_places, validate_reply, validate_text
from followup.workflow import finding_move
from reports.history import edit_recorded
from reports.models import Report

MAX_EVIDENCE_PER_FINDING = 10
# ReportEdit.section of what follow-up changes in a report's document (its history page names them).
HISTORY_SECTION, CARRIED_SECTION = "followup", "carried"


class StaleRevision(Exception):
    def __init__(self, current_revision):
        super().__init__(current_revision)
        self.current_revision = current_revision


def _collect(errors, field, check):
    try:
        return check()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
        return None


@transaction.atomic
def finding_record(*, report, category, description, places, deadline, by, today=None):
    """Record a finding on `report` (财政审核 or 已审定) as the office's reviewer: it starts 待整改 and the
    department's members get a 整改通知. Returns the Finding. Raises PermissionDenied or ValidationError."""
    locked = Report.objects.select_for_update().select_related("department", "evaluation_year__rubric").get(
        pk=report.pk)
    if not by.has_perm("followup.record_finding", locked):
        raise PermissionDenied(_("只有本科室的财政审核人可以对报送财政或已审定的报告记录问题。"))
    today = today or timezone.localdate()
    errors = {}
    if category not in FindingCategory.values:
        errors["category"] = [_("请选择问题类别。")]
    description = _collect(errors, "description", lambda: validate_text(
        "description", description, label=_("问题描述")))
    places = _collect(errors, "places", lambda: validate_places("places", places, report_places(locked)))
    deadline = _collect(errors, "deadline", lambda: validate_deadline(
        "deadline", deadline, today=today, label=_("整改期限")))
    if errors:
        raise ValidationError(errors)
    with edit_recorded(report=locked, by=by, section=HISTORY_SECTION, revision=locked.revision):
        finding = Finding.objects.create(
            report=locked, category=category, description=description, places=places, deadline=deadline,
            created_by=by,
        )
    change = FindingChange.objects.create(
        finding=finding, from_status="", to_status=F.OPEN, by=by, snapshot=finding_export(finding),
    )
    finding_notify(change)
    audit_record(event=Event.REPORT_EDIT, user=by, obj=locked, detail=_("记录整改问题 %(id)s：%(category)s，整改期限 %(deadline)s") % {
        "id": finding.pk, "category": finding.get_category_display(), "deadline": deadline})
    return finding


def _lock_finding(finding, revision):
    locked = Finding.objects.select_for_update().select_related("report__department").get(pk=finding.pk)
    if revision is not None and locked.revision != revision:
        raise StaleRevision(locked.revision)
    return locked


def _evidence_add(locked, upload, by):
    kind = evidence_check_upload(upload)
    if locked.evidence_files.count() >= MAX_EVIDENCE_PER_FINDING:
        raise ValidationError({"file": _("每个问题最多上传%(limit)s个佐证材料。") % {"limit": MAX_EVIDENCE_PER_FINDING}})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = FindingEvidence(
        finding=locked, name=safe_filename(upload.name, kind.extension), kind=kind.key, size=upload.size,
        sha256=digest.hexdigest(), uploaded_by=by,
    )
    evidence.file.save("evidence", upload, save=False)
    evidence.save()
    return evidence


def finding_reply(*, finding, revision, measures, responsible, completed_on, upload=None, submit=False, by,
                  today=None):
    """Save the department's answer to a 待整改 finding (and an evidence file); with `submit`, send it to
    the reviewer (待验收). One transaction; a bad value saves nothing. Returns the Finding. Raises
    PermissionDenied, StaleRevision or ValidationError naming the field."""
    today = today or timezone.localdate()
    stored = None
    try:
        with transaction.atomic():
            locked = _lock_finding(finding, revision)
            if not by.has_perm("followup.reply_finding", locked):
                raise PermissionDenied(_("这个问题当前不能答复。"))
            cleaned = validate_reply(measures=measures, responsible=responsible, completed_on=completed_on,
                                     today=today)
            report = locked.report
            with edit_recorded(report=report, by=by, section=HISTORY_SECTION, revision=report.revision):
                for name, value in cleaned.items():
                    setattr(locked, name, value)
                locked.revision += 1
                locked.save()
                if upload is not None:
                    stored = _evidence_add(locked, upload, by)
            audit_record(event=Event.REPORT_EDIT, user=by, obj=locked.report, detail=_(
                "答复整改问题 %(id)s：责任人 %(responsible)s，完成日期 %(date)s%(file)s") % {
                "id": locked.pk, "responsible": locked.responsible, "date": locked.completed_on,
                "file": f"，佐证材料 {stored.name}（SHA-256 {stored.sha256}）" if stored else ""})
            if submit:
                locked = finding_move(locked, F.REPLIED, by=by)
    except BaseException:
        if stored is not None and stored.file.name:
            stored.file.storage.delete(stored.file.name)
        raise
    return locked


@transaction.atomic
def carried_save(*, report, texts, by):
    """Save 上年问题整改情况 of `report` (the clerk, while 草稿): {finding id: text} for last year's open
    findings. Returns the rows. Raises PermissionDenied or ValidationError({"carried-<id>": …})."""
    locked = Report.objects.select_for_update().select_related("department", "evaluation_year").get(pk=report.pk)
    if not by.has_perm("followup.edit_carried", locked):
        raise PermissionDenied(_("报告当前不能修改。"))
    findings = {f.pk: f for f in carried_candidates(locked)}
    errors, cleaned = {}, {}
    for finding_id, text in texts.items():
        if finding_id not in findings:
            continue
        field = f"carried-{finding_id}"
        value = _collect(errors, field, lambda f=field, t=text: validate_text(f, t, label=_("整改情况"), required=False))
        cleaned[finding_id] = value
    if errors:
        raise ValidationError(errors)
    rows = []
    with edit_recorded(report=locked, by=by, section=CARRIED_SECTION, revision=locked.revision + 1):
        for finding_id, text in cleaned.items():
            row, _created = CarriedFinding.objects.update_or_create(report=locked, finding_id=finding_id,
                                                                    defaults={"text": text})
            rows.append(row)
        locked.revision += 1
        locked.save(update_fields=["revision", "updated_at"])
    audit_record(event=Event.REPORT_EDIT, user=by, obj=locked, detail=_("修改上年问题整改情况（%(count)s项）") % {
        "count": len(rows)})
    return rows


def carried_prefill(finding):
    """What 上年问题整改情况 starts with for an open finding: its answer so far, or that it is still open."""
    if finding.measures:
        done = _("，已于%(date)s完成") % {"date": finding.completed_on} if finding.completed_on else ""
        return _("%(measures)s（责任人：%(responsible)s%(done)s；当前状态：%(status)s）") % {
            "measures": finding.measures, "responsible": finding.responsible or _("未填"), "done": done,
            "status": finding.get_status_display()}
    return _("尚未整改（整改期限：%(deadline)s）。") % {"deadline": finding.deadline}


# --- 结果应用 ------------------------------------------------------------------------------------
def _require_admin(by):
    if not by.has_perm("followup.administer"):
        raise PermissionDenied(_("只有管理员可以执行此操作。"))


@transaction.atomic
def consequences_save(*, evaluation_year, mapping, by):
    """Replace the year's grade → consequence mapping ({grade: text}; blank drops the grade). Audited."""
    _require_admin(by)
    errors, cleaned = {}, {}
    for grade, text in mapping.items():
        field = f"consequence-{grade}"
        value = _collect(errors, field, lambda f=field, t=text: validate_text(
            f, t, label=_("结果应用"), limit=NAME_LENGTH, required=False))
        if value:
            cleaned[grade] = value
    if errors:
        raise ValidationError(errors)
    Consequence.objects.filter(evaluation_year=evaluation_year).exclude(grade__in=cleaned).delete()
    for grade, text in cleaned.items():
        Consequence.objects.update_or_create(evaluation_year=evaluation_year, grade=grade,
                                             defaults={"consequence": text})
    audit_record(event=Event.ADMIN_ACTION, user=by, obj=evaluation_year, detail=_("结果应用规则：%(rules)s") % {
        "rules": "；".join(f"{g}→{c}" for g, c in cleaned.items())})
    return cleaned


@transaction.atomic
def result_record(*, evaluation_year, department, grade, consequence, note, by):
    """Record (or change) the department's 结果应用 for the year. Audited; its members get a notice."""
    _require_admin(by)
    errors = {}
    consequence = _collect(errors, "consequence", lambda: validate_text(
        "consequence", consequence, label=_("结果应用"), limit=NAME_LENGTH))
    note = _collect(errors, "note", lambda: validate_text("note", note, label=_("说明"), limit=NOTE_LENGTH,
                                                          required=False))
    if errors:
        raise ValidationError(errors)
    result, _created = ResultApplication.objects.update_or_create(
        evaluation_year=evaluation_year, department=department,
        defaults={"grade": grade or "", "consequence": consequence, "note": note, "decided_by": by},
    )
    audit_record(event=Event.ADMIN_ACTION, user=by, obj=result, detail=_(
        "%(year)s年度%(department)s结果应用：%(grade)s → %(consequence)s %(note)s") % {
        "year": evaluation_year.year, "department": department.name, "grade": grade or "-",
        "consequence": consequence, "note": note})
    result_notify(result)
    return result


# --- Deadline extensions ---------------------------------------------------------------------------
@transaction.atomic
def extension_grant(*, evaluation_year, department, deadline, reason, by):
    """Extend one department's 报告 deadline for the year (later than the year's), with a reason. Audited;
    the department's members get a notice. Returns the DeadlineExtension."""
    _require_admin(by)
    errors = {}
    reason = _collect(errors, "reason", lambda: validate_text("reason", reason, label=_("延期理由"),
                                                              limit=NOTE_LENGTH))
    if deadline is None:
        errors["deadline"] = [_("请填写延长后的截止日期。")]
    elif evaluation_year.deadline and deadline <= evaluation_year.deadline:
        errors["deadline"] = [_("延长后的截止日期须晚于本年度的截止日期（%(deadline)s）。") % {
            "deadline": evaluation_year.deadline}]
    if errors:
        raise ValidationError(errors)
    previous = DeadlineExtension.objects.filter(evaluation_year=evaluation_year, department=department).first()
    extension, _created = DeadlineExtension.objects.update_or_create(
        evaluation_year=evaluation_year, department=department,
        defaults={"deadline": deadline, "reason": reason, "granted_by": by},
    )
    audit_record(event=Event.ADMIN_ACTION, user=by, obj=extension, detail=_(
        "%(year)s年度%(department)s报告截止日期延长：%(old)s → %(new)s，理由：%(reason)s") % {
        "year": evaluation_year.year, "department": department.name,
        "old": previous.deadline if previous else evaluation_year.deadline, "new": deadline, "reason": reason})
    extension_notify(extension)
    return extension
