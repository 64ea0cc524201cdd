from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.enums import Category, Status
from reports.narrative import TEXT_FIELDS
from workflow.enums import NoticeKind

DEFAULT_METHOD = "部门（单位）绩效自评"
DEFAULT_BODY = "部门（单位）评价组"


class Report(models.Model):
    """One department's 附件2-1 for one evaluation year: the cover, 基本概况 and the sign-off blocks.

    The other sections hang off it (tasks, goals, 收支 rows, base data, narrative, scores).
    `status` changes only through reports.workflow; `revision` grows on every save so that a
    stale form is refused instead of overwriting someone else's work.
    """

    evaluation_year = models.ForeignKey(
        "scoring.EvaluationYear", models.PROTECT, related_name="reports", verbose_name=_("评价年度")
    )
    department = models.ForeignKey(
        "departments.Department", models.PROTECT, related_name="reports", verbose_name=_("部门（单位）")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # --- Cover ---
    evaluation_method = models.CharField(_("评价方式"), max_length=100, default=DEFAULT_METHOD)
    evaluation_body = models.CharField(_("评价机构"), max_length=100, default=DEFAULT_BODY)
    report_date = models.DateField(_("报告日期"), null=True, blank=True)
    issuer = models.CharField(_("制表机关"), max_length=100, blank=True)

    # --- 一、基本概况 ---
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联络电话"), max_length=30, blank=True)
    staff_quota = models.PositiveIntegerField(_("人员编制"), null=True, blank=True)
    actual_headcount = models.PositiveIntegerField(_("实有人数"), null=True, blank=True)
    in_service_count = models.PositiveIntegerField(_("在职人数"), null=True, blank=True)
    retired_count = models.PositiveIntegerField(_("退休人数"), null=True, blank=True)
    temporary_count = models.PositiveIntegerField(_("借调临聘人数"), null=True, blank=True)
    functions = models.TextField(_("职能职责概述"), blank=True)
    achievements = models.TextField(_("年度部门（单位）总体运行情况及取得的成绩"), blank=True)

    # --- 四、sign-off blocks ---
    leader_name = models.CharField(_("评价组组长"), max_length=50, blank=True)
    leader_signed_on = models.DateField(_("评价组组长签字日期"), null=True, blank=True)
    dept_opinion = models.TextField(_("部门（单位）意见"), blank=True)
    dept_head_name = models.CharField(_("部门（单位）负责人"), max_length=50, blank=True)
    dept_signed_on = models.DateField(_("部门（单位）签章日期"), null=True, blank=True)
    finance_opinion = models.TextField(_("财政部门归口业务科室意见"), blank=True)
    finance_head_name = models.CharField(_("财政部门归口业务科室负责人"), max_length=50, blank=True)
    finance_signed_on = models.DateField(_("财政部门签章日期"), null=True, blank=True)
    filler_name = models.CharField(_("填报人"), max_length=50, blank=True)
    filler_phone = models.CharField(_("填报人联系电话"), max_length=30, blank=True)

    # --- Workflow milestones and the frozen, approved form (written by reports.workflow) ---
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    approved_snapshot = models.JSONField(_("审定内容快照"), null=True, blank=True)
    approved_digest = models.CharField(_("审定内容摘要（SHA-256）"), max_length=64, blank=True)
    verification_token = models.CharField(_("验证令牌"), max_length=64, blank=True, db_index=True)
    approved_pdf = models.FileField(_("审定版PDF"), upload_to="approved/%Y/", blank=True)
    # Set when every attempt to archive the approved PDF failed (reports.approval.archive_pdf); cleared by the next success.
    pdf_failed_at = models.DateTimeField(_("PDF生成失败时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("自评报告")
        verbose_name_plural = _("自评报告")
        ordering = ["-evaluation_year__year", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation_year", "department"], name="report_one_per_year"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="report_status_valid"),
        ]
        # A year's counts by status (home, dashboard, queue) and its 草稿 list read the first index alone, not the
        # year's rows (issue #14: 15,000 reports a year); a reviewer's office counts and 待审核 list the second
        # (an office of 750 departments: the home page's SQL 7.2 → 3.3 ms on SQLite).
        indexes = [models.Index(fields=["evaluation_year", "status"], name="report_year_status"),
                   models.Index(fields=["department", "status"], name="report_department_status")]
        permissions = [
            ("submit_report", _("可提交报告")),
            ("review_report", _("可审核报告")),
        ]

    def __str__(self):
        return f"{self.evaluation_year.year}年度 {self.department.name}"


class OrderedRow(models.Model):
    """A row of a variable-length list inside a report, kept in the order the user gave."""

    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class Task(OrderedRow):
    """年度主要工作内容: 任务N."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="tasks", verbose_name=_("报告"))
    text = models.TextField(_("任务内容"))

    class Meta(OrderedRow.Meta):
        verbose_name = _("年度主要工作任务")
        verbose_name_plural = _("年度主要工作任务")

    def __str__(self):
        return self.text[:30]


class QualitativeGoal(OrderedRow):
    """整体支出绩效定性目标: 预期目标 and 实际完成."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="qualitative_goals", verbose_name=_("报告"))
    target = models.TextField(_("预期目标"))
    actual = models.TextField(_("实际完成"), blank=True)

    class Meta(OrderedRow.Meta):
        verbose_name = _("定性目标")
        verbose_name_plural = _("定性目标")

    def __str__(self):
        return self.target[:30]


class QuantitativeIndicator(OrderedRow):
    """A leaf of the 定量目标 tree: 绩效目标 and 完成情况 under one category."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="quantitative_indicators", verbose_name=_("报告"))
    category = models.CharField(_("指标类别"), max_length=20, choices=Category.choices)
    target = models.TextField(_("绩效目标"))
    actual = models.TextField(_("完成情况"), blank=True)

    class Meta(OrderedRow.Meta):
        verbose_name = _("定量指标")
        verbose_name_plural = _("定量指标")
        constraints = [
            models.CheckConstraint(condition=Q(category__in=Category.values), name="quantitative_category_valid"),
        ]

    def __str__(self):
        return f"{self.get_category_display()}：{self.target[:30]}"


class Evaluator(OrderedRow):
    """四、评价人员: one member of the 评价组."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="evaluators", verbose_name=_("报告"))
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务/职称"), max_length=100, blank=True)
    unit = models.CharField(_("单位"), max_length=100, blank=True)

    class Meta(OrderedRow.Meta):
        verbose_name = _("评价人员")
        verbose_name_plural = _("评价人员")

    def __str__(self):
        return self.name


class Narrative(models.Model):
    """五、评价报告综述（文字部分）: one text per section of reports.narrative.OUTLINE."""

    report = models.OneToOneField(Report, models.CASCADE, related_name="narrative", verbose_name=_("报告"))
    overview = models.TextField(_("部门（单位）概况"), blank=True)
    basic_info = models.TextField(_("部门（单位）基本情况"), blank=True)
    expenditure_scope = models.TextField(_("整体支出规模、使用方向和主要内容、涉及范围等"), blank=True)
    basic_expenditure = models.TextField(_("基本支出"), blank=True)
    special_allocation = models.TextField(_("专项资金安排落实、总投入等情况分析"), blank=True)
    special_usage = models.TextField(_("专项资金实际使用情况分析"), blank=True)
    special_management = models.TextField(_("专项资金管理情况分析"), blank=True)
    special_organization = models.TextField(_("专项组织情况分析"), blank=True)
    special_oversight = models.TextField(_("专项管理情况分析"), blank=True)
    performance = models.TextField(_("部门（单位）整体支出绩效情况"), blank=True)
    problems = models.TextField(_("存在的主要问题"), blank=True)
    suggestions = models.TextField(_("改进措施和有关建议"), blank=True)

    class Meta:
        verbose_name = _("评价报告综述")
        verbose_name_plural = _("评价报告综述")

    def __str__(self):
        return str(self.report)

    def texts(self):
        return {name: getattr(self, name) for name in TEXT_FIELDS}


class ScoreEntry(models.Model):
    """One 三级 row of the 评分表 for one report: the department's and the reviewer's scores.

    `inputs` holds what people tick or count for checklist and violation rules
    (e.g. {"checked": [true, true, false]} or {"violations": 1}).
    """

    report = models.ForeignKey(Report, models.CASCADE, related_name="scores", verbose_name=_("报告"))
    indicator = models.ForeignKey("scoring.Indicator", models.PROTECT, related_name="entries", verbose_name=_("指标"))
    self_score = models.DecimalField(
        _("自评得分"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    deduction_reason = models.TextField(_("扣分原因和其他说明"), blank=True)
    review_score = models.DecimalField(
        _("复核得分"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    review_note = models.TextField(_("复核说明"), blank=True)
    inputs = models.JSONField(_("评分依据"), default=dict, blank=True)
    # The machine's suggestion, stored by scoring so that pages and exports never recompute it.
    suggested_score = models.DecimalField(_("建议得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    suggestion_trace = models.TextField(_("计算过程"), blank=True)
    flagged = models.BooleanField(_("自评高于建议"), default=False)

    class Meta:
        verbose_name = _("评分记录")
        verbose_name_plural = _("评分记录")
        ordering = ["indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="score_one_per_indicator"),
            models.CheckConstraint(
                condition=Q(self_score__gte=0) | Q(self_score__isnull=True), name="score_self_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(review_score__gte=0) | Q(review_score__isnull=True), name="score_review_nonneg"
            ),
        ]

    def __str__(self):
        return f"{self.report} · {self.indicator}"


class StatusChange(models.Model):
    """One workflow move of a report (written only by reports.workflow)."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="status_changes", verbose_name=_("报告"))
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="status_changes", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)
    # The interchange document as it stood after the move (compare two submissions with reports.history).
    snapshot = models.JSONField(_("内容快照"), null=True, blank=True)
    # On a return: what the returner marked as needing work, {"sections": [editor section keys],
    # "rows": [三级 indicator codes]} (reports.returns reads and checks it).
    return_marks = models.JSONField(_("退回时标记的内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class ReportEdit(models.Model):
    """One save of one section (or a reviewer's score change): who, when, and each value old → new.

    Written by reports.history.record_edit from two interchange documents of the report, before and after.
    """

    report = models.ForeignKey(Report, models.CASCADE, related_name="edits", verbose_name=_("报告"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="report_edits", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    section = models.CharField(_("部分"), max_length=40)
    revision = models.PositiveIntegerField(_("保存后修订号"))
    changes = models.JSONField(_("变更内容"), default=list)

    class Meta:
        verbose_name = _("修改记录")
        verbose_name_plural = _("修改记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report} · {self.section} · r{self.revision}"


class Notice(models.Model):
    """An in-app notice: a report reached its recipient or came back to them (written by reports.notices)."""

    Kind = NoticeKind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notices", verbose_name=_("接收人")
    )
    report = models.ForeignKey(Report, models.CASCADE, related_name="notices", verbose_name=_("报告"))
    change = models.ForeignKey(StatusChange, models.CASCADE, related_name="notices", verbose_name=_("状态变更"))
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread")]
        constraints = [
            models.UniqueConstraint(fields=["change", "recipient"], name="notice_one_per_change_and_recipient"),
            models.CheckConstraint(condition=Q(kind__in=NoticeKind.values), name="notice_kind_valid"),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.report} · {self.get_kind_display()}"
