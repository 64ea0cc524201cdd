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


def archive_is_current(report):
    """Whether `report.approved_pdf` is the archive of its current approval (named by its digest, and by the
    rendition of a later forced re-render: report_rerender_pdf)."""
    return archive_rendition(report) is not None


def archive_rendition(report):
    """The rendition of the report's current archive: "" for the approval's own render, the 8 hex digits of
    the re-render (report_rerender_pdf) that replaced it, None when the report has no current archive."""
    if not report.approved_pdf:
        return None
    name, plain = Path(report.approved_pdf.name).name, _archive_name(report)
    if name == plain:
        return ""
    match = RENDITION.fullmatch(name)
    return match["rendition"] if match and f"{match['stem']}.pdf" == plain else None


RENDITION = re.compile(r"(?P<stem>report-\d+-[0-9a-f]{16})-(?P<rendition>[0-9a-f]{8})\.pdf")


def report_archive_pdf(*, report):
    """Produce the approved report's PDF once and store it in `report.approved_pdf`.

    Renders outside any transaction and row lock (a render takes seconds; approvals and saves of the
    report never wait for it). Then, in a short transaction, locks the row and stores the file only
    if the report is still approved with the same digest and has no current archive: a concurrent
    call that stored first wins and its archive is kept. Returns the report as stored; raises what
    the renderer raises (reports.approval.archive_pdf retries and records failures).
    """
    current = Report.objects.select_related("evaluation_year", "department").get(pk=report.pk)
    if current.status != Status.APPROVED or archive_is_current(current):
        return current
    content = report_render_pdf(report=current)
    with transaction.atomic():
        locked = (
            Report.objects.select_for_update(of=("self",))
            .select_related("evaluation_year", "department").get(pk=report.pk)
        )
        if locked.status != Status.APPROVED or locked.approved_digest != current.approved_digest:
            return locked  # reopened (or approved anew) while rendering: this render is of another version
        if archive_is_current(locked):
            return locked
        locked.approved_pdf.save(_archive_name(locked), ContentFile(content), save=False)
        locked.pdf_failed_at = None
        Report.objects.filter(pk=locked.pk).update(approved_pdf=locked.approved_pdf.name, pdf_failed_at=None)
    return locked


def _archive_name(report, rendition=""):
    stamp = report.approved_digest[:16] or hashlib.sha256(
        f"{report.pk}:{report.revision}:{report.approved_at}".encode()
    ).hexdigest()[:16]
    return f"report-{report.pk}-{stamp}-{rendition}.pdf" if rendition else f"report-{report.pk}-{stamp}.pdf"


def report_rerender_pdf(*, report, rendition, may_store=None):
    """Render approved `report` afresh and make that its archive (after a font or layout fix), once per
    `rendition` (8 hex digits naming the re-render, e.g. of its job).

    Renders outside any transaction and row lock, then, with the row locked, stores the file as
    report-<pk>-<digest>-<rendition>.pdf and deletes the replaced archive once that commits. Nothing is
    rendered or stored when the archive already is this rendition (a retried job renders only what its
    earlier attempt did not reach) or when the report was reopened meanwhile. `may_store()`, called in the
    storing transaction before anything is written, may raise to stop it (jobs.services.job_hold: the job
    was cancelled or superseded). Returns True when it stored a new archive; raises what the renderer raises.
    """
    current = Report.objects.select_related("evaluation_year", "department").get(pk=report.pk)
    if current.status != Status.APPROVED or archive_rendition(current) == rendition:
        return False
    content = report_render_pdf(report=current)
    with transaction.atomic():
        if may_store is not None:
            may_store()
        locked = (
            Report.objects.select_for_update(of=("self",))
            .select_related("evaluation_year", "department").get(pk=report.pk)
        )
        if locked.status != Status.APPROVED or locked.approved_digest != current.approved_digest:
            return False
        if archive_rendition(locked) == rendition:
            return False
        replaced = locked.approved_pdf.name if locked.approved_pdf else ""
        field = locked.approved_pdf
        target = field.field.generate_filename(locked, _archive_name(locked, rendition))
        if field.storage.exists(target):
            field.storage.delete(target)  # left by an attempt that died before its row was updated: no one's archive
        field.save(_archive_name(locked, rendition), ContentFile(content), save=False)
        Report.objects.filter(pk=locked.pk).update(approved_pdf=field.name, pdf_failed_at=None)
        locked.pdf_failed_at = None
        stored = field.name
        if replaced and replaced != stored:
            transaction.on_commit(lambda: field.storage.delete(replaced), robust=True)
    return True


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
