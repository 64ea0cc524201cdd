from django.contrib import admin

from evidence.models import Evidence


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Read-only: files change only through the report's pages (evidence.services), with history and audit."""

    list_display = ("name", "report", "place", "kind", "size", "uploaded_by", "uploaded_at", "removed_at")
    list_filter = ("place", "kind")
    search_fields = ("name", "sha256", "report__department__name")
    fields = ("report", "place", "indicator", "quantitative", "section", "name", "description", "kind", "size",
              "sha256", "uploaded_by", "uploaded_at", "removed_by", "removed_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
