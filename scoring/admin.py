"""Admin for rubrics, their indicators and the evaluation years' grade bands.

A rubric is edited as a whole (its indicators inline) so that the points can be checked to add
up at every level before anything is saved; a rubric whose year already has reports is shown
read-only. Single indicators may be edited too, checked against the rest of their rubric.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evalsite.text import visible
from evalsite.xlsx import UnreadableWorkbook, xlsx_check
from scoring import sheets
from scoring.models import EvaluationYear, GradeBand, Indicator, Rubric
from scoring.rules import FIGURE_LABELS
from scoring.services import (
    rubric_copy,
    rubric_export_sheet,
    rubric_import_sheet,
    rubric_is_frozen,
    rubric_nodes_from_db,
    year_set_grade_bands,
)
from scoring.validators import validate_grade_bands, validate_rubric


def _node(data, instance=None):
    """A plain validator node from a form's cleaned data (falling back to the saved row)."""
    def pick(name):
        if name in data:
            return data[name]
        return getattr(instance, name, None)

    parent, lead = pick("parent"), pick("shares_points_with")
    return {
        "code": pick("code"), "level": pick("level"), "label": pick("label"), "points": pick("points"),
        "parent": parent.code if parent is not None else None,
        "shares_points_with": lead.code if lead is not None else None,
        "rule_kind": pick("rule_kind"), "rule_params": pick("rule_params") or {}, "is_custom": bool(pick("is_custom")),
    }


