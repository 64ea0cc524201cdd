"""Follow-up pages: the 整改 list and notices, recording a finding, a finding with its answer, moves and
history, 上年问题整改情况 of a report, and the admin's 结果应用 and deadline extensions.

Views are thin: findings come through findings_visible_to and reports through reports_visible_to (another
department's is a 404), the named permission is checked, one service is called and its ValidationError
lands at the field with everything typed kept.
"""
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.enums import Event
from audit.services import audit_record
from departments.models import Department
from evalsite.paging import page_of
from followup.enums import CONSEQUENCE_SUGGESTIONS, DEFAULT_CONSEQUENCES, FindingStatus
from followup.exporters import results_workbook_write
from followup.forms import ExtensionForm, FindingFilterForm, FindingForm, MoveForm, ReplyForm, ResultForm
from followup.models import CarriedFinding, Consequence, DeadlineExtension, ResultApplication
from followup.notices import notices_for, notices_mark_read
from followup.selectors import (
    carried_candidates,
    findings_visible_to,
    overdue_q,
    place_labels,
    report_places,
    results_of_member,
)
from followup.services import (
    StaleRevision,
    carried_prefill,
    carried_save,
    consequences_save,
    extension_grant,
    finding_record,
    finding_reply,
    result_record,
)
from followup.workflow import FLOW, MOVE_LABELS, decisions, finding_move, history_label
from reports.enums import Status
from reports.exporters.queries import graded, totals_of, year_bands, year_reports
from reports.selectors import reports_visible_to
from rescue.middleware import keeps_input
from rescue.services import restored_input
from scoring.models import EvaluationYear
from workflow.engine import confirm_text

PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors_to_form(form, error):
    """A service's ValidationError at the form's fields (or the form's top where it names none)."""
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _report(request, pk):
    report = get_object_or_404(
        reports_visible_to(request.user).select_related("department", "evaluation_year__rubric"), pk=pk)
    if not request.user.has_perm("reports.view_report", report):
        raise Http404
    return report


def _finding(request, pk):
    finding = get_object_or_404(findings_visible_to(request.user), pk=pk)
    if not request.user.has_perm("followup.view_finding", finding):
        raise Http404
    return finding


def _require_admin(user):
    if not user.has_perm("followup.administer"):
        raise PermissionDenied(_("只有管理员可以执行此操作。"))


@login_required
@require_GET
def followup_home(request):
    """整改 items the user may see (filter by status, overdue), their follow-up notices and 结果应用."""
    form = FindingFilterForm(request.GET or None)
    findings = findings_visible_to(request.user)
    if form.is_valid():
        if form.cleaned_data["status"]:
            findings = findings.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["overdue"]:
            findings = findings.filter(overdue_q())
    page = page_of(request, findings, per_page=PAGE)
    today = timezone.localdate()
    rows = [{"finding": f, "overdue": f.status == FindingStatus.OPEN and f.deadline < today} for f in page.object_list]
    notices = list(notices_for(request.user)[:20])
    unread = {n.pk for n in notices if n.read_at is None}
    notices_mark_read(user=request.user)
    return render(request, "followup/home.html", {
        "form": form, "page": page, "rows": rows, "notices": notices, "unread": unread,
        "results": list(results_of_member(request.user)[:20]),
        "years": EvaluationYear.objects.order_by("-year")[:5] if request.user.has_perm("followup.administer") else [],
    })


@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request, pk):
    """The office's reviewer records a finding on a report in 财政审核 or 已审定 (a 整改通知 goes out)."""
    report = _report(request, pk)
    if not request.user.has_perm("followup.record_finding", report):
        raise PermissionDenied(_("只有本科室的财政审核人可以对报送财政或已审定的报告记录问题。"))
    places = report_places(report)
    form = FindingForm(request.POST or restored_input(request), places=places)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = finding_record(report=report, category=data["category"], description=data["description"],
                                     places=data["places"], deadline=data["deadline"], by=request.user)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("已记录问题并向部门下达整改通知。"))
            return redirect("finding_detail", finding.pk)
    return render(request, "followup/finding_new.html", {
        "report": report, "form": form, "findings": findings_visible_to(request.user).filter(report=report),
    })


