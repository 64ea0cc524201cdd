from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DEPT_REVIEW = "dept_review", _("部门审核")
    FINANCE_REVIEW = "finance_review", _("财政审核")
    APPROVED = "approved", _("已审定")


EDITABLE = frozenset({Status.DRAFT})
IN_REVIEW = frozenset({Status.DEPT_REVIEW, Status.FINANCE_REVIEW})


class Category(models.TextChoices):
    """Leaves of the 定量目标 tree, in the order the form prints them."""

    QUALITY = "quality", _("质量指标")
    QUANTITY = "quantity", _("数量指标")
    TIMELINESS = "timeliness", _("时效指标")
    COST = "cost", _("成本指标")
    SOCIAL = "social", _("社会效益")
    ECONOMIC = "economic", _("经济效益")
    ECOLOGICAL = "ecological", _("生态效益")
    SATISFACTION = "satisfaction", _("社会公众或服务对象满意度")


OUTPUT_CATEGORIES = (Category.QUALITY, Category.QUANTITY, Category.TIMELINESS, Category.COST)
BENEFIT_CATEGORIES = (Category.SOCIAL, Category.ECONOMIC, Category.ECOLOGICAL)
