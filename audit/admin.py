from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.enums import Event
from audit.exporters import audit_csv
from audit.models import AuditEvent, Tally
from audit.services import audit_record


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log can be searched and exported here, never added to, changed or deleted."""

    list_display = ("at", "event", "username", "ip", "object_repr", "success")
    list_filter = ("event", "success", "at")
    search_fields = ("username", "ip", "object_repr", "detail")
    date_hierarchy = "at"
    actions = ["export_csv"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_export_permission(self, request):
        return request.user.has_perm("audit.export_auditevent")

    @admin.action(description=gettext_lazy("导出所选审计日志（CSV）"), permissions=["export"])
    def export_csv(self, request, queryset):
        count = queryset.count()
        audit_record(event=Event.EXPORT, request=request, detail=_("导出审计日志 %(count)s 条") % {"count": count})
        response = HttpResponse(audit_csv(queryset), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response


@admin.register(Tally)
class TallyAdmin(admin.ModelAdmin):
    """Read-only: the anonymous request counts (the /verify/ page's misses and refusals per address and day)."""

    list_display = ("window", "kind", "ip", "count", "last_at", "last_path")
    list_filter = ("kind", "window")
    search_fields = ("ip",)
    readonly_fields = [f.name for f in Tally._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
