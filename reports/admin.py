from django.contrib import admin

from reports.models import (
    Evaluator,
    Narrative,
    QualitativeGoal,
    QuantitativeIndicator,
    Report,
    ReportEdit,
    ScoreEntry,
    StatusChange,
    Task,
)


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0


class QualitativeGoalInline(admin.TabularInline):
    model = QualitativeGoal
    extra = 0


class QuantitativeIndicatorInline(admin.TabularInline):
    model = QuantitativeIndicator
    extra = 0


class EvaluatorInline(admin.TabularInline):
    model = Evaluator
    extra = 0


class NarrativeInline(admin.StackedInline):
    model = Narrative
    extra = 0


class ScoreEntryInline(admin.TabularInline):
    model = ScoreEntry
    extra = 0
    fields = ("indicator", "self_score", "deduction_reason", "review_score", "review_note")
    raw_id_fields = ("indicator",)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ("at", "by", "from_status", "to_status", "comment")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReportEditInline(admin.TabularInline):
    model = ReportEdit
    extra = 0
    fields = ("at", "by", "section", "revision", "changes")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("evaluation_year", "department", "status", "revision", "updated_at")
    list_filter = ("evaluation_year", "status")
    list_select_related = ("evaluation_year", "department")
    search_fields = ("department__code", "department__name")
    # Status moves only through reports.workflow, never by editing the field.
    readonly_fields = ("status", "revision")
    inlines = [
        TaskInline, QualitativeGoalInline, QuantitativeIndicatorInline, EvaluatorInline, NarrativeInline,
        ScoreEntryInline, StatusChangeInline, ReportEditInline,
    ]
