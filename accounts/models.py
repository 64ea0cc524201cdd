import rules
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import AdminRole
from accounts.validators import validate_admin_role_memberships
from evalsite.text import VisibleNamesMixin


class User(VisibleNamesMixin, AbstractUser):
    """A person who logs in. Business roles come from departments.Membership; `admin_role` is the
    one 三员 role (system, security or audit administrator) a user may hold, if any."""

    # The username's validator already refuses invisible characters (letters, digits and . @ + - _ only).
    visible_fields = ("full_name", "first_name", "last_name")

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    admin_role = models.CharField(_("管理员角色（三员）"), max_length=20, choices=AdminRole.choices, blank=True, default="")
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("新建或重置密码的账户在下次登录时必须先修改密码。")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=Q(admin_role__in=["", *AdminRole.values]), name="user_admin_role_valid",
            ),
            # A superuser holds every power at once, which 三员分立 forbids for the three roles.
            models.CheckConstraint(
                condition=Q(admin_role="") | Q(is_superuser=False), name="user_admin_role_not_superuser",
                violation_error_message=_("三员账户不能是超级用户。"),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def is_protected_account(self):
        """A 三员 account or a superuser: only the security admin resets or deactivates it."""
        return bool(self.admin_role) or self.is_superuser

    def has_perm(self, perm, obj=None):
        """Business predicates (django-rules, e.g. reports.edit_report) are asked of django-rules alone: no other
        backend grants them (ModelBackend and the 三员 roles hold model permissions only), and ModelBackend would
        read the user's and groups' permission rows for a check without an object (the navbar's on every page).
        They never pass on is_superuser. Everything else as Django has it: a superuser keeps the admin site's
        model permissions (a model-level check without an object)."""
        if _is_business_permission(perm, obj):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def validate_business_role(self, role):
        """ValidationError when this account may not hold the business role `role` (a 三员 account
        or a superuser holds none)."""
        validate_admin_role_memberships(
            admin_role=self.admin_role, is_superuser=self.is_superuser, membership_roles=[role],
        )

    def clean(self):
        super().clean()
        if self.is_protected_account and self.pk is not None:
            validate_admin_role_memberships(
                admin_role=self.admin_role, is_superuser=self.is_superuser,
                membership_roles=self.memberships.values_list("role", flat=True),
            )


def _is_business_permission(perm, obj):
    from accounts.backends import all_permission_names  # backends import axes: not at model load time

    return rules.perm_exists(perm) and (obj is not None or perm not in all_permission_names())


class PasswordHistory(models.Model):
    """A hash of a password the user has had (accounts.validators.PasswordHistoryValidator)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="password_history", verbose_name=_("用户"))
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"
