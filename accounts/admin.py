from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.enums import AdminRole
from accounts.models import User
from accounts.roles import PRIVILEGE_FIELDS


class UserCreationForm(AdminUserCreationForm):
    """An account an administrator creates must have its password changed at first login."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit=commit)


class PasswordResetForm(AdminPasswordChangeForm):
    """A password an administrator sets is temporary: the user must change it at next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


def _all_fields(fieldsets):
    return [name for _title, options in fieldsets for name in options["fields"]]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The system admin manages accounts; only the security admin grants privileges (PRIVILEGE_FIELDS);
    nobody but a superuser changes their own privileges or makes a superuser."""

    add_form = UserCreationForm
    change_password_form = PasswordResetForm
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("联系方式"), {"fields": ("full_name", "phone")}),
        (_("三员分立与密码策略"), {"fields": ("admin_role", "must_change_password", "password_changed_at")}),
    )
    list_display = ("username", "full_name", "phone", "admin_role", "is_active", "is_staff")
    list_filter = ("admin_role", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "full_name")

    def get_readonly_fields(self, request, obj=None):
        readonly = {"password_changed_at", "last_login", "date_joined"}
        user = request.user
        if user.is_superuser:
            return sorted(readonly)
        readonly.add("is_superuser")
        if obj is not None and obj.pk == user.pk:
            readonly.update(PRIVILEGE_FIELDS)
        if user.admin_role == AdminRole.SECURITY:
            # Roles and permissions only: identity and password belong to the system admin.
            readonly.update(set(_all_fields(self.fieldsets)) - set(PRIVILEGE_FIELDS) - {"password"})
        else:
            readonly.update(PRIVILEGE_FIELDS)
        return sorted(readonly)

    def user_change_password(self, request, id, form_url=""):
        if not (request.user.is_superuser or request.user.admin_role == AdminRole.SYSTEM):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        if obj.admin_role:
            obj.is_staff = True  # the admin site is where a 三员 account works
        super().save_model(request, obj, form, change)
