"""The finished 附件2-1: the HTML page and its PDF download (one body, see reports.rendering)."""
import tempfile
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from departments.services import bureau_default
from evalsite.text import visible
from reports.approval import PDF_FAILED, PDF_STATE_LABELS, archive_pdf, pdf_state_context
from reports.docx import docx_bytes, report_docx_bytes, report_docx_filename
from reports.enums import Status
from reports.exporters.dossier import build_dossier, dossier_filename
from reports.pdf import archive_is_current, html_to_pdf, report_pdf_bytes, report_pdf_filename, report_pdf_html
from reports.rendering import blank_output_context, report_output_context
from reports.selectors import reports_visible_to
from reports.workflow import allowed_moves
from scoring.models import EvaluationYear


def _report_for(request, pk):
    """The report if the user may see it: another department's report is a 404, not a 403."""
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    if not request.user.has_perm("reports.view_report", report):
        raise PermissionDenied
    return report


@login_required
def report_detail(request, pk):
    """The form as the seed prints it, in the browser (printable), with the state of an approved PDF and
    a link to the page of each move the user may make now."""
    report = _report_for(request, pk)
    return render(request, "reports/report_detail.html", {
        **report_output_context(report), **pdf_state_context(report), "has_dossier": report.status == Status.APPROVED,
        "actions": _actions(report, request.user),
    })


# (from, to) -> the page where the move is made and the link's caption; a page may serve two moves.
ACTION_PAGES = {
    (Status.DRAFT, Status.DEPT_REVIEW): ("report_check", gettext_lazy("检查并提交")),
    (Status.DEPT_REVIEW, Status.FINANCE_REVIEW): ("report_dept_review", gettext_lazy("审核")),
    (Status.DEPT_REVIEW, Status.DRAFT): ("report_dept_review", gettext_lazy("审核")),
    (Status.FINANCE_REVIEW, Status.APPROVED): ("report_review", gettext_lazy("复核")),
    (Status.FINANCE_REVIEW, Status.DRAFT): ("report_review", gettext_lazy("复核")),
    (Status.APPROVED, Status.DRAFT): ("report_reopen", gettext_lazy("重新打开")),
}


def _actions(report, user):
    """[{name, url, label}] for the pages of the moves workflow.allowed_moves gives the user now."""
    actions = {}
    for to in allowed_moves(report, user):
        name, label = ACTION_PAGES[(report.status, to)]
        actions.setdefault(name, {"name": name, "url": reverse(name, args=[report.pk]), "label": label})
    return list(actions.values())


@login_required
def report_pdf(request, pk):
    """The PDF download: the archived bytes of an approved report, else rendered now.

    With ?inline=1 (the page's 打印 button) the browser opens it to print instead of saving it.
    """
    report = _report_for(request, pk)
    if report.status == Status.APPROVED and not archive_is_current(report) and archive_pdf(report.pk) is None:
        # The archive could not be made (archive_pdf logged it and told the admins): say so, never a 500.
        messages.error(request, PDF_STATE_LABELS[PDF_FAILED])
        return redirect("report_detail", pk=report.pk)
    response = HttpResponse(report_pdf_bytes(report), content_type="application/pdf")
    fallback = f"report-{report.evaluation_year.year}-{report.department.code}.pdf"
    disposition = "inline" if request.GET.get("inline") == "1" else "attachment"
    response["Content-Disposition"] = content_disposition(
        report_pdf_filename(report), fallback=fallback, disposition=disposition,
    )
    response["Cache-Control"] = "private, no-store"
    return response


DOSSIER_SPOOL_BYTES = 8 * 1024 * 1024  # a dossier larger than this (its evidence) is built in a temporary file
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def report_docx(request, pk):
    """The form as a Word document (reports.docx), from the same context as the PDF, named like it."""
    report = _report_for(request, pk)
    response = HttpResponse(report_docx_bytes(report), content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(
        report_docx_filename(report), fallback=f"report-{report.evaluation_year.year}-{report.department.code}.docx",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_dossier(request, pk):
    """An approved report's dossier (档案) ZIP: PDF, DOCX, JSON document, 审核记录 and 佐证材料 (reports.exporters.dossier)."""
    report = _report_for(request, pk)
    if report.status != Status.APPROVED:
        raise Http404
    spool = tempfile.SpooledTemporaryFile(max_size=DOSSIER_SPOOL_BYTES)
    build_dossier(report, spool)
    spool.seek(0)
    response = FileResponse(spool, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(
        dossier_filename(report), fallback=f"dossier-{report.evaluation_year.year}-{report.department.code}.zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _blank_context(year):
    evaluation_year = get_object_or_404(EvaluationYear.objects.select_related("rubric"), year=year)
    return evaluation_year, blank_output_context(evaluation_year, bureau_default())


@login_required
def blank_form_pdf(request, year):
    """The year's blank form (空白表) as PDF: its rubric, empty rows to write in, lines for names and dates."""
    evaluation_year, context = _blank_context(year)
    response = HttpResponse(html_to_pdf(report_pdf_html(None, context)), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        blank_form_filename(evaluation_year, "pdf"), fallback=f"blank-form-{year}.pdf")
    return response


@login_required
def blank_form_docx(request, year):
    """The year's blank form (空白表) as a Word document, from the same context as its PDF."""
    evaluation_year, context = _blank_context(year)
    response = HttpResponse(docx_bytes(context), content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(
        blank_form_filename(evaluation_year, "docx"), fallback=f"blank-form-{year}.docx")
    return response


def blank_form_filename(evaluation_year, extension):
    return f"{evaluation_year.year}年度部门（单位）整体支出绩效自评报告（空白表）.{extension}"


def content_disposition(filename, *, fallback, disposition="attachment"):
    """attachment (or inline) with an ASCII fallback name and the real (Chinese) name as RFC 6266 filename*."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in fallback)
    filename = visible(filename)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
