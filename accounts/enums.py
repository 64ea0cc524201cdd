from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminRole(models.TextChoices):
    """三员分立: the three administrator roles of GB/T 22239-2019. A user holds at most one."""

    SYSTEM = "system", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDIT = "audit", _("审计管理员")
