"""抽评 and expert-panel pages.

Draws and panels are fetched through sampling.selectors (an admin's work: anyone else gets a 404),
sheets through sheets_of (a scorer sees only the sheets assigned to them: any other sheet is a 404).
Every change goes through sampling.services.
"""
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from evalsite.paging import page_of
from reports.enums import Status
from reports.models import Report, ScoreEntry
from reports.selectors import reports_visible_to
from reports.views.output import content_disposition
from rescue.middleware import keeps_input
from rescue.services import restored_input
from sampling.enums import SampleBy
from sampling.forms import AssignForm, DrawForm, PanelForm, SheetForm
from sampling.interchange import draw_export
from sampling.selectors import (
    deviation_table,
    draws_visible_to,
    panels_visible_to,
    rereviewer_candidates,
    sheets_of,
)
from sampling.services import draw_create, draw_repeat, panel_create, sheet_assign, sheet_indicators, sheet_save
from scoring.models import EvaluationYear

PAGE = 50


def _administer(request):
    if not request.user.has_perm("sampling.administer"):
        raise PermissionDenied(_("只有管理员可以组织抽评和专家评审。"))


def _errors_to(form, error):
    for name, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


def _draw(request, pk):
    return get_object_or_404(draws_visible_to(request.user), pk=pk)