class RubricIndicatorFormSet(forms.BaseInlineFormSet):
    """The rubric's rows; saving is refused unless 三级 → 二级 → 一级 → 100 add up and every rule can score."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        same_rubric = Indicator.objects.filter(rubric=self.instance) if self.instance.pk else Indicator.objects.none()
        for name in ("parent", "shares_points_with"):
            if name in form.fields:
                form.fields[name].queryset = same_rubric

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        nodes, renamed, freed = [], [], set()
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            old_code = form.initial.get("code")
            if self.can_delete and self._should_delete_form(form):
                freed.add(old_code)
                continue
            nodes.append(_node(form.cleaned_data, form.instance))
            if old_code is not None and form.cleaned_data.get("code") != old_code:
                freed.add(old_code)
                renamed.append(form.cleaned_data.get("code"))
        # Rows are saved one by one: a code taken over from a row renamed or deleted in the same
        # save would collide in the database half-way.
        taken = [code for code in renamed if code in freed]
        if taken:
            raise ValidationError(_("指标代码“%(code)s”在本次保存中由另一指标让出，请分两次保存。") % {"code": taken[0]})
        validate_rubric(nodes, figure_keys=FIGURE_LABELS.keys())


class IndicatorInline(admin.StackedInline):
    model = Indicator
    fk_name = "rubric"
    formset = RubricIndicatorFormSet
    extra = 0
    fields = (
        ("order", "level", "code", "is_custom", "requires_evidence"), "label", "standard", ("points", "parent", "shares_points_with"),
        ("rule_kind", "rule_params"),
    )
    show_change_link = True

    def _frozen(self, obj):
        return obj is not None and rubric_is_frozen(obj)

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class RubricSheetForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))
    name = forms.CharField(label=gettext_lazy("新评分表名称"), max_length=100, required=False,
                           help_text=gettext_lazy("留空则用表格“说明”页中的评分表名称。"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SHEET_BYTES:
            raise ValidationError(_("文件不能超过5MB。"))
        try:
            xlsx_check(upload, max_rows=sheets.MAX_ROWS, max_columns=sheets.MAX_COLUMNS)
        except UnreadableWorkbook as error:
            raise ValidationError(error.message) from error
        return upload


MAX_SHEET_BYTES = 5 * 1024 * 1024


@admin.action(description=gettext_lazy("导出所选评分表为Excel"))
def export_rubric_sheet(modeladmin, request, queryset):
    rubrics = list(queryset[:2])
    if len(rubrics) != 1:
        modeladmin.message_user(request, _("请只选择一个评分表导出。"), messages.WARNING)
        return None
    response = HttpResponse(rubric_export_sheet(rubrics[0]), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{visible(rubrics[0].name)}.xlsx")
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.action(description=gettext_lazy("复制所选评分表"))
def copy_rubrics(modeladmin, request, queryset):
    for rubric in queryset:
        copy = rubric_copy(rubric=rubric)
        modeladmin.message_user(
            request, _("已将评分表“%(old)s”复制为“%(new)s”。") % {"old": rubric.name, "new": copy.name}, messages.SUCCESS
        )


class FrozenRubricMixin:
    """Read-only once the rubric's year has reports."""

    def _rubric_of(self, obj):
        return obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and rubric_is_frozen(self._rubric_of(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and rubric_is_frozen(self._rubric_of(obj)):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Rubric)
class RubricAdmin(FrozenRubricMixin, admin.ModelAdmin):
    list_display = ("name", "based_on", "created_at", "is_frozen")
    list_select_related = ("based_on",)
    fields = ("name", "based_on")
    readonly_fields = ("based_on",)
    inlines = [IndicatorInline]
    actions = [copy_rubrics, export_rubric_sheet]
    change_list_template = "admin/scoring/rubric/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_sheet_view)
        return [path("import-sheet/", view, name="scoring_rubric_import_sheet"), *super().get_urls()]

    def import_sheet_view(self, request):
        """Upload a rubric sheet: 检查 lists every problem by row; 导入 creates a new rubric from a clean sheet."""
        if not request.user.has_perm("scoring.add_rubric"):
            raise PermissionDenied
        result = None
        form = RubricSheetForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = rubric_import_sheet(file=form.cleaned_data["file"], name=form.cleaned_data["name"],
                                         dry_run=request.POST.get("action") != "import")
            if result.rubric is not None:
                self.message_user(request, _("已导入评分表“%(name)s”，共%(rows)s行。") % {
                    "name": result.rubric.name, "rows": len(result.nodes)}, messages.SUCCESS)
                return redirect("admin:scoring_rubric_change", result.rubric.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "result": result, "title": _("从Excel导入评分表")}
        return TemplateResponse(request, "admin/scoring/rubric/import_sheet.html", context)

    @admin.display(description=gettext_lazy("已冻结"), boolean=True)
    def is_frozen(self, obj):
        return obj.frozen

    def get_queryset(self, request):
        in_use = EvaluationYear.objects.filter(rubric=OuterRef("pk"), reports__isnull=False)
        return super().get_queryset(request).annotate(frozen=Exists(in_use))

    def has_add_permission(self, request):
        # A rubric starts as a copy (the action above), so that it is whole from the start.
        return False


class IndicatorAdminForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ("label", "standard", "points", "rule_kind", "rule_params", "is_custom", "requires_evidence", "order")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        nodes = rubric_nodes_from_db(self.instance.rubric)
        for index, node in enumerate(nodes):
            if node["code"] == self.instance.code:
                nodes[index] = {**node, **{k: cleaned[k] for k in self.Meta.fields if k in cleaned}}
        try:
            validate_rubric(nodes, figure_keys=FIGURE_LABELS.keys())
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return cleaned


@admin.register(Indicator)
class IndicatorAdmin(FrozenRubricMixin, admin.ModelAdmin):
    form = IndicatorAdminForm
    list_display = ("rubric", "order", "level", "code", "label", "points", "rule_kind", "requires_evidence")
    list_filter = ("rubric", "level", "rule_kind")
    list_select_related = ("rubric",)
    search_fields = ("code", "label")
    fields = ("rubric", "level", "code", "parent", "shares_points_with", *IndicatorAdminForm.Meta.fields)
    readonly_fields = ("rubric", "level", "code", "parent", "shares_points_with")

    def _rubric_of(self, obj):
        return obj.rubric

    def has_add_permission(self, request):
        # Rows are added on their rubric's page, where the points can be rebalanced in the same save.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GradeBandFormSet(forms.BaseInlineFormSet):
    """The year's bands, validated together and saved as a whole (scoring.services.year_set_grade_bands)."""

    def bands(self):
        return [
            (form.cleaned_data["label"], form.cleaned_data["min_score"])
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]

    def validate_unique(self):
        # Bands are replaced as a whole, so only their final labels and cut-offs must be distinct:
        # validate_grade_bands says so in Chinese.
        return

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        validate_grade_bands(self.bands())

    def save(self, commit=True):
        old = list(self.instance.grade_bands.all())
        self.changed_objects = []
        if not self.has_changed():
            self.new_objects, self.deleted_objects = [], []
            return []
        self.deleted_objects = old
        self.new_objects = year_set_grade_bands(evaluation_year=self.instance, bands=self.bands())
        return self.new_objects


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    formset = GradeBandFormSet
    extra = 0
    fields = ("label", "min_score")


@admin.register(EvaluationYear)
class EvaluationYearAdmin(admin.ModelAdmin):
    list_display = ("year", "rubric", "deadline", "is_open")
    list_select_related = ("rubric",)
    fields = ("year", "rubric", "deadline", "score_step", "is_open")
    inlines = [GradeBandInline]

    def get_readonly_fields(self, request, obj=None):
        # Once reports of the year exist, the year keeps the rubric they were scored against.
        if obj is not None and obj.reports.exists():
            return ("year", "rubric")
        return ()
