"""抽评 draws, expert panels and the score sheets both are scored on.

A Draw records everything needed to draw its sample again: the seed, the filters, the stably ordered
candidate ids it drew from and the ids drawn (sampling.draw). A ScoreSheet is one person's scores of
one report's 评分表: a re-reviewer's (kind 抽评复核, on a Draw) or an expert's (kind 专家评分, on a Panel).
A sheet is written only by sampling.services; once submitted it is read-only.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sampling.enums import PanelMethod, SampleBy, SheetKind


class Draw(models.Model):
    """One 抽评: a random sample of a year's approved reports, reproducible from its seed and filters."""

    evaluation_year = models.ForeignKey(
        "scoring.EvaluationYear", models.PROTECT, related_name="draws", verbose_name=_("评价年度")
    )
    seed = models.PositiveBigIntegerField(_("随机种子"))
    sample_by = models.CharField(_("抽取方式"), max_length=10, choices=SampleBy.choices)
    count = models.PositiveIntegerField(_("抽取数量"), null=True, blank=True)
    share = models.DecimalField(_("抽取比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    # Filters: office ids and grade labels (empty: any), 支出合计 range in 万元 (blank: open).
    offices = models.JSONField(_("归口业务科室"), default=list, blank=True)
    grades = models.JSONField(_("评价等次"), default=list, blank=True)
    expenditure_min = models.DecimalField(_("支出合计下限（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    expenditure_max = models.DecimalField(_("支出合计上限（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    other_office = models.BooleanField(_("复核人须来自其他科室"), default=False)
    # The candidates in the order they were drawn from (ascending report id) and the ids drawn.
    population = models.JSONField(_("抽样范围"), default=list)
    drawn = models.JSONField(_("抽中报告"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="draws",
                                   verbose_name=_("抽取人"))
    created_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽评")
        verbose_name_plural = _("抽评")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(sample_by__in=SampleBy.values), name="draw_sample_by_valid"),
            models.CheckConstraint(
                condition=(Q(sample_by=SampleBy.COUNT, count__isnull=False)
                           | Q(sample_by=SampleBy.SHARE, share__gt=0, share__lte=100)),
                name="draw_size_given",
            ),
        ]

    def __str__(self):
        return f"{self.evaluation_year.year}年度抽评 #{self.pk}"


class Panel(models.Model):
    """An expert panel (专家评审) of one report: each expert scores the 评分表 on a sheet of their own.

    `final_score` is written when the last expert submits (sampling.services.sheet_submit), by
    `method` over the experts' totals (sampling.draw.panel_score).
    """

    report = models.ForeignKey("reports.Report", models.CASCADE, related_name="panels", verbose_name=_("报告"))
    method = models.CharField(_("计分方法"), max_length=10, choices=PanelMethod.choices, default=PanelMethod.MEAN)
    final_score = models.DecimalField(_("专家评审得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    finalised_at = models.DateTimeField(_("评审完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="panels_created",
                                   verbose_name=_("组织人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=PanelMethod.values), name="panel_method_valid"),
        ]

    def __str__(self):
        return f"{self.report} · 专家评审 #{self.pk}"

    @property
    def is_final(self):
        return self.finalised_at is not None


class ScoreSheet(models.Model):
    """One person's scores of one report's 评分表 rows, for a Draw (抽评复核) or a Panel (专家评分)."""

    kind = models.CharField(_("类型"), max_length=10, choices=SheetKind.choices)
    report = models.ForeignKey("reports.Report", models.CASCADE, related_name="score_sheets", verbose_name=_("报告"))
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="score_sheets",
                               verbose_name=_("评分人"))
    draw = models.ForeignKey(Draw, models.CASCADE, null=True, blank=True, related_name="sheets",
                             verbose_name=_("抽评"))
    panel = models.ForeignKey(Panel, models.CASCADE, null=True, blank=True, related_name="sheets",
                              verbose_name=_("专家评审"))
    total = models.DecimalField(_("合计得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("分配时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["report__department__code", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SheetKind.values), name="sheet_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind=SheetKind.REREVIEW, draw__isnull=False, panel__isnull=True)
                           | Q(kind=SheetKind.EXPERT, panel__isnull=False, draw__isnull=True)),
                name="sheet_belongs_to_its_kind",
            ),
            models.UniqueConstraint(fields=["draw", "report"], name="sheet_one_rereview_per_drawn_report"),
            models.UniqueConstraint(fields=["panel", "scorer"], name="sheet_one_per_expert"),
        ]

    def __str__(self):
        return f"{self.report} · {self.get_kind_display()} · {self.scorer}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class SheetRow(models.Model):
    """The score one sheet gives one 三级 row, with its reason."""

    sheet = models.ForeignKey(ScoreSheet, models.CASCADE, related_name="rows", verbose_name=_("评分表"))
    indicator = models.ForeignKey("scoring.Indicator", models.PROTECT, related_name="sheet_rows",
                                  verbose_name=_("指标"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("评分理由"), blank=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "indicator"], name="sheetrow_one_per_indicator"),
            models.CheckConstraint(condition=Q(score__gte=0), name="sheetrow_score_nonneg"),
        ]

    def __str__(self):
        return f"{self.sheet} · {self.indicator}"