# --- 抽评 ------------------------------------------------------------------------------------------
@login_required
def draws(request):
    """The admin's draws, newest first."""
    _administer(request)
    return render(request, "sampling/draws.html", {"page": page_of(request, draws_visible_to(request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def draw_new(request):
    """Draw a sample: filters, count or share, optionally a seed to repeat an earlier draw."""
    _administer(request)
    years = list(EvaluationYear.objects.order_by("-year"))
    grades = sorted({band.label for year in years for band in year.grade_bands.all()})
    form = DrawForm(request.POST or None, years=years, grades=grades,
                    initial={"year": years[0].year if years else None, "sample_by": SampleBy.COUNT})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                draw = draw_create(
                    evaluation_year=next(y for y in years if y.year == data["year"]), by=request.user,
                    sample_by=data["sample_by"], count=data["count"], share=data["share"],
                    offices=[o.pk for o in data["offices"]], grades=data["grades"],
                    expenditure_min=data["expenditure_min"], expenditure_max=data["expenditure_max"],
                    other_office=data["other_office"], seed=data["seed"],
                )
            except ValidationError as error:
                _errors_to(form, error)
            else:
                messages.success(request, _("已抽取%(n)d份报告（随机种子 %(seed)s）。") % {
                    "n": len(draw.drawn), "seed": draw.seed})
                return redirect("sampling_draw", pk=draw.pk)
        messages.error(request, _("请按提示修改后再提交，所填内容均已保留。"))
        status = 400
    return render(request, "sampling/draw_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def draw_detail(request, pk):
    """The sample with each report's re-reviewer (assigned here) and the state of its re-review."""
    draw = _draw(request, pk)
    _administer(request)
    reports = {r.pk: r for r in Report.objects.filter(pk__in=draw.drawn).select_related("department__office")}
    sheets = {s.report_id: s for s in draw.sheets.select_related("scorer")}
    status, posted = 200, None
    if request.method == "POST":
        report = reports.get(_int(request.POST.get("report")))
        if report is None:
            raise Http404
        posted = AssignForm(request.POST, candidates=rereviewer_candidates(report, other_office=draw.other_office))
        if posted.is_valid():
            try:
                sheet_assign(draw=draw, report=report, scorer=posted.cleaned_data["scorer"], by=request.user)
            except ValidationError as error:
                _errors_to(posted, error)
            else:
                messages.success(request, _("已指定复核人。"))
                return redirect("sampling_draw", pk=draw.pk)
        status = 400
    items = []
    for report_id in draw.drawn:
        report = reports.get(report_id)
        if report is None:  # deleted since the draw: the recorded id stays in the record
            continue
        sheet = sheets.get(report_id)
        if posted is not None and posted.data.get("report") == str(report_id):
            form = posted
        else:
            form = AssignForm(initial={"report": report_id, "scorer": sheet.scorer_id if sheet else None},
                              candidates=rereviewer_candidates(report, other_office=draw.other_office))
        items.append({"report": report, "sheet": sheet, "form": form})
    population, repeated = draw_repeat(draw)
    return render(request, "sampling/draw_detail.html", {
        "draw": draw, "items": items, "repeated_same": repeated == draw.drawn and population == draw.population,
        "filters": _filters_text(draw),
    }, status=status)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filters_text(draw):
    from departments.models import Office

    parts = []
    if draw.offices:
        parts.append(_("科室：%(names)s") % {"names": "、".join(
            Office.objects.filter(pk__in=draw.offices).order_by("name").values_list("name", flat=True))})
    if draw.grades:
        parts.append(_("等次：%(grades)s") % {"grades": "、".join(draw.grades)})
    if draw.expenditure_min is not None or draw.expenditure_max is not None:
        parts.append(_("支出合计：%(low)s至%(high)s万元") % {
            "low": draw.expenditure_min if draw.expenditure_min is not None else "—",
            "high": draw.expenditure_max if draw.expenditure_max is not None else "—"})
    return "；".join(parts) or _("不限")


@login_required
def deviation(request, pk):
    """The deviation table of the draw's submitted re-reviews: per row, per department, per office."""
    draw = _draw(request, pk)
    _administer(request)
    departments, offices, overall = deviation_table(draw.sheets.all())
    return render(request, "sampling/deviation.html", {
        "draw": draw, "departments": departments, "offices": offices, "overall": overall,
    })


@login_required
def draw_json(request, pk):
    """The draw as an `evalsite-sampling` document (seed, filters, candidates, sample, re-reviews)."""
    draw = _draw(request, pk)
    _administer(request)
    body = json.dumps(draw_export(draw), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition(
        f"{draw.evaluation_year.year}年度抽评{draw.pk}.json", fallback=f"sampling-{draw.pk}.json")
    return response


# --- Score sheets ---------------------------------------------------------------------------------
@login_required
def my_sheets(request):
    """The sheets assigned to the user: 抽评复核 and 专家评分, open ones first."""
    return render(request, "sampling/sheets.html", {"page": page_of(request, sheets_of(request.user))})


@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def sheet(request, pk):
    """Score one report's 评分表 (the scorer only; anyone else gets a 404). The re-reviewer sees the
    department's 自评得分 and 扣分原因, not the reviewer's scores; an expert never sees another's."""
    sheet = get_object_or_404(sheets_of(request.user), pk=pk)
    indicators = sheet_indicators(sheet)
    entries = {e.indicator_id: e for e in ScoreEntry.objects.filter(report=sheet.report_id)}
    rows = {row.indicator_id: row for row in sheet.rows.all()}
    form = SheetForm(request.POST or restored_input(request), indicators=indicators, entries=entries, rows=rows)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("sampling.score_sheet", sheet):
            raise PermissionDenied(_("评分已提交，不能再修改。"))
        if form.is_valid():
            submit = form.cleaned_data["action"] == "submit"
            try:
                sheet_save(sheet=sheet, values=form.values(), by=request.user, submit=submit)
            except ValidationError as error:
                _errors_to(form, error)
            else:
                messages.success(request, _("评分已提交。") if submit else _("评分已保存。"))
                return redirect("sampling_sheet", pk=sheet.pk)
        messages.error(request, _("请按提示修改后再提交，所填内容均已保留。"))
        status = 400
    return render(request, "sampling/sheet.html", {
        "sheet": sheet, "form": form, "editable": request.user.has_perm("sampling.score_sheet", sheet),
    }, status=status)


# --- Expert panels --------------------------------------------------------------------------------
@login_required
def panels(request):
    """The panels the user may see (all for an admin, their own for an expert)."""
    return render(request, "sampling/panels.html", {"page": page_of(request, panels_visible_to(request.user)),
                                                    "can_administer": request.user.has_perm("sampling.administer")})


@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def panel_new(request, pk):
    """Set up an expert panel on an approved report (admin)."""
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    _administer(request)
    if report.status != Status.APPROVED:
        raise PermissionDenied(_("只有已审定的报告可以组织专家评审。"))
    from accounts.models import User

    experts = User.objects.filter(is_active=True).exclude(memberships__department=report.department_id)
    form = PanelForm(request.POST or restored_input(request), experts=experts.distinct().order_by("username"))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                panel = panel_create(report=report, experts=list(form.cleaned_data["experts"]),
                                     method=form.cleaned_data["method"], by=request.user)
            except ValidationError as error:
                _errors_to(form, error)
            else:
                messages.success(request, _("已组织专家评审。"))
                return redirect("sampling_panel", pk=panel.pk)
        messages.error(request, _("请按提示修改后再提交，所填内容均已保留。"))
        status = 400
    return render(request, "sampling/panel_new.html", {"report": report, "form": form}, status=status)


@login_required
def panel_detail(request, pk):
    """A panel: who has submitted; each expert's score only once all have."""
    panel = get_object_or_404(panels_visible_to(request.user), pk=pk)
    if not request.user.has_perm("sampling.view_panel", panel):
        raise Http404
    sheets = list(panel.sheets.select_related("scorer").order_by("pk"))
    return render(request, "sampling/panel.html", {
        "panel": panel, "sheets": sheets, "show_scores": request.user.has_perm("sampling.view_panel_scores", panel),
        "own": next((s for s in sheets if s.scorer_id == request.user.pk), None),
    })

