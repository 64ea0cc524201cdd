"""The vocabulary every reviewed document shares: its steps and the kinds of notice a move gives.

A document's own Status (reports.enums.Status, targets.enums.Status) uses these values with its own
labels (已审定, 已批复), so the recipients rule in workflow.notices serves each of them.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Step(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DEPT_REVIEW = "dept_review", _("部门审核")
    FINANCE_REVIEW = "finance_review", _("财政审核")
    APPROVED = "approved", _("已审定")


class NoticeKind(models.TextChoices):
    TO_REVIEW = "to_review", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审定")
    REOPENED = "reopened", _("已重新打开")
