"""The 绩效目标申报表 as its own printable PDF (WeasyPrint through the report's static-only fetcher,
same fonts and CSS) and the declaration as a JSON interchange document."""
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.loader import render_to_string

from reports.pdf import html_to_pdf
from reports.views.output import content_disposition
from targets.interchange import declaration_export
from targets.printing import declaration_form
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
