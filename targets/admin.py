from django.contrib import admin

from targets.models import LibraryIndicator


@admin.register(LibraryIndicator)
class LibraryIndicatorAdmin(admin.ModelAdmin):
    """The bureau's admins curate the indicator library (共性 and 个性)."""

    list_display = ("name", "category", "scope", "direction", "unit", "is_active")
    list_filter = ("category", "scope", "is_active")
    search_fields = ("name",)
    fields = ("name", "category", "scope", "direction", "unit", "description", "is_active")
