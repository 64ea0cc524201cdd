"""The 绩效目标申报表 as its own printable PDF (WeasyPrint through the report's static-only fetcher,
same fonts and CSS) and the declaration as a JSON interchange document, exported and imported."""
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.pdf import html_to_pdf
from reports.views.output import content_disposition
from targets.interchange import declaration_export, error_lines
from targets.printing import declaration_form
from targets.services import StaleRevision, declaration_import
from targets.views.declarations import _declaration


@login_required
def declaration_pdf(request, pk):
    declaration = _declaration(request, pk)
    context = declaration_form(
        declaration, declaration.indicators.all(), declaration.tasks.all(), declaration.goals.all(),
    )
    html = render_to_string("targets/declaration_pdf.html", context)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"{declaration.year}年度{declaration.department.name}绩效目标申报表.pdf"
    response["Content-Disposition"] = content_disposition(
        name, fallback=f"targets-{declaration.year}-{declaration.department.code}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def declaration_json(request, pk):
    declaration = _declaration(request, pk)
    body = json.dumps(declaration_export(declaration), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition(
        f"{declaration.year}年度{declaration.department.name}绩效目标.json",
        fallback=f"targets-{declaration.year}-{declaration.department.code}.json",
    )
    return response


MAX_IMPORT_BYTES = 1024 * 1024


@login_required
@require_POST
def declaration_import_view(request, pk):
    """Replace a 草稿 declaration's content by an uploaded JSON document; every problem is listed, nothing
    is written then."""
    declaration = _declaration(request, pk)
    if not request.user.has_perm("targets.edit_declaration", declaration):
        raise PermissionDenied(_("当前状态下不能修改绩效目标。"))
    upload = request.FILES.get("document")
    problems = []
    if upload is None:
        problems = [_("请选择要导入的JSON文件。")]
    elif upload.size > MAX_IMPORT_BYTES:
        problems = [_("文件超过1MB，不是绩效目标申报文件。")]
    else:
        try:
            document = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            problems = [_("文件不是有效的JSON（UTF-8）。")]
        else:
            try:
                declaration_import(declaration=declaration, document=document, by=request.user)
            except ValidationError as error:
                problems = error_lines(error)
            except StaleRevision:
                problems = [_("申报已被他人修改，请刷新后重试。")]
    if problems:
        messages.error(request, _("未导入，文件有以下问题："))
        for line in problems[:50]:
            messages.error(request, line)
        if len(problems) > 50:
            messages.error(request, _("……另有%(n)s个问题。") % {"n": len(problems) - 50})
    else:
        messages.success(request, _("已导入绩效目标。"))
    return redirect("declaration_detail", declaration.pk)
