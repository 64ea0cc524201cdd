from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgets.money import MONEY_MAX_DIGITS


def money(label, *, signed=False):
    """A 万元 amount: two decimals, blank allowed and distinct from 0; negative only where `signed`."""
    validators = [] if signed else [MinValueValidator(Decimal("0"))]
    return models.DecimalField(
        label, max_digits=MONEY_MAX_DIGITS, decimal_places=2, null=True, blank=True, validators=validators
    )


def percent(label):
    """A percentage between 0 and 100 with two decimals, blank allowed."""
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )


def count(label):
    """A whole number of things (专项, 工作任务), blank allowed."""
    return models.PositiveIntegerField(label, null=True, blank=True)


class TableRow(models.Model):
    """One 机构 row of a 收支 table (the department itself or a subordinate unit)."""

    report = models.ForeignKey("reports.Report", models.CASCADE, verbose_name=_("报告"))
    org_name = models.CharField(_("机构名称"), max_length=100)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self):
        return self.org_name


class IncomeRow(TableRow):
    """年度收入情况（万元）."""

    total = money(_("收入合计"))
    carried_over = money(_("上年结转"))
    public_finance = money(_("公共财政拨款"))
    government_fund = money(_("政府基金拨款"))
    special_account = money(_("纳入专户管理的非税收入拨款"))
    other = money(_("其他收入"))

    class Meta(TableRow.Meta):
        default_related_name = "income_rows"
        verbose_name = _("年度收入")
        verbose_name_plural = _("年度收入")


class ExpenditureRow(TableRow):
    """部门（单位）年度支出和结余情况（万元）."""

    total = money(_("支出合计"))
    basic = money(_("基本支出"))
    personnel = money(_("人员支出"))
    public_use = money(_("公用支出"))
    project = money(_("项目支出"))
    current_surplus = money(_("当年结余"), signed=True)
    accumulated_surplus = money(_("累计结余"), signed=True)

    class Meta(TableRow.Meta):
        default_related_name = "expenditure_rows"
        verbose_name = _("年度支出和结余")
        verbose_name_plural = _("年度支出和结余")


class ThreePublicRow(TableRow):
    """三公经费（万元）."""

    total = money(_("三公经费合计"))
    reception = money(_("公务接待费"))
    vehicle_operation = money(_("公务用车运维费"))
    vehicle_purchase = money(_("公务用车购置费"))
    overseas = money(_("因公出国费"))

    class Meta(TableRow.Meta):
        default_related_name = "three_public_rows"
        verbose_name = _("三公经费")
        verbose_name_plural = _("三公经费")


class FixedAssetRow(TableRow):
    """固定资产（万元）."""

    total = money(_("固定资产合计"))
    in_use = money(_("在用固定资产"))
    rented = money(_("出租固定资产"))
    other = money(_("其他"))

    class Meta(TableRow.Meta):
        default_related_name = "fixed_asset_rows"
        verbose_name = _("固定资产")
        verbose_name_plural = _("固定资产")


# BaseData figures a new year's report takes from last year's: {this year's field: last year's field}.
# 三公经费上年决算数 falls back to last year's 三公经费 table total (reports.editing, reports.yearly).
PREVIOUS_YEAR_FIGURES = {
    "three_public_prev_final": "three_public_final",
    "three_public_prev_budget": "three_public_budget",
    "carryover_prev_total": "carryover_total",
}


class BaseData(models.Model):
    """基础数据: figures the rubric's computed indicators need that the form does not otherwise hold."""

    report = models.OneToOneField("reports.Report", models.CASCADE, related_name="base_data", verbose_name=_("报告"))
    three_public_prev_budget = money(_("三公经费上年预算数"))
    three_public_prev_final = money(_("三公经费上年决算数"))
    three_public_budget = money(_("三公经费本年预算数"))
    three_public_final = money(_("三公经费本年决算数"))
    budget_initial = money(_("年初预算数"))
    budget_adjustment = money(_("预算调整数"))
    budget_adjusted = money(_("调整后预算数"))
    budget_completed = money(_("预算完成数"))
    payment_progress_actual = percent(_("实际支付进度（%）"))
    payment_progress_planned = percent(_("既定支付进度（%）"))
    carryover_total = money(_("本年结转结余总额"))
    carryover_prev_total = money(_("上年结转结余总额"))
    public_funds_budget = money(_("公用经费预算数"))
    public_funds_actual = money(_("公用经费实际支出数"))
    project_expenditure = money(_("项目支出"))
    key_project_expenditure = money(_("重点项目支出"))
    special_fund_count = count(_("专项资金个数"))
    special_fund_late_count = count(_("未按进度下达的专项个数"))
    procurement_budget = money(_("政府采购预算数"))
    procurement_actual = money(_("政府采购实际数"))
    card_due = money(_("公务卡应结算金额"))
    card_actual = money(_("公务卡实际刷卡金额"))
    work_planned = count(_("计划工作数"))
    work_completed = count(_("实际完成工作数"))
    work_timely = count(_("及时完成工作数"))
    work_quality = count(_("质量达标工作数"))
    key_work_assigned = count(_("重点工作交办数"))
    key_work_completed = count(_("重点工作办结数"))
    satisfaction = percent(_("满意度（%）"))

    class Meta:
        verbose_name = _("基础数据")
        verbose_name_plural = _("基础数据")

    def __str__(self):
        return str(self.report)
