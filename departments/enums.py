from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("填报人")
    HEAD = "head", _("部门负责人")
    REVIEWER = "reviewer", _("财政审核人")
    ADMIN = "admin", _("管理员")


# Roles held for one department, and roles held for one finance-bureau office.
DEPARTMENT_ROLES = frozenset({Role.CLERK, Role.HEAD})
OFFICE_ROLES = frozenset({Role.REVIEWER})
