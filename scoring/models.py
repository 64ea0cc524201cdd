from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring.enums import Level, RuleKind


class Rubric(models.Model):
    """A versioned 评分表: the indicator tree with points and scoring rules."""

    name = models.CharField(_("评分表名称"), max_length=100, unique=True)
    based_on = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("复制自")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """One row of a rubric at 一级, 二级 or 三级.

    `points` is the 分值. Some 三级 rows share one 分值 (经济/社会/生态效益 share 15 in 2021):
    the first of them holds the points and the others point at it with `shares_points_with`.
    """

    rubric = models.ForeignKey(Rubric, models.CASCADE, related_name="indicators", verbose_name=_("评分表"))
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("上级指标")
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    code = models.SlugField(_("指标代码"), max_length=60)
    label = models.CharField(_("指标名称"), max_length=200)
    standard = models.TextField(_("评分标准"), blank=True)
    points = models.DecimalField(
        _("分值"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    shares_points_with = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="point_sharers", verbose_name=_("共用分值的指标")
    )
    rule_kind = models.CharField(_("计分规则"), max_length=40, choices=RuleKind.choices, default=RuleKind.MANUAL)
    rule_params = models.JSONField(_("规则参数"), default=dict, blank=True)
    is_custom = models.BooleanField(_("个性化指标"), default=False)
    # A 三级 row that must have 佐证材料 attached before the report can be submitted (evidence app).
    requires_evidence = models.BooleanField(_("须附佐证材料"), default=False)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评分指标")
        verbose_name_plural = _("评分指标")
        ordering = ["rubric", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="indicator_unique_code"),
            models.CheckConstraint(condition=Q(points__gte=0) | Q(points__isnull=True), name="indicator_points_nonneg"),
        ]

    def __str__(self):
        return self.label

    @property
    def max_points(self):
        """The 分值 this row is scored against (its group's, when it shares one)."""
        lead = self.shares_points_with
        return lead.points if lead is not None else self.points


class EvaluationYear(models.Model):
    """An evaluation year (评价年度): the rubric, grade bands and deadline reports of that year use."""

    year = models.PositiveSmallIntegerField(
        _("评价年度"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    rubric = models.ForeignKey(Rubric, models.PROTECT, related_name="years", verbose_name=_("评分表"))
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    score_step = models.DecimalField(_("自评得分步长"), max_digits=4, decimal_places=2, default=Decimal("0.5"))
    is_open = models.BooleanField(_("已开启"), default=True)

    class Meta:
        verbose_name = _("评价年度")
        verbose_name_plural = _("评价年度")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年度"


class GradeBand(models.Model):
    """评价等次: a total at or above `min_score` earns `label` (the highest band that fits wins)."""

    evaluation_year = models.ForeignKey(
        EvaluationYear, models.CASCADE, related_name="grade_bands", verbose_name=_("评价年度")
    )
    label = models.CharField(_("等次"), max_length=20)
    min_score = models.DecimalField(_("最低分"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("评价等次")
        verbose_name_plural = _("评价等次")
        ordering = ["evaluation_year", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation_year", "label"], name="gradeband_unique_label"),
            models.UniqueConstraint(fields=["evaluation_year", "min_score"], name="gradeband_unique_min"),
        ]

    def __str__(self):
        return f"{self.label} ≥ {self.min_score}"
