from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from departments.enums import Role
from evalsite.text import VisibleNamesMixin


class Bureau(VisibleNamesMixin, models.Model):
    """A finance bureau running the evaluation (one per installation, normally)."""

    visible_fields = ("name", "region")

    name = models.CharField(_("财政局名称"), max_length=100, unique=True)
    region = models.CharField(_("行政区划"), max_length=50, help_text=_("印在封面标题中，如 岳阳楼区"))

    class Meta:
        verbose_name = _("财政局")
        verbose_name_plural = _("财政局")

    def __str__(self):
        return self.name

    @property
    def issuer(self):
        """制表机关 as the cover prints it."""
        return f"{self.name}（制）"


class Office(VisibleNamesMixin, models.Model):
    """A 归口业务科室 of the finance bureau; it reviews the departments it covers."""

    visible_fields = ("name",)

    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="offices", verbose_name=_("财政局"))
    name = models.CharField(_("科室名称"), max_length=100)

    class Meta:
        verbose_name = _("归口业务科室")
        verbose_name_plural = _("归口业务科室")
        constraints = [models.UniqueConstraint(fields=["bureau", "name"], name="office_unique_name")]

    def __str__(self):
        return self.name


class Department(VisibleNamesMixin, models.Model):
    """A 部门（单位） that files one report a year."""

    visible_fields = ("code", "name")

    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="departments", verbose_name=_("财政局"))
    code = models.CharField(_("预算编码"), max_length=30, unique=True)
    name = models.CharField(_("部门（单位）名称"), max_length=100)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级部门")
    )
    office = models.ForeignKey(
        Office, models.PROTECT, null=True, blank=True, related_name="departments", verbose_name=_("归口业务科室")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门（单位）")
        verbose_name_plural = _("部门（单位）")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Membership(models.Model):
    """One role of one user: for a department (填报人, 部门负责人), an office (财政审核人) or global (管理员)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("部门（单位）")
    )
    office = models.ForeignKey(
        Office, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("归口业务科室")
    )

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=[Role.CLERK, Role.HEAD], department__isnull=False, office__isnull=True)
                    | Q(role=Role.REVIEWER, department__isnull=True, office__isnull=False)
                    | Q(role=Role.ADMIN, department__isnull=True, office__isnull=True)
                ),
                name="membership_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"], condition=Q(department__isnull=False),
                name="membership_unique_department_role",
            ),
            models.UniqueConstraint(
                fields=["user", "office"], condition=Q(role=Role.REVIEWER), name="membership_unique_office"
            ),
            models.UniqueConstraint(fields=["user"], condition=Q(role=Role.ADMIN), name="membership_unique_admin"),
        ]

    def __str__(self):
        scope = self.department or self.office or ""
        return f"{self.user} · {self.get_role_display()} {scope}".strip()
