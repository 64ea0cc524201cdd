from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin_zh import ChinesePermissionsMixin, TOTPDeviceAdmin, name_apps
from accounts.enums import AdminRole
from accounts.models import User
from accounts.roles import PRIVILEGE_FIELDS
from accounts.services import password_reset_recorded


class UserCreationForm(AdminUserCreationForm):
    """An account an administrator creates must have its password changed at first login."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit=commit)


class PasswordResetForm(AdminPasswordChangeForm):
    """A password an administrator sets is temporary: the user must change it at next login. Each
    reset is its own audit event naming the administrator and the account."""

    def save(self, commit=True):
        self.user.must_change_password = True
        user = super().save(commit=commit)
        password_reset_recorded(user=user, usable=user.has_usable_password())
        return user


def _all_fields(fieldsets):
    return [name for _title, options in fieldsets for name in options["fields"]]


@admin.register(User)
class UserAdmin(ChinesePermissionsMixin, BaseUserAdmin):
    """The system admin manages ordinary accounts; only the security admin grants privileges
    (PRIVILEGE_FIELDS) and resets or deactivates 三员 and superuser accounts; nobody changes their
    own account here, and only a superuser makes a superuser; a superuser grants nothing else
    (accounts/rules.py)."""

    add_form = UserCreationForm
    change_password_form = PasswordResetForm
    fieldsets = BaseUserAdmin.fieldsets + (
        (gettext_lazy("联系方式"), {"fields": ("full_name", "phone")}),
        (gettext_lazy("三员分立与密码策略"), {"fields": ("admin_role", "must_change_password", "password_changed_at")}),
    )
    list_display = ("username", "full_name", "phone", "admin_role", "is_active", "is_staff")
    list_filter = ("admin_role", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "full_name")

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return request.user.has_perm("accounts.manage_account", obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        # A 三员 or superuser account is deactivated by the security admin, never deleted.
        return not obj.is_protected_account and request.user.has_perm("accounts.manage_account", obj)

    def get_readonly_fields(self, request, obj=None):
        # Judged on the stored account: a form just validated has already put the posted
        # admin_role on `obj`, and the page must show the fields the form was built with.
        obj = User.objects.get(pk=obj.pk) if obj is not None else None
        readonly = {"password_changed_at", "last_login", "date_joined"}
        user = request.user
        every = set(_all_fields(self.fieldsets)) - {"password"}
        if obj is not None and not request.user.has_perm("accounts.manage_account", obj):
            return sorted(every | readonly)
        if not user.is_superuser:
            readonly.add("is_superuser")
        if user.admin_role == AdminRole.SECURITY:
            # Roles and permissions; for a 三员 or superuser account also whether it may sign in.
            editable = set(PRIVILEGE_FIELDS)
            if obj is not None and obj.is_protected_account:
                editable.add("is_active")
            readonly.update(every - editable)
        elif not user.is_superuser:
            readonly.update(PRIVILEGE_FIELDS)
        else:
            # A superuser may make a superuser (who passes no business check either) but grants no role,
            # group, permission, staff or 三员 role: with its password resets that would make a puppet.
            readonly.update(set(PRIVILEGE_FIELDS) - {"is_superuser"})
        return sorted(readonly)

    @transaction.atomic
    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, unquote(id))
        if target is not None and not request.user.has_perm("accounts.reset_password", target):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        if obj.admin_role:
            obj.is_staff = True  # the admin site is where a 三员 account works
        super().save_model(request, obj, form, change)


admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdmin)
name_apps()


@admin.register(Group)
class GroupAdmin(ChinesePermissionsMixin, BaseGroupAdmin):
    """Nobody changes the permissions of a group they belong to (that would grant them to themselves)."""

    def has_add_permission(self, request):
        return request.user.has_perm("accounts.grant_privileges") and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.user_set.filter(pk=request.user.pk).exists():
            return False
        return request.user.has_perm("accounts.grant_privileges") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.user_set.filter(pk=request.user.pk).exists():
            return False
        return request.user.has_perm("accounts.grant_privileges") and super().has_delete_permission(request, obj)


