"""The bureau admin's pages: evaluation years, opening a year, the progress dashboard, downloads,
and the department import. Every view requires reports.administer (reports/rules.py)."""
import csv
import tempfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import IntegerField, OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from departments import importer
from departments.importer import departments_import
from departments.services import bureau_default
from evalsite.paging import page_of
from evalsite.xlsx import UnreadableWorkbook, xlsx_check
from jobs.enums import Kind as JobKind
from jobs.services import job_start
from reports.enums import Status
from reports.exporters.archive import approved_pdfs_zip
from reports.exporters.charts import chart_csv_rows, chart_data, year_progress
from reports.exporters.summary import days_left, summary_workbook_write
from reports.models import Report
from reports.selectors import (
    extended_deadlines,
    office_status_counts,
    pending_count,
    pending_departments,
    reports_visible_to,
    status_counts,
)
from scoring.grades import DEFAULT_GRADE_BANDS
from scoring.models import EvaluationYear, Rubric
from scoring.services import rubric_templates_get_or_create
from scoring.validators import validate_grade_bands

MAX_IMPORT_BYTES = 5 * 1024 * 1024
PENDING_PAGE = 50
DASHBOARD_CHART_SECONDS = 120
# Above this many reports in the year the summary workbook is not written inside the request: at 15,000 it took
# 180 s (docs/benchmarks.md, issue #14), past gunicorn's 60 s timeout, and the worker is killed. The dashboard's
# 年度汇总表 job (jobs.runners) writes the same cells in the background.
INLINE_SUMMARY_MAX_REPORTS = 2000


def admin_view(view):
    """Logged in, and holding reports.administer (403 otherwise)."""
    return login_required(permission_required("reports.administer", raise_exception=True)(view))


# --- Forms -----------------------------------------------------------------------------------
class YearOpenForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("评价年度"), min_value=2000, max_value=2100)
    rubric = forms.ModelChoiceField(label=gettext_lazy("评分表"), queryset=Rubric.objects.none(), empty_label=None)
    deadline = forms.DateField(label=gettext_lazy("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = Rubric.objects.order_by("-created_at", "-pk")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if EvaluationYear.objects.filter(year=year).exists():
            raise ValidationError(_("%(year)s年度已开启，不能重复开启。") % {"year": year})
        return year


class GradeBandForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("等次"), max_length=20, required=False)
    min_score = forms.DecimalField(
        label=gettext_lazy("最低分"), max_digits=5, decimal_places=2, required=False, min_value=0, max_value=100,
    )

    def clean(self):
        data = super().clean()
        label, minimum = (data.get("label") or "").strip(), data.get("min_score")
        if label and minimum is None and "min_score" not in self.errors:
            self.add_error("min_score", _("请填写该等次的最低分。"))
        if minimum is not None and not label:
            self.add_error("label", _("请填写等次名称。"))
        data["label"] = label
        return data


class BaseGradeBandFormSet(forms.BaseFormSet):
    def bands(self):
        return [
            (form.cleaned_data["label"], form.cleaned_data["min_score"])
            for form in self.forms if form.cleaned_data.get("label")
        ]

    def clean(self):
        if any(self.errors):
            return
        validate_grade_bands(self.bands())


GradeBandFormSet = forms.formset_factory(GradeBandForm, formset=BaseGradeBandFormSet, extra=2)


class DepartmentImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("文件不能超过5MB。"))
        try:
            xlsx_check(upload, max_rows=importer.MAX_ROWS, max_columns=importer.MAX_COLUMNS)
        except UnreadableWorkbook as error:
            raise ValidationError(error.message) from error
        return upload


