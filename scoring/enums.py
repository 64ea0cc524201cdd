from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    FIRST = 1, _("一级指标")
    SECOND = 2, _("二级指标")
    THIRD = 3, _("三级指标")


class RuleKind(models.TextChoices):
    # The computed indicators of 财预〔2013〕53号 (their figures are fixed by scoring.framework).
    STAFF_CONTROL_RATE = "staff_control_rate", _("共性指标：在职人员控制率")
    THREE_PUBLIC_CHANGE_RATE = "three_public_change_rate", _("共性指标：“三公经费”变动率")
    KEY_EXPENDITURE_RATE = "key_expenditure_rate", _("共性指标：重点支出安排率")
    BUDGET_COMPLETION_RATE = "budget_completion_rate", _("共性指标：预算完成率")
    BUDGET_ADJUSTMENT_RATE = "budget_adjustment_rate", _("共性指标：预算调整率")
    PAYMENT_PROGRESS_RATE = "payment_progress_rate", _("共性指标：支付进度率")
    CARRYOVER_RATE = "carryover_rate", _("共性指标：结转结余率")
    CARRYOVER_CHANGE_RATE = "carryover_change_rate", _("共性指标：结转结余变动率")
    PUBLIC_FUNDS_CONTROL_RATE = "public_funds_control_rate", _("共性指标：公用经费控制率")
    THREE_PUBLIC_CONTROL_RATE = "three_public_control_rate", _("共性指标：“三公经费”控制率")
    PROCUREMENT_RATE = "procurement_rate", _("共性指标：政府采购执行率")
    FIXED_ASSET_UTILIZATION = "fixed_asset_utilization", _("共性指标：固定资产利用率")
    COMPLETION_RATE = "completion_rate", _("共性指标：实际完成率")
    TIMELINESS_RATE = "timeliness_rate", _("共性指标：完成及时率")
    QUALITY_RATE = "quality_rate", _("共性指标：质量达标率")
    KEY_WORK_RATE = "key_work_rate", _("共性指标：重点工作办结率")
    # Generic rules over any figures, and the rules people feed.
    CAPPED_RATIO = "capped_ratio", _("比率上限（超出扣分）")
    FLOOR_RATIO = "floor_ratio", _("比率下限（不足扣分）")
    BANDS = "bands", _("分档计分")
    BALANCE = "balance", _("资金结余")
    # The approved year-start targets' 完成率 (scoring.target_rules).
    TARGET_COMPLETION = "target_completion", _("绩效目标完成率")
    CHECKLIST = "checklist", _("逐项计分")
    VIOLATIONS = "violations", _("逐例扣分")
    MANUAL = "manual", _("人工评分")
