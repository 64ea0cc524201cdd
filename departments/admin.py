from django.contrib import admin

from departments.models import Bureau, Department, Membership, Office


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ("name", "region")


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "bureau")
    list_select_related = ("bureau",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "office", "parent", "is_active")
    list_filter = ("is_active", "office")
    list_select_related = ("office", "parent")
    search_fields = ("code", "name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "department", "office")
    list_filter = ("role",)
    list_select_related = ("user", "department", "office")
    search_fields = ("user__username", "user__full_name")
