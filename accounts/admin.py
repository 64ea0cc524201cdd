from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("联系方式"), {"fields": ("full_name", "phone")}),)
    list_display = ("username", "full_name", "phone", "is_active", "is_staff")
    search_fields = ("username", "full_name")
