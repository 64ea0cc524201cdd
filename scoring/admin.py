from django.contrib import admin

from scoring.models import EvaluationYear, GradeBand, Indicator, Rubric


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fk_name = "rubric"
    extra = 0
    fields = ("order", "level", "code", "label", "points", "shares_points_with", "rule_kind", "parent")
    show_change_link = True


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ("name", "based_on", "created_at")
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("rubric", "order", "level", "code", "label", "points", "rule_kind")
    list_filter = ("rubric", "level", "rule_kind")
    list_select_related = ("rubric",)
    search_fields = ("code", "label")


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    extra = 0
    fields = ("label", "min_score")


@admin.register(EvaluationYear)
class EvaluationYearAdmin(admin.ModelAdmin):
    list_display = ("year", "rubric", "deadline", "is_open")
    list_select_related = ("rubric",)
    inlines = [GradeBandInline]
