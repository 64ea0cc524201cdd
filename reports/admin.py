"""Reports in /admin/: shown, never changed (evalsite.readonly_admin says why)."""
from django.contrib import admin

from evalsite.readonly_admin import ReadOnlyModelAdmin, ReadOnlyStackedInline, ReadOnlyTabularInline
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


class TaskInline(ReadOnlyTabularInline):
    model = Task


class QualitativeGoalInline(ReadOnlyTabularInline):
    model = QualitativeGoal


class QuantitativeIndicatorInline(ReadOnlyTabularInline):
    model = QuantitativeIndicator


class EvaluatorInline(ReadOnlyTabularInline):
    model = Evaluator


class NarrativeInline(ReadOnlyStackedInline):
    model = Narrative


class ScoreEntryInline(ReadOnlyTabularInline):
    model = ScoreEntry
    fields = ("indicator", "self_score", "deduction_reason", "review_score", "review_note")


class StatusChangeInline(ReadOnlyTabularInline):
    model = StatusChange
    fields = ("at", "by", "from_status", "to_status", "comment")


class ReportEditInline(ReadOnlyTabularInline):
    model = ReportEdit
    fields = ("at", "by", "section", "revision", "changes")


@admin.register(Report)
class ReportAdmin(ReadOnlyModelAdmin):
    list_display = ("evaluation_year", "department", "status", "revision", "updated_at")
    list_filter = ("evaluation_year", "status")
    list_select_related = ("evaluation_year", "department")
    search_fields = ("department__code", "department__name")
    inlines = [
        TaskInline, QualitativeGoalInline, QuantitativeIndicatorInline, EvaluatorInline, NarrativeInline,
        ScoreEntryInline, StatusChangeInline, ReportEditInline,
    ]