# --- Years and dashboard ---------------------------------------------------------------------
class SubqueryCount(Subquery):
    """The number of rows of a correlated queryset, as one scalar subquery (0 when it has none)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


@admin_view
def manage_index(request):
    """The evaluation years with their report counts, and links to open a year and import departments.

    Each year's count is a correlated COUNT on the (year, status) index, not a join grouped by every column of
    the year and its rubric, which sorted all the reports of every year."""
    reports = Report.objects.filter(evaluation_year=OuterRef("pk")).order_by().values("pk")
    years = EvaluationYear.objects.select_related("rubric").annotate(report_count=SubqueryCount(reports)).order_by("-year")
    return render(request, "reports/admin/index.html", {"years": years})


@admin_view
@require_http_methods(["GET", "POST"])
def manage_year_open(request):
    """Open a year: rubric, grade bands and deadline; 草稿 reports for every active department."""
    templates = rubric_templates_get_or_create()  # 岳阳 2021 and the framework's 共性指标 are always there to pick
    if request.method == "POST":
        form = YearOpenForm(request.POST)
        bands = GradeBandFormSet(request.POST, prefix="bands")
        if form.is_valid() and bands.is_valid():
            # A province's year (15,000 departments) takes longer than a request may: a background job opens
            # it in one transaction, and its page shows the outcome (jobs.runners.run_year_open).
            year = form.cleaned_data["year"]
            job = job_start(kind=JobKind.YEAR_OPEN, owner=request.user, title=_("开启%(year)s年度") % {"year": year},
                            params={"year": year, "rubric": form.cleaned_data["rubric"].pk,
                                    "deadline": form.cleaned_data["deadline"].isoformat(),
                                    "bands": [[label, str(minimum)] for label, minimum in bands.bands()]})
            return redirect("job_detail", pk=job.pk)
    else:
        latest = EvaluationYear.objects.order_by("-year").first()
        initial_year = latest.year + 1 if latest else timezone.localdate().year - 1
        # Preselected: last year's rubric, else 岳阳 2021 (the first template), not merely the newest rubric.
        form = YearOpenForm(initial={"year": initial_year, "rubric": latest.rubric_id if latest else templates[0].pk})
        bands = GradeBandFormSet(
            prefix="bands", initial=[{"label": label, "min_score": minimum} for label, minimum in DEFAULT_GRADE_BANDS],
        )
    return render(request, "reports/admin/year_open.html", {"form": form, "bands": bands})


def _year_or_404(year):
    return get_object_or_404(EvaluationYear.objects.select_related("rubric"), year=year)


def _progress(request, evaluation_year):
    return year_progress(
        reports=reports_visible_to(request.user), evaluation_year=evaluation_year,
        today=timezone.localdate(), include_missing=True,
    )


def _year_overview(request, evaluation_year, scoped):
    """The figures over every report of the year: the charts' (grades and score histogram) and the counts by
    office and status, computed once per DASHBOARD_CHART_SECONDS and cached, so that the dashboard's own time
    does not grow with the number of departments. Returns (chart_data, by_office, computed_at)."""
    key = f"dashboard-overview:{evaluation_year.pk}:{request.user.pk}"
    cached = cache.get(key)
    if cached is None:
        progress = year_progress(
            reports=reports_visible_to(request.user), evaluation_year=evaluation_year,
            today=timezone.localdate(), include_missing=False,
        )
        cached = (chart_data(progress), office_status_counts(scoped), timezone.now())
        cache.set(key, cached, DASHBOARD_CHART_SECONDS)
    return cached


@admin_view
def manage_year_dashboard(request, year):
    """Progress of one year: counts by status (live) and by office (with the charts, every two minutes), a page
    of who has not submitted (live), grade and score charts."""
    evaluation_year = _year_or_404(year)
    scoped = reports_visible_to(request.user).filter(evaluation_year=evaluation_year)
    counts = status_counts(scoped)
    charts, by_office, computed_at = _year_overview(request, evaluation_year, scoped)
    today = timezone.localdate()
    pending = page_of(request, pending_departments(scoped, evaluation_year), per_page=PENDING_PAGE,
                      count=pending_count(counts, evaluation_year))
    extended = extended_deadlines(evaluation_year)
    rows = [
        {"code": code, "name": name, "office": office or "",
         "state": _("未创建报告") if missing else (_("已退回") if returned else Status.DRAFT.label),
         "days_left": days_left(evaluation_year, today, extended.get(code)), "extended": extended.get(code)}
        for code, name, office, returned, missing in pending.object_list
    ]
    for row in rows:
        row["days_overdue"] = None if row["days_left"] is None else -row["days_left"]
    return render(request, "reports/admin/dashboard.html", {
        "year": evaluation_year, "total": sum(counts.values()),
        "by_status": [(status.label, counts[status]) for status in Status],
        "by_office": by_office, "pending": pending, "pending_rows": rows,
        "charts": charts, "charts_at": computed_at,
    })


CHART_FILES = {"grades": gettext_lazy("评价等次分布"), "scores": gettext_lazy("综合得分分布")}


@admin_view
def manage_year_chart_csv(request, year, chart):
    """One dashboard chart's data as CSV (UTF-8 with BOM, so that Excel reads the Chinese)."""
    if chart not in CHART_FILES:
        raise Http404
    evaluation_year = _year_or_404(year)
    data = chart_data(_progress(request, evaluation_year))[chart]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{year}年度{CHART_FILES[chart]}.csv")
    response.write("\ufeff")
    csv.writer(response).writerows(chart_csv_rows(data))
    return response


@admin_view
def manage_year_summary(request, year):
    """The year's summary workbook, written to a temporary file (write-only mode) and streamed; for a year
    with more than INLINE_SUMMARY_MAX_REPORTS reports, back to the dashboard, whose job builds it."""
    evaluation_year = _year_or_404(year)
    count = evaluation_year.reports.count()
    if count > INLINE_SUMMARY_MAX_REPORTS:
        messages.warning(request, _("本年度有%(count)s份报告，汇总表请点击“生成汇总表（Excel）”在后台生成，完成后在任务页下载。")
                         % {"count": count})
        return redirect("manage_year_dashboard", year)
    handle = tempfile.TemporaryFile()
    summary_workbook_write(
        handle, reports=reports_visible_to(request.user), evaluation_year=evaluation_year, include_missing=True,
    )
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{year}年度部门整体支出绩效自评汇总.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@admin_view
def manage_year_pdfs(request, year):
    """The year's approved PDFs as one ZIP, streamed as it is built."""
    evaluation_year = _year_or_404(year)
    response = StreamingHttpResponse(
        approved_pdfs_zip(reports_visible_to(request.user), evaluation_year), content_type="application/zip",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{year}年度已审定自评报告.zip")
    return response


# --- Departments -----------------------------------------------------------------------------
@admin_view
@require_http_methods(["GET", "POST"])
def manage_department_import(request):
    """Upload a sheet of departments: 检查 lists every problem by row; 导入 writes only a clean sheet."""
    result = None
    if request.method == "POST":
        form = DepartmentImportForm(request.POST, request.FILES)
        if form.is_valid():
            dry_run = request.POST.get("action") != "import"
            result = departments_import(file=form.cleaned_data["file"], bureau=bureau_default(), dry_run=dry_run)
            if result.written:
                messages.success(request, _("导入完成：新增%(created)s个部门（单位），更新%(updated)s个，新建%(offices)s个科室。") % {
                    "created": len(result.to_create), "updated": len(result.to_update),
                    "offices": len(result.new_offices),
                })
                return redirect("manage_department_import")
    else:
        form = DepartmentImportForm()
    return render(request, "reports/admin/department_import.html", {
        "form": form, "result": result, "columns": ("预算编码", "部门名称", "上级预算编码", "归口业务科室"),
    })
