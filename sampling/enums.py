from django.db import models
from django.utils.translation import gettext_lazy as _


class SampleBy(models.TextChoices):
    COUNT = "count", _("按数量")
    SHARE = "share", _("按比例")


class SheetKind(models.TextChoices):
    REREVIEW = "rereview", _("抽评复核")
    EXPERT = "expert", _("专家评分")


class PanelMethod(models.TextChoices):
    MEAN = "mean", _("算术平均")
    TRIMMED = "trimmed", _("去掉一个最高分和一个最低分后平均")
