"""绩效目标申报: a department's year-start targets, their 调整申请 and, in the year-end report, each
indicator's 实际值 (完成情况)."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.completion import target_text
from targets.enums import AdjustmentStatus, Category, Direction, Outcome, Scope, Status
from workflow.enums import NoticeKind

VALUE_DIGITS, VALUE_PLACES = 16, 4
MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}
# The lists of one declaration, as the editor limits them.
MAX_TASKS, MAX_GOALS, MAX_INDICATORS = 30, 30, 100
NAME_LENGTH, UNIT_LENGTH, TEXT_LENGTH = 200, 20, 2000


class Declaration(models.Model):
    """One department's 部门整体支出绩效目标 for one year: 年度预算 by source, tasks, 定性目标 and indicators.

    `status` changes only through targets.workflow; `revision` grows on every save.
    """

    department = models.ForeignKey(
        "departments.Department", models.PROTECT, related_name="target_declarations", verbose_name=_("部门（单位）")
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批复时间"), null=True, blank=True)

    # --- 年度预算 (万元) by source ---
    budget_general = models.DecimalField(_("一般公共预算拨款"), **MONEY)
    budget_fund = models.DecimalField(_("政府性基金预算拨款"), **MONEY)
    budget_nontax = models.DecimalField(_("纳入专户管理的非税收入"), **MONEY)
    budget_carryover = models.DecimalField(_("上年结转"), **MONEY)
    budget_other = models.DecimalField(_("其他资金"), **MONEY)

    class Meta:
        verbose_name = _("绩效目标申报")
        verbose_name_plural = _("绩效目标申报")
        ordering = ["-year", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="declaration_one_per_year"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="declaration_status_valid"),
        ]

    def __str__(self):
        return f"{self.year}年度 {self.department.name} 绩效目标"


BUDGET_FIELDS = ("budget_general", "budget_fund", "budget_nontax", "budget_carryover", "budget_other")


class DeclarationRow(models.Model):
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class DeclaredTask(DeclarationRow):
    """年度主要任务."""

    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="tasks", verbose_name=_("申报"))
    text = models.TextField(_("任务内容"), max_length=TEXT_LENGTH)

    class Meta(DeclarationRow.Meta):
        verbose_name = _("年度主要任务")
        verbose_name_plural = _("年度主要任务")

    def __str__(self):
        return self.text[:30]


class DeclaredGoal(DeclarationRow):
    """定性目标."""

    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="goals", verbose_name=_("申报"))
    text = models.TextField(_("定性目标"), max_length=TEXT_LENGTH)

    class Meta(DeclarationRow.Meta):
        verbose_name = _("定性目标")
        verbose_name_plural = _("定性目标")

    def __str__(self):
        return self.text[:30]


class LibraryIndicator(models.Model):
    """An indicator of the library (指标库) that declarations pick from: curated by the admins."""

    name = models.CharField(_("指标名称"), max_length=NAME_LENGTH)
    category = models.CharField(_("指标类别"), max_length=20, choices=Category.choices)
    scope = models.CharField(_("共性/个性"), max_length=20, choices=Scope.choices, default=Scope.COMMON)
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST)
    unit = models.CharField(_("计量单位"), max_length=UNIT_LENGTH, blank=True)
    description = models.TextField(_("指标解释"), max_length=TEXT_LENGTH, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("指标库指标")
        verbose_name_plural = _("指标库")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="library_indicator_unique_name"),
        ]

    def __str__(self):
        return f"{self.get_category_display()}：{self.name}"


class TargetIndicator(DeclarationRow):
    """A leaf of the 定量 tree: 指标名称, direction and 指标值 with its unit (or a 定性 value)."""

    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="indicators", verbose_name=_("申报"))
    category = models.CharField(_("指标类别"), max_length=20, choices=Category.choices)
    name = models.CharField(_("指标名称"), max_length=NAME_LENGTH)
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST)
    value = models.DecimalField(_("指标值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True)
    unit = models.CharField(_("计量单位"), max_length=UNIT_LENGTH, blank=True)
    qualitative_value = models.CharField(_("定性指标值"), max_length=NAME_LENGTH, blank=True)
    library = models.ForeignKey(
        LibraryIndicator, models.SET_NULL, null=True, blank=True, related_name="uses", verbose_name=_("指标库指标")
    )
    # Set when an approved 调整申请 changed this indicator (the old values are in the request).
    adjusted_by = models.ForeignKey(
        "targets.Adjustment", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("调整申请")
    )

    class Meta(DeclarationRow.Meta):
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")
        constraints = [
            models.CheckConstraint(condition=Q(category__in=Category.values), name="target_category_valid"),
            models.CheckConstraint(condition=Q(direction__in=Direction.values), name="target_direction_valid"),
        ]

    def __str__(self):
        return f"{self.get_category_display()}：{self.name}"

    @property
    def value_text(self):
        return target_text(self.direction, self.value, self.unit, self.qualitative_value)


class MoveRecord(models.Model):
    """What every status-change record holds besides the document and its statuses."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)
    snapshot = models.JSONField(_("内容快照"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class DeclarationChange(MoveRecord):
    """One workflow move of a declaration (written only by workflow.engine.move)."""

    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="status_changes", verbose_name=_("申报"))
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)

    class Meta(MoveRecord.Meta):
        verbose_name = _("申报状态变更")
        verbose_name_plural = _("申报状态变更")

    def __str__(self):
        return f"{self.declaration}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class DeclarationNotice(models.Model):
    """An in-app notice of a declaration's move (who receives it: workflow.notices)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="target_notices", verbose_name=_("接收人")
    )
    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="notices", verbose_name=_("申报"))
    change = models.ForeignKey(
        DeclarationChange, models.CASCADE, null=True, blank=True, related_name="notices", verbose_name=_("状态变更")
    )
    adjustment_change = models.ForeignKey(
        "targets.AdjustmentChange", models.CASCADE, null=True, blank=True, related_name="notices",
        verbose_name=_("调整申请状态变更"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申报通知")
        verbose_name_plural = _("申报通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["change", "recipient"], name="declaration_notice_one_per_recipient"),
            models.UniqueConstraint(
                fields=["adjustment_change", "recipient"], name="adjustment_notice_one_per_recipient"
            ),
            models.CheckConstraint(
                condition=Q(change__isnull=False) ^ Q(adjustment_change__isnull=False), name="notice_of_one_change"
            ),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.declaration} · {self.get_kind_display()}"


class Adjustment(models.Model):
    """调整申请: a reviewed change to approved targets. `proposed` maps indicator pk (as text) to its new
    {"direction", "value", "unit", "qualitative_value"}; `previous` keeps the values it replaced once approved."""

    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="adjustments", verbose_name=_("申报"))
    status = models.CharField(
        _("状态"), max_length=20, choices=AdjustmentStatus.choices, default=AdjustmentStatus.DRAFT
    )
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    reason = models.TextField(_("调整理由"), max_length=TEXT_LENGTH)
    proposed = models.JSONField(_("调整内容"), default=dict)
    previous = models.JSONField(_("调整前"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("申请人"))
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调整申请")
        verbose_name_plural = _("调整申请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AdjustmentStatus.values), name="adjustment_status_valid"),
        ]

    def __str__(self):
        return f"{self.declaration} 调整申请"

    @property
    def department(self):
        return self.declaration.department

    @property
    def department_id(self):
        return self.declaration.department_id


class AdjustmentChange(MoveRecord):
    """One workflow move of a 调整申请."""

    adjustment = models.ForeignKey(Adjustment, models.CASCADE, related_name="status_changes", verbose_name=_("调整申请"))
    from_status = models.CharField(_("原状态"), max_length=20, choices=AdjustmentStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=AdjustmentStatus.choices)

    class Meta(MoveRecord.Meta):
        verbose_name = _("调整申请状态变更")
        verbose_name_plural = _("调整申请状态变更")

    def __str__(self):
        return f"{self.adjustment}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class IndicatorResult(models.Model):
    """完成情况 of one approved indicator in the year-end report: the 实际值 (or 定性 outcome) and, for a
    shortfall, the 偏差原因. The targets themselves are read from the approved declaration."""

    report = models.ForeignKey("reports.Report", models.CASCADE, related_name="indicator_results", verbose_name=_("报告"))
    indicator = models.ForeignKey(TargetIndicator, models.CASCADE, related_name="results", verbose_name=_("指标"))
    actual_value = models.DecimalField(
        _("实际值"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    outcome = models.CharField(_("实际完成"), max_length=20, choices=Outcome.choices, blank=True)
    deviation_reason = models.TextField(_("偏差原因"), max_length=TEXT_LENGTH, blank=True)

    class Meta:
        verbose_name = _("指标完成情况")
        verbose_name_plural = _("指标完成情况")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_result_one_per_report"),
        ]

    def __str__(self):
        return f"{self.report_id} · {self.indicator}"
