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


class RecordInline(admin.TabularInline):
    """A record written by the workflow or the editor: shown, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class StatusChangeInline(RecordInline):
    model = StatusChange
    fields = ("at", "by", "from_status", "to_status", "comment")


class ReportEditInline(RecordInline):
    model = ReportEdit
    fields = ("at", "by", "section", "revision", "changes")


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
