"""The PDF of 附件2-1: the HTML page's body through WeasyPrint, fetching nothing but our static files.

WeasyPrint is given our own URL fetcher: it serves the app's static files (found by
django.contrib.staticfiles finders) under an internal origin and refuses everything else (other
hosts, file://, data:, ...), logging each refusal. User text is escaped by the templates, so it
can never become markup; the fetcher is the second wall.

The form's merged cells are a cell in each row (reports.layout): a continuation holds a hidden
copy of its label; after layout, `_reveal_continued_labels` shows that copy in the first body row
of each page a table spans, so a group split by a page break repeats its label there.
"""
import hashlib
import logging
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.enums import Status
from reports.models import Report
from reports.rendering import report_output_context

logger = logging.getLogger(__name__)

# The origin WeasyPrint resolves the template's static URLs against (".invalid" never resolves).
BASE_URL = "https://evalsite.invalid/"
PDF_TEMPLATE = "reports/report_pdf.html"


class StaticFilesURLFetcher(URLFetcher):
    """Serves https://evalsite.invalid/<STATIC_URL><path> from the staticfiles finders; refuses the rest.

    `fetched` and `refused` list the URLs asked for (the tests and the logs show what a render
    tried to reach).
    """

    def __init__(self):
        super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=False)
        self.fetched = []
        self.refused = []

    def fetch(self, url, headers=None):
        path = self._static_path(url)
        found = finders.find(path) if path else None
        if not found:
            self.refused.append(url)
            logger.warning("PDF: refused to fetch %s", url[:200])
            raise ValueError(f"Not one of the app's static files: {url[:200]}")
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=Path(found).read_bytes(), headers={"Content-Type": content_type})

    @staticmethod
    def _static_path(url):
        """The static file path an internal URL names, or None for anything else."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if (parts.scheme, parts.netloc) != ("https", urlsplit(BASE_URL).netloc) or parts.query:
            return None
        if not parts.path.startswith(prefix):
            return None
        path = unquote(parts.path[len(prefix):])
        if not path or "\\" in path or "\x00" in path or any(p in ("", ".", "..") for p in path.split("/")):
            return None
        return path


def report_pdf_html(report, context=None):
    """The HTML WeasyPrint lays out for `report` (the HTML page's body with the print stylesheet)."""
    return render_to_string(PDF_TEMPLATE, context or report_output_context(report))


def html_to_document(html, *, fetcher=None):
    """Lay out `html` (from report_pdf_html): WeasyPrint's pages, with continued labels shown."""
    fetcher = fetcher or StaticFilesURLFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
    _reveal_continued_labels(document)
    return document


def html_to_pdf(html, *, fetcher=None):
    """Lay out `html` (from report_pdf_html) and write the PDF bytes."""
    return html_to_document(html, fetcher=fetcher).write_pdf()


def report_render_pdf(*, report, fetcher=None):
    """Render `report` to PDF bytes now (no archive is read or written)."""
    return html_to_pdf(report_pdf_html(report), fetcher=fetcher)


def report_pdf_bytes(report):
    """The PDF a download serves: the archived bytes of an approved report, else a fresh render.

    An approved report without an archive gets one now (report_archive_pdf).
    """
    if report.status == Status.APPROVED:
        report = report_archive_pdf(report=report)
        with report.approved_pdf.open("rb") as archived:
            return archived.read()
    return report_render_pdf(report=report)


def report_archive_pdf(*, report):
    """Produce the approved report's PDF once and store it in `report.approved_pdf`.

    Called by the workflow at approval (and lazily by the first download). Keeps an archive that
    matches the report's current approval (its digest); otherwise renders, saves the file and
    the field in one transaction. Returns the report with `approved_pdf` set.
    """
    with transaction.atomic():
        # The lock makes a concurrent second call wait and then find the archive made by the first.
        locked = (
            Report.objects.select_for_update(of=("self",))
            .select_related("evaluation_year", "department").get(pk=report.pk)
        )
        name = _archive_name(locked)
        if locked.approved_pdf and Path(locked.approved_pdf.name).name == name:
            return locked
        content = report_render_pdf(report=locked)
        locked.approved_pdf.save(name, ContentFile(content), save=False)
        Report.objects.filter(pk=locked.pk).update(approved_pdf=locked.approved_pdf.name)
    return locked


def _archive_name(report):
    stamp = report.approved_digest[:16] or hashlib.sha256(
        f"{report.pk}:{report.revision}:{report.approved_at}".encode()
    ).hexdigest()[:16]
    return f"report-{report.pk}-{stamp}.pdf"


def report_pdf_filename(report):
    """The download's name: 2021年度岳阳市岳阳楼区融媒体中心整体支出绩效自评报告.pdf."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", report.department.name).strip() or report.department.code
    return f"{report.evaluation_year.year}年度{name}整体支出绩效自评报告.pdf"


# --- After layout ---------------------------------------------------------------------------
def _descendants(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _descendants(child)


def _reveal_continued_labels(document):
    """Show the hidden copies (`.cont` cells) in the first body row of every page of every table."""
    for page in document.pages:
        for box in _descendants(page._page_box):
            if not isinstance(box, boxes.TableBox):
                continue
            body = [g for g in box.children if isinstance(g, boxes.TableRowGroupBox)
                    and not g.is_header and not g.is_footer and g.children]
            if not body:
                continue
            for cell in body[0].children[0].children:
                if "cont" in (cell.element.get("class") or "").split():
                    for part in _descendants(cell):
                        style = part.style.copy()
                        style["visibility"] = "visible"
                        part.style = style
