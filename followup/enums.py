"""The vocabulary of follow-up: a finding's steps, its categories, notice kinds and reminder thresholds."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class FindingStatus(models.TextChoices):
    """A 整改 item: the department answers (待验收), the reviewer accepts (已整改) or returns it (待整改)."""

    OPEN = "open", _("待整改")
    REPLIED = "replied", _("待验收")
    ACCEPTED = "accepted", _("已整改")


UNRESOLVED = frozenset({FindingStatus.OPEN, FindingStatus.REPLIED})


class FindingCategory(models.TextChoices):
    BUDGET = "budget", _("预算编制")
    EXECUTION = "execution", _("预算执行")
    TARGETS = "targets", _("绩效目标")
    FINANCE = "finance", _("财务管理")
    ASSETS = "assets", _("资产管理")
    DISCLOSURE = "disclosure", _("信息公开")
    REPORT = "report", _("自评质量")
    OTHER = "other", _("其他")


class NoticeKind(models.TextChoices):
    ISSUED = "issued", _("整改通知")
    REPLIED = "replied", _("整改答复")
    RETURNED = "returned", _("整改退回")
    ACCEPTED = "accepted", _("整改验收")
    REMINDER = "reminder", _("截止提醒")
    RESULT = "result", _("结果应用")
    YEAR_OPEN = "year_open", _("年度开启")


# Days before a deadline at which one reminder goes out (0: on the day).
REMINDER_DAYS = (7, 3, 1, 0)

# Offered when a year's mapping is first shown (editable per year).
DEFAULT_CONSEQUENCES = {"优秀": "优先保障", "良好": "保障", "中": "压缩", "差": "取消"}
CONSEQUENCE_SUGGESTIONS = ("优先保障", "保障", "压缩", "取消", "调整")