def _detail_context(request, finding, *, reply_form=None, move_form=None, revision=None):
    moves = [{"to": to, "label": MOVE_LABELS[(finding.status, to)], "confirm": confirm_text(FLOW, finding.status, to)}
             for to in decisions(finding, request.user)]
    can_reply = request.user.has_perm("followup.reply_finding", finding)
    if reply_form is None and can_reply:
        reply_form = ReplyForm(initial={
            "measures": finding.measures, "responsible": finding.responsible, "completed_on": finding.completed_on})
    history = [{"change": c, "label": history_label(c)} for c in finding.status_changes.select_related("by")]
    return {
        "finding": finding, "places": place_labels(finding), "moves": moves, "move_form": move_form or MoveForm(),
        "reply_form": reply_form if can_reply else None, "history": history,
        "reply_confirm": confirm_text(FLOW, FindingStatus.OPEN, FindingStatus.REPLIED),
        "evidence": list(finding.evidence_files.all()),
        "overdue": finding.status == FindingStatus.OPEN and finding.deadline < timezone.localdate(),
        "revision": finding.revision if revision is None else revision,
    }


@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def finding_detail(request, pk):
    """A finding, the department's answer, its history and the moves the user may make (a return needs a reason)."""
    finding = _finding(request, pk)
    kept = restored_input(request)
    if kept is not None and "measures" in kept:  # the answer's form, posted to finding_reply_view
        return render(request, "followup/finding.html", _detail_context(
            request, finding, reply_form=ReplyForm(kept), revision=kept.get("revision")))
    move_form = MoveForm(request.POST or kept)
    if request.method == "POST" and move_form.is_valid():
        to = move_form.cleaned_data["to"]
        if to not in decisions(finding, request.user):
            raise PermissionDenied(_("当前状态下不能执行此操作。"))
        try:
            moved = finding_move(finding, to, by=request.user, comment=move_form.cleaned_data["comment"])
        except ValidationError as error:
            _errors_to_form(move_form, error)
        else:
            messages.success(request, _("整改问题现为“%(status)s”。") % {"status": moved.get_status_display()})
            return redirect("finding_detail", moved.pk)
    return render(request, "followup/finding.html", _detail_context(
        request, finding, move_form=move_form if move_form.is_bound else None))


@keeps_input(page="finding_detail")
@login_required
@require_http_methods(["POST"])
def finding_reply_view(request, pk):
    """The department saves its answer (整改措施, 责任人, 完成日期, a file) and, with then=submit, sends it."""
    finding = _finding(request, pk)
    if not request.user.has_perm("followup.reply_finding", finding):
        raise PermissionDenied(_("这个问题当前不能答复。"))
    form = ReplyForm(request.POST, request.FILES)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    if form.is_valid():
        data = form.cleaned_data
        try:
            finding = finding_reply(
                finding=finding, revision=revision, measures=data["measures"], responsible=data["responsible"],
                completed_on=data["completed_on"], upload=data["file"], submit=request.POST.get("then") == "submit",
                by=request.user,
            )
        except StaleRevision:
            messages.error(request, _("未保存：您打开页面后，这个问题已被他人修改。您填写的内容仍在下方，核对后可再次保存。"))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("整改答复已保存，现为“%(status)s”。") % {"status": finding.get_status_display()})
            return redirect("finding_detail", finding.pk)
    return render(request, "followup/finding.html", _detail_context(request, finding, reply_form=form))


@login_required
@require_GET
def finding_evidence(request, pk, file_id):
    """A 整改 evidence file, after the permission check (attachment, nosniff)."""
    finding = _finding(request, pk)
    evidence = get_object_or_404(finding.evidence_files, pk=file_id)
    audit_record(event=Event.DOWNLOAD, user=request.user, request=request, obj=finding.report,
                 detail=_("下载整改佐证材料：%(name)s") % {"name": evidence.name})
    response = FileResponse(evidence.file.open("rb"), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, evidence.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def carried(request, pk):
    """上年问题整改情况 of a report: last year's open findings, each with a text prefilled from its answer."""
    report = _report(request, pk)
    can_edit = request.user.has_perm("followup.edit_carried", report)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("报告当前不能修改。"))
    findings = list(carried_candidates(report))
    saved = {c.finding_id: c.text for c in CarriedFinding.objects.filter(report=report)}
    errors = {}
    texts = {f.pk: saved.get(f.pk, carried_prefill(f)) for f in findings}
    if request.method == "POST":
        texts = {f.pk: request.POST.get(f"carried-{f.pk}", "") for f in findings}
        try:
            carried_save(report=report, texts=texts, by=request.user)
        except ValidationError as error:
            errors = error.message_dict
            messages.error(request, _("有%(count)s处需要修改，请看标红的字段。") % {"count": len(errors)})
        else:
            messages.success(request, _("已保存上年问题整改情况。"))
            return redirect("followup_carried", report.pk)
    items = [{"finding": f, "text": texts[f.pk], "errors": errors.get(f"carried-{f.pk}", []),
              "saved": f.pk in saved} for f in findings]
    return render(request, "followup/carried.html", {"report": report, "items": items, "can_edit": can_edit})


