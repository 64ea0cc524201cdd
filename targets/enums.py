from django.db import models
from django.utils.translation import gettext_lazy as _

from workflow.enums import Step


class Status(models.TextChoices):
    """A 绩效目标申报 goes the report's way (workflow.enums.Step values) and ends 已批复."""

    DRAFT = Step.DRAFT.value, _("草稿")
    DEPT_REVIEW = Step.DEPT_REVIEW.value, _("部门审核")
    FINANCE_REVIEW = Step.FINANCE_REVIEW.value, _("财政审核")
    APPROVED = Step.APPROVED.value, _("已批复")


EDITABLE = frozenset({Status.DRAFT})


class AdjustmentStatus(models.TextChoices):
    """A 调整申请: the clerk writes it, the office's reviewer approves it or sends it back."""

    DRAFT = Step.DRAFT.value, _("草稿")
    FINANCE_REVIEW = Step.FINANCE_REVIEW.value, _("财政审核")
    APPROVED = Step.APPROVED.value, _("已批准")


class Category(models.TextChoices):
    """Leaves of the 定量 indicator tree, in the order the 申报表 prints them."""

    QUANTITY = "quantity", _("数量指标")
    QUALITY = "quality", _("质量指标")
    TIMELINESS = "timeliness", _("时效指标")
    COST = "cost", _("成本指标")
    ECONOMIC = "economic", _("经济效益指标")
    SOCIAL = "social", _("社会效益指标")
    ECOLOGICAL = "ecological", _("生态效益指标")
    SUSTAINABLE = "sustainable", _("可持续影响指标")
    SATISFACTION = "satisfaction", _("满意度指标")


# (一级指标, its 二级 categories) as the form prints the tree.
GROUPS = (
    (_("产出指标"), (Category.QUANTITY, Category.QUALITY, Category.TIMELINESS, Category.COST)),
    (_("效益指标"), (Category.ECONOMIC, Category.SOCIAL, Category.ECOLOGICAL, Category.SUSTAINABLE)),
    (_("满意度指标"), (Category.SATISFACTION,)),
)


class Direction(models.TextChoices):
    """How the 实际值 is held to the 指标值."""

    AT_LEAST = "ge", "≥"
    AT_MOST = "le", "≤"
    EQUAL = "eq", "="
    QUALITATIVE = "qual", _("定性")


NUMERIC_DIRECTIONS = frozenset({Direction.AT_LEAST, Direction.AT_MOST, Direction.EQUAL})


class Outcome(models.TextChoices):
    """The 实际完成 of a qualitative (定性) indicator."""

    MET = "met", _("达成")
    MOSTLY = "mostly", _("基本达成")
    PARTLY = "partly", _("部分达成")
    NOT_MET = "not_met", _("未达成")


class Scope(models.TextChoices):
    """An indicator of the library: common to all departments (共性) or one department's own (个性)."""

    COMMON = "common", _("共性指标")
    SPECIFIC = "specific", _("个性指标")
