from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    FIRST = 1, _("一级指标")
    SECOND = 2, _("二级指标")
    THIRD = 3, _("三级指标")


class RuleKind(models.TextChoices):
    CAPPED_RATIO = "capped_ratio", _("比率上限（超出扣分）")
    FLOOR_RATIO = "floor_ratio", _("比率下限（不足扣分）")
    BANDS = "bands", _("分档计分")
    BALANCE = "balance", _("资金结余")
    CHECKLIST = "checklist", _("逐项计分")
    VIOLATIONS = "violations", _("逐例扣分")
    MANUAL = "manual", _("人工评分")
