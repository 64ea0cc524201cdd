"""After approval: 问题与整改 (findings and the department's answers), 上年问题整改情况 carried into the next
year's report, 结果应用 (grade → budget consequence), deadline extensions and the reminders sent."""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from followup.enums import FindingCategory, FindingStatus, NoticeKind

TEXT_LENGTH, NAME_LENGTH, NOTE_LENGTH = 2000, 50, 500
MAX_PLACES = 20


def storage_name(instance, filename):
    """A random name in the storage: nothing of what the user sent reaches the disk (as evidence does)."""
    token = secrets.token_hex(16)
    return f"followup/{token[:2]}/{token}"


class Finding(models.Model):
    """A problem a reviewer found in a report, and the department's 整改 answer to it.

    `status` changes only through followup.workflow (workflow.engine.move); `revision` grows on every save.
    `places` lists where in the report it was found: "scores/<三级 code>" or "section/<editor page>".
    """

    report = models.ForeignKey("reports.Report", models.CASCADE, related_name="findings", verbose_name=_("报告"))
    category = models.CharField(_("问题类别"), max_length=20, choices=FindingCategory.choices)
    description = models.TextField(_("问题描述"), max_length=TEXT_LENGTH)
    places = models.JSONField(_("涉及内容"), default=list, blank=True)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    # --- The department's answer ---
    measures = models.TextField(_("整改措施"), max_length=TEXT_LENGTH, blank=True)
    responsible = models.CharField(_("责任人"), max_length=NAME_LENGTH, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("整改问题")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="finding_status_deadline")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=FindingStatus.values), name="finding_status_valid"),
            models.CheckConstraint(condition=Q(category__in=FindingCategory.values), name="finding_category_valid"),
        ]

    def __str__(self):
        return f"{self.report} · {self.get_category_display()}"

    # The workflow's role predicates read a document's department.
    @property
    def department(self):
        return self.report.department

    @property
    def department_id(self):
        return self.report.department_id


class FindingChange(models.Model):
    """One step of a finding (its recording, then each workflow move), with what it held then."""

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="status_changes", verbose_name=_("整改问题"))
    from_status = models.CharField(_("原状态"), max_length=20, choices=FindingStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=FindingStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)
    snapshot = models.JSONField(_("内容快照"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改状态变更")
        verbose_name_plural = _("整改状态变更")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.finding}: {self.from_status} → {self.to_status}"


class FindingEvidence(models.Model):
    """A file proving a 整改 answer (checked by the evidence app's content detection, stored under a random name)."""

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="evidence_files", verbose_name=_("整改问题"))
    file = models.FileField(_("存储文件"), upload_to=storage_name, max_length=200)
    name = models.CharField(_("文件名"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改佐证材料")
        verbose_name_plural = _("整改佐证材料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name


class Notice(models.Model):
    """An in-app notice of follow-up: a 整改通知, an answer, a return or acceptance, a deadline reminder,
    a 结果应用. `key` makes a reminder idempotent (one per recipient, item and threshold)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="followup_notices", verbose_name=_("接收人")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    finding = models.ForeignKey(
        Finding, models.CASCADE, null=True, blank=True, related_name="notices", verbose_name=_("整改问题")
    )
    change = models.ForeignKey(
        FindingChange, models.CASCADE, null=True, blank=True, related_name="notices", verbose_name=_("状态变更")
    )
    text = models.CharField(_("内容"), max_length=500)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    key = models.CharField(_("去重键"), max_length=100, blank=True)
    emailed = models.BooleanField(_("已发送邮件"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="followup_notice_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="followup_notice_one_per_key"
            ),
            models.CheckConstraint(condition=Q(kind__in=NoticeKind.values), name="followup_notice_kind_valid"),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.get_kind_display()}"


class CarriedFinding(models.Model):
    """上年问题整改情况: in the next year's report, what the department says of a finding still open."""

    report = models.ForeignKey(
        "reports.Report", models.CASCADE, related_name="carried_findings", verbose_name=_("报告")
    )
    finding = models.ForeignKey(Finding, models.CASCADE, related_name="carried", verbose_name=_("上年问题"))
    text = models.TextField(_("整改情况"), max_length=TEXT_LENGTH, blank=True)

    class Meta:
        verbose_name = _("上年问题整改情况")
        verbose_name_plural = _("上年问题整改情况")
        ordering = ["finding__deadline", "finding_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "finding"], name="carried_finding_once_per_report"),
        ]

    def __str__(self):
        return f"{self.report} · {self.finding_id}"


class Consequence(models.Model):
    """结果应用 mapping of one year: a grade's budget consequence for next year (editable)."""

    evaluation_year = models.ForeignKey(
        "scoring.EvaluationYear", models.CASCADE, related_name="consequences", verbose_name=_("评价年度")
    )
    grade = models.CharField(_("评价等次"), max_length=20)
    consequence = models.CharField(_("结果应用"), max_length=NAME_LENGTH)

    class Meta:
        verbose_name = _("结果应用规则")
        verbose_name_plural = _("结果应用规则")
        ordering = ["evaluation_year", "pk"]
        constraints = [models.UniqueConstraint(fields=["evaluation_year", "grade"], name="consequence_one_per_grade")]

    def __str__(self):
        return f"{self.grade} → {self.consequence}"


class ResultApplication(models.Model):
    """结果应用 of one department for one year: the consequence decided (from its grade) and a note."""

    evaluation_year = models.ForeignKey(
        "scoring.EvaluationYear", models.CASCADE, related_name="result_applications", verbose_name=_("评价年度")
    )
    department = models.ForeignKey(
        "departments.Department", models.PROTECT, related_name="result_applications", verbose_name=_("部门（单位）")
    )
    grade = models.CharField(_("评价等次"), max_length=20, blank=True)
    consequence = models.CharField(_("结果应用"), max_length=NAME_LENGTH)
    note = models.TextField(_("说明"), max_length=NOTE_LENGTH, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("记录人"))
    decided_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("结果应用")
        verbose_name_plural = _("结果应用")
        ordering = ["evaluation_year", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation_year", "department"], name="result_one_per_department"),
        ]

    def __str__(self):
        return f"{self.evaluation_year} · {self.department} · {self.consequence}"


class DeadlineExtension(models.Model):
    """An admin's extension of one department's 报告 deadline for one year, with the reason (audited).

    Read by every deadline check (followup.deadlines, and the reports app through the reverse relation
    `evaluation_year.deadline_extensions`)."""

    evaluation_year = models.ForeignKey(
        "scoring.EvaluationYear", models.CASCADE, related_name="deadline_extensions", verbose_name=_("评价年度")
    )
    department = models.ForeignKey(
        "departments.Department", models.PROTECT, related_name="deadline_extensions", verbose_name=_("部门（单位）")
    )
    deadline = models.DateField(_("延长至"))
    reason = models.TextField(_("延期理由"), max_length=NOTE_LENGTH)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("批准人"))
    granted_at = models.DateTimeField(_("批准时间"), auto_now=True)

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")
        ordering = ["evaluation_year", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation_year", "department"], name="extension_one_per_department"),
        ]

    def __str__(self):
        return f"{self.evaluation_year} · {self.department} → {self.deadline}"
