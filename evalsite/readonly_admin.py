"""Admin classes that show records and never change them (reports, their rows, the audit log).

A report changes only through the editor and reports.workflow, which bump its revision and write
its history; approved content, its digest and its verification token are frozen. So in /admin/
these models are read-only for everyone, superusers included.
"""
from django.contrib import admin


class ReadOnlyMixin:
    def get_readonly_fields(self, request, obj=None):
        # Non-editable fields (auto_now stamps) may be shown only as read-only fields.
        return self.fields or [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(ReadOnlyMixin, admin.ModelAdmin):
    actions = None  # no "delete selected"


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


class ReadOnlyStackedInline(ReadOnlyMixin, admin.StackedInline):
    extra = 0
