"""Evidence pages: a report's files by place, one place's files with the upload form, opening a file
and removing one.

The report comes through reports_visible_to and its file must be that report's, so another department's
report or file is a 404; changing files needs evidence.change_evidence (the clerk, in 草稿). Files are
served only from here: with their own type, X-Content-Type-Options: nosniff, a sandboxing CSP, inline
for PDF and images and as attachments otherwise.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.enums import SECTIONS, Place
from evidence.forms import UploadForm
from evidence.selectors import (
    PlaceRef,
    evidence_by_place,
    evidence_file,
    place_for,
    removed_evidence,
    report_evidence_bytes,
)
from evidence.services import evidence_add, evidence_record_download, evidence_remove
from evidence.uploads import evidence_upload
from reports.selectors import reports_visible_to

# Inline files may show, never run: no script, no plugin, no network, no form, in a sandbox.
INLINE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; sandbox"


def _report(request, pk):
    reports = reports_visible_to(request.user).select_related("evaluation_year__rubric")
    report = get_object_or_404(reports, pk=pk)
    if not request.user.has_perm("evidence.view_evidence", report):
        raise Http404
    return report


def _places(report, grouped):
    """Every place of the report that can hold files, with its current files, in the form's order."""
    indicators = report.evaluation_year.rubric.indicators.filter(level=3).order_by("order")
    places = [PlaceRef(Place.SECTION, section=key) for key in SECTIONS]
    places += [PlaceRef(Place.QUANTITATIVE, quantitative=row) for row in report.quantitative_indicators.all()]
    places += [PlaceRef(Place.SCORE, indicator=indicator) for indicator in indicators]
    return [{"place": p, "files": grouped.get(p.key, [])} for p in places]


@login_required
@require_GET
def index(request, pk):
    """All places of the report with their files, the rows that require evidence, and removed files."""
    report = _report(request, pk)
    places = _places(report, evidence_by_place(report))
    return render(request, "evidence/index.html", {
        "report": report, "places": places,
        "missing": [p for p in places if p["place"].requires_evidence and not p["files"]],
        "removed": removed_evidence(report),
        "can_change": request.user.has_perm("evidence.change_evidence", report),
    })


@evidence_upload
@login_required
@require_http_methods(["GET", "POST"])
def place(request, pk, kind, ref):
    """One place's files and the upload form (POST: attach one file, streamed by EvidenceUploadHandler)."""
    report = _report(request, pk)
    target = place_for(report, kind, ref)
    if request.method == "POST" and not request.user.has_perm("evidence.change_evidence", report):
        raise PermissionDenied(_("这份报告当前不能修改佐证材料。"))
    status = 200
    used = report_evidence_bytes(report)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, used_bytes=used)
        if form.is_valid():
            try:
                added = evidence_add(report=report, place=target, upload=form.cleaned_data["file"],
                                     description=form.cleaned_data["description"], by=request.user)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, _("已上传“%(name)s”。") % {"name": added.name})
                return redirect("evidence_place", report.pk, *target.url_args)
        status = 400
    else:
        form = UploadForm(used_bytes=used)
    return render(request, "evidence/place.html", {
        "report": report, "target": target, "form": form,
        "files": evidence_by_place(report).get(target.key, []),
        "can_change": request.user.has_perm("evidence.change_evidence", report),
    }, status=status)


@login_required
@require_GET
def download(request, pk, file_id):
    """The file's bytes: inline (PDF, JPEG, PNG) in a sandbox, anything else as an attachment."""
    report = _report(request, pk)
    evidence = evidence_file(report, file_id)
    kind = evidence.file_kind
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    evidence_record_download(evidence=evidence, by=request.user)
    response = FileResponse(handle, content_type=kind.mime, as_attachment=not kind.inline, filename=evidence.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = INLINE_CSP
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_POST
def remove(request, pk, file_id):
    """Take one file off the report (草稿 only; the history keeps it)."""
    report = _report(request, pk)
    evidence = evidence_file(report, file_id)
    target = PlaceRef(evidence.place, indicator=evidence.indicator, quantitative=evidence.quantitative,
                      section=evidence.section)
    try:
        evidence_remove(evidence=evidence, by=request.user)
    except PermissionDenied:
        messages.error(request, _("这份报告当前不能修改佐证材料。"))
        return redirect("evidence_index", report.pk)
    messages.success(request, _("已删除“%(name)s”。历史记录中仍保留这份文件。") % {"name": evidence.name})
    if evidence.place == Place.QUANTITATIVE and evidence.quantitative is None:
        return redirect("evidence_index", report.pk)
    return redirect("evidence_place", report.pk, *target.url_args)
