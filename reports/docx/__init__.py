"""附件2-1 as a Word document (python-docx), printed from the same context as the HTML page and the PDF.

`report_output_context` (reports.rendering) decides every row, merged cell, number and formatted
value; this module only lays them out as Word tables, the way `_report_body.html` does for the PDF:
the same sections, tables, column grid (percent of the A4 text width), header rows (repeated on
every page, `w:tblHeader`), merged cells (`gridSpan` / `vMerge`), A4 with the PDF's margins and
its “第 N 页 共 M 页” footer (none on the cover).

Fonts: every run names its East Asian font (`w:eastAsia`), 宋体 for the body and 黑体 for headings,
and Times New Roman for Latin text and digits, so Word and WPS pick a Chinese serif face instead
of their default East Asian font. Where the PDF shows a merged cell's label again at the top of a
page, Word cannot (its merged cells are one cell); the header rows repeat as in the PDF.
"""
import io

from django.utils.translation import gettext as _
from docx import Document

from reports.docx.kit import page_setup
from reports.docx.sections import (
    cover,
    goals,
    money,
    narrative,
    overview,
    people,
    rubric,
)
from reports.pdf import report_pdf_filename
from reports.rendering import report_output_context


def build_docx(context):
    """The Word document of a form's output context (reports.rendering: a report's, or the blank form's), as a
    python-docx Document."""
    blank = context.get("blank", False)
    document = Document()
    document.core_properties.title = _("%(year)s年度%(name)s整体支出绩效自评报告") % {
        "year": context["cover"]["year"], "name": context["cover"]["department_name"]}
    document.core_properties.author = context["cover"]["issuer"]
    page_setup(document, context.get("digest"))
    cover(document, context)
    overview(document, context, blank)
    money(document, context, blank)
    goals(document, context, blank)
    people(document, context, blank)
    narrative(document, context, blank)
    rubric(document, context, blank)
    return document


def docx_bytes(context):
    buffer = io.BytesIO()
    build_docx(context).save(buffer)
    return buffer.getvalue()


def report_docx_bytes(report):
    """The report's .docx, from the same context as its PDF (reports.rendering.report_output_context)."""
    return docx_bytes(report_output_context(report))


def report_docx_filename(report):
    """The PDF's Chinese download name with .docx."""
    return report_pdf_filename(report).removesuffix(".pdf") + ".docx"

