"""/admin/ in Chinese where third-party apps print English that no catalog translates.

django-otp's TOTP device names its fields and the model with plain strings (no gettext), and the app
headings of django-otp, django-axes and django-tasks-db are English. Field labels and help texts
are given on the admin's form and columns (changing them on the model would be a migration of
someone else's app); the model and app names are display-only attributes (`Options.verbose_name`
is not part of migration state: ModelState reads `original_attrs`). The other missing strings are
in locale/zh_Hans (LOCALE_PATHS). Permission names (stored in English by Django) show as
“应用 · 模型 · 新增/修改/删除/查看”.
"""
from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_NAMES = {
    "axes": _("登录锁定"), "otp_totp": _("双因素认证（TOTP）"), "django_otp": _("双因素认证"),
    "django_tasks_db": _("后台任务队列"), "django_tasks_database": _("后台任务队列"), "django_tasks": _("后台任务"),
}
TOTP_LABELS = {
    "user": (_("用户"), _("使用这一设备的用户。")),
    "name": (_("设备名称"), _("便于识别的设备名称。")),
    "confirmed": (_("已启用"), _("设备是否已确认可用。")),
    "key": (_("密钥"), _("十六进制编码的密钥，最长40字节。")),
    "step": (_("时间步长"), _("每个验证码的有效秒数。")),
    "t0": (_("起始时间"), _("开始计算时间步的 Unix 时间。")),
    "digits": (_("验证码位数"), _("验证码的位数。")),
    "tolerance": (_("容差"), _("允许前后偏差的时间步数。")),
    "drift": (_("时钟偏移"), _("设备时钟与服务器时钟相差的时间步数。")),
    "throttling_failure_timestamp": (_("上次验证失败时间"), _("上次验证失败的时间；上次成功时为空。")),
    "throttling_failure_count": (_("连续失败次数"), _("连续验证失败的次数。")),
}
FIELDSET_NAMES = {
    "Identity": _("设备"), "Timestamps": _("时间"), "Configuration": _("配置"), "State": _("状态"), "Throttling": _("限流"),
}
ACTIONS = {"add": _("新增"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


def _shown(value):
    return "—" if not value else date_format(localtime(value), "Y-m-d H:i")


def _attempt_str(attempt):
    return _("登录尝试：%(username)s %(at)s") % {"username": attempt.username or "", "at": _shown(attempt.attempt_time)}


def _log_str(log):
    return _("登录记录：%(username)s %(at)s") % {"username": log.username or "", "at": _shown(log.attempt_time)}


def _failure_str(failure):
    return _("登录失败：%(username)s %(at)s %(ip)s") % {
        "username": failure.username or "", "at": _shown(failure.attempt_time), "ip": failure.ip_address or ""}


def name_apps():
    """Chinese names for the third-party apps and the TOTP device (display only)."""
    labels = {config.label for config in apps.get_app_configs()}
    for label, name in APP_NAMES.items():
        if label in labels:
            apps.get_app_config(label).verbose_name = name
    TOTPDevice._meta.verbose_name = _("TOTP动态验证设备")
    TOTPDevice._meta.verbose_name_plural = _("TOTP动态验证设备")
    # django-axes's records print themselves in English (breadcrumbs and titles of their pages).
    AccessAttempt.__str__ = _attempt_str
    AccessLog.__str__ = _log_str
    AccessFailureLog.__str__ = _failure_str
    AccessAttemptAdmin.status.short_description = _("状态")


class TOTPDeviceForm(forms.ModelForm):
    class Meta:
        model = TOTPDevice
        fields = list(TOTP_LABELS)
        labels = {name: label for name, (label, _help) in TOTP_LABELS.items()}
        help_texts = {name: help_text for name, (_label, help_text) in TOTP_LABELS.items()}


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("已启用")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("1", _("是")), ("0", _("否"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(confirmed=self.value() == "1")
        return queryset


class TOTPDeviceAdmin(BaseTOTPDeviceAdmin):
    """django-otp's TOTP device admin with Chinese labels, columns, filter and fieldset titles."""

    form = TOTPDeviceForm
    list_filter = [ConfirmedFilter]
    list_display = ["device_user", "device_name", "created", "last_used", "enabled"]
    readonly_fields = ["created", "last_used", "qrcode_link"]
    search_help_text = _("按用户名搜索")

    @admin.display(description=_("用户"), ordering="user")
    def device_user(self, device):
        return device.user

    @admin.display(description=_("设备名称"), ordering="name")
    def device_name(self, device):
        return device.name

    @admin.display(description=_("创建时间"), ordering="created_at")
    def created(self, device):
        return _shown(device and device.created_at)

    @admin.display(description=_("上次使用时间"), ordering="last_used_at")
    def last_used(self, device):
        return _shown(device and device.last_used_at)

    @admin.display(description=_("已启用"), boolean=True, ordering="confirmed")
    def enabled(self, device):
        return device.confirmed

    @admin.display(description=_("二维码"))
    def qrcode_link(self, device):
        try:
            href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        except NoReverseMatch:
            return ""
        return format_html('<a href="{}">{}</a>', href, _("显示二维码"))

    def get_fieldsets(self, request, obj=None):
        renamed = {"created_at": "created", "last_used_at": "last_used"}
        return [
            (FIELDSET_NAMES.get(title, title), {**options, "fields": [renamed.get(f, f) for f in options["fields"]]})
            for title, options in super().get_fieldsets(request, obj)
        ]


def permission_label(permission):
    """“应用 · 模型 · 动作” for a Permission (Django stores its name in English)."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None or action not in ACTIONS:
        return permission.name
    app = apps.get_app_config(model._meta.app_label).verbose_name
    return f"{app} · {model._meta.verbose_name} · {ACTIONS[action]}"


class ChinesePermissionsMixin:
    """Permission choices in Chinese on the group and user forms."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field