# --- 结果应用 and extensions (admins) ---------------------------------------------------------------
def _year(request, year):
    _require_admin(request.user)
    return get_object_or_404(EvaluationYear, year=year)


@login_required
@require_http_methods(["GET", "POST"])
def year_results(request, year):
    """The year's grade → consequence mapping (editable) and each approved report's grade and recorded result."""
    evaluation_year = _year(request, year)
    bands = year_bands(evaluation_year)
    mapping = dict(Consequence.objects.filter(evaluation_year=evaluation_year).values_list("grade", "consequence"))
    if not mapping and not Consequence.objects.filter(evaluation_year=evaluation_year).exists():
        mapping = {label: DEFAULT_CONSEQUENCES.get(label, "") for label, _minimum in bands}
    errors = {}
    if request.method == "POST":
        mapping = {label: request.POST.get(f"consequence-{label}", "") for label, _minimum in bands}
        try:
            consequences_save(evaluation_year=evaluation_year, mapping=mapping, by=request.user)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("已保存结果应用规则。"))
            return redirect("followup_year_results", year)
    reports = year_reports(reports_visible_to(request.user), evaluation_year).filter(
        status=Status.APPROVED).select_related("department")
    page = page_of(request, reports, per_page=PAGE)
    recorded = {
        r.department_id: r for r in ResultApplication.objects.filter(
            evaluation_year=evaluation_year, department_id__in=[r.department_id for r in page.object_list])
    }
    rows = []
    for report in page.object_list:
        grade = graded(report, totals_of(report, bands))
        rows.append({"report": report, "grade": grade, "suggested": mapping.get(grade, ""),
                     "result": recorded.get(report.department_id)})
    return render(request, "followup/results.html", {
        "year": evaluation_year, "grades": [(label, mapping.get(label, ""), errors.get(f"consequence-{label}", []))
                                            for label, _minimum in bands],
        "page": page, "rows": rows, "suggestions": CONSEQUENCE_SUGGESTIONS,
    })


@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def result_edit(request, year, code):
    """Record one department's 结果应用 (its grade's consequence by default) with a note."""
    evaluation_year = _year(request, year)
    department = get_object_or_404(Department, code=code)
    report = year_reports(reports_visible_to(request.user), evaluation_year).filter(department=department).first()
    grade = graded(report, totals_of(report, year_bands(evaluation_year))) if report else None
    existing = ResultApplication.objects.filter(evaluation_year=evaluation_year, department=department).first()
    mapped = Consequence.objects.filter(evaluation_year=evaluation_year, grade=grade).first() if grade else None
    initial = {"consequence": existing.consequence if existing else (mapped.consequence if mapped else ""),
               "note": existing.note if existing else ""}
    form = ResultForm(request.POST or restored_input(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result_record(evaluation_year=evaluation_year, department=department, grade=grade,
                          consequence=form.cleaned_data["consequence"], note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("已记录%(department)s的结果应用。") % {"department": department.name})
            return redirect("followup_year_results", year)
    return render(request, "followup/result_edit.html", {
        "year": evaluation_year, "department": department, "grade": grade, "form": form,
        "suggestions": CONSEQUENCE_SUGGESTIONS, "existing": existing,
    })


@login_required
@require_GET
def year_results_xlsx(request, year):
    """The year's 结果应用 for the budget office, as .xlsx (no formulas; text cells forced to text)."""
    evaluation_year = _year(request, year)
    with tempfile.TemporaryFile() as out:
        results_workbook_write(out, evaluation_year=evaluation_year)
        out.seek(0)
        data = out.read()
    audit_record(event=Event.EXPORT, user=request.user, request=request, obj=evaluation_year,
                 detail=_("导出%(year)s年度结果应用") % {"year": year})
    response = FileResponse(iter([data]), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{year}年度绩效评价结果应用.xlsx")
    return response


@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def year_extensions(request, year):
    """Grant one department a later 报告 deadline with a reason; the year's extensions."""
    evaluation_year = _year(request, year)
    departments = Department.objects.filter(is_active=True)
    form = ExtensionForm(request.POST or restored_input(request), departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            extension_grant(evaluation_year=evaluation_year, department=data["department"], deadline=data["deadline"],
                            reason=data["reason"], by=request.user)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("已将%(department)s的截止日期延长至%(deadline)s。") % {
                "department": data["department"].name, "deadline": data["deadline"]})
            return redirect("followup_year_extensions", year)
    extensions = DeadlineExtension.objects.filter(evaluation_year=evaluation_year).select_related(
        "department", "granted_by")
    return render(request, "followup/extensions.html", {
        "year": evaluation_year, "form": form, "page": page_of(request, extensions, per_page=PAGE),
    })
