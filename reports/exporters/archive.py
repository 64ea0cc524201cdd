"""All approved PDFs of a year as one ZIP, streamed: one PDF in memory at a time, and beside each its
佐证材料 in folders named after the rows they prove (copied in chunks, never whole in memory).

A report approved without an archived PDF is rendered with reports.pdf when that module can do
it; otherwise it is left out and named in README.txt inside the archive.
"""
import importlib
import logging
import re
import zipfile

from django.utils import timezone
from django.utils.translation import gettext as _

from evalsite.text import visible
from reports.enums import Status

logger = logging.getLogger(__name__)
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
CHUNK = 1024 * 1024


class _Sink:
    """A write-only, unseekable file for zipfile: collects bytes until the caller takes them."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.parts)
        self.parts = []
        return data


def pdf_name(report):
    """The file name inside the ZIP: 预算编码_部门名称_YYYY年度自评报告.pdf, safe on every file system."""
    name = UNSAFE_NAME.sub("_", visible(f"{report.department.code}_{report.department.name}"))
    return f"{name}_{report.evaluation_year.year}年度自评报告.pdf"


def _stored_pdf(report):
    if not report.approved_pdf:
        return None
    try:
        with report.approved_pdf.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


def _render_pdf(report):
    """PDF bytes rendered (and archived) by reports.pdf, or None where that cannot be done."""
    try:
        pdf = importlib.import_module("reports.pdf")  # WeasyPrint loads only when a PDF is missing
    except ImportError:
        return None
    render = getattr(pdf, "report_pdf_bytes", None)
    if render is None:
        return None
    try:
        return render(report)
    except Exception:  # noqa: BLE001 (one failed render must not cut the ZIP short; it is listed instead)
        logger.exception("Rendering the approved PDF of report %s failed", report.pk)
        return None


def evidence_names(report):
    """[(name inside the ZIP, Evidence)] of the report's current 佐证材料: 预算编码_部门名称_佐证材料/<row or
    section>/<file name>, a repeated name numbered. Evidence is read through the reverse relation
    `report.evidence_files` (reports does not import the evidence app)."""
    folder = UNSAFE_NAME.sub("_", f"{report.department.code}_{report.department.name}_佐证材料")
    taken, names = set(), []
    rows = report.evidence_files.current().select_related("indicator", "quantitative").order_by("uploaded_at", "pk")
    for evidence in rows:
        place = UNSAFE_NAME.sub("_", evidence.place_label.replace(" · ", "_"))
        name = f"{folder}/{place}/{evidence.name}"
        stem, dot, extension = name.rpartition(".")
        number = 1
        while name in taken:
            number += 1
            name = f"{stem}（{number}）{dot}{extension}"
        taken.add(name)
        names.append((name, evidence))
    return names


def _write_evidence(archive, sink, report, *, prefix=""):
    """Copy the report's evidence into the ZIP (under `prefix`) chunk by chunk, handing each chunk to the
    stream; a file missing from the store is named in the returned list instead."""
    missing = []
    for name, evidence in evidence_names(report):
        name = prefix + name
        try:
            source = evidence.file.open("rb")
        except OSError:
            missing.append(f"{report.department.code} {name}")
            continue
        with source, archive.open(name, "w", force_zip64=True) as target:
            while block := source.read(CHUNK):
                target.write(block)
                yield sink.take()
    return missing


def approved_pdfs(reports, evaluation_year):
    """The year's approved reports among `reports` (a reports_visible_to queryset), by 预算编码."""
    return reports.filter(evaluation_year=evaluation_year, status=Status.APPROVED).order_by("department__code")


def approved_pdfs_zip(reports, evaluation_year, *, on_report=None):
    """Yield the bytes of a ZIP holding the approved PDFs of the year, then README.txt if any is missing.
    `on_report()` is called after each report (a job's progress)."""
    sink = _Sink()
    missing, missing_evidence = [], []
    count = 0
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for report in approved_pdfs(reports, evaluation_year).iterator(chunk_size=200):
            content = _stored_pdf(report) or _render_pdf(report)
            if content is None:
                missing.append(report)
                if on_report:
                    on_report()
                continue
            archive.writestr(pdf_name(report), content)
            count += 1
            yield sink.take()
            missing_evidence += yield from _write_evidence(archive, sink, report)
            if on_report:
                on_report()
        lines = [
            _("%(year)s年度已审定自评报告PDF，共%(count)s份。") % {"year": evaluation_year.year, "count": count},
            _("生成时间：%(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        ]
        if missing:
            lines.append(_("以下已审定报告没有存档PDF，未能生成，未包含在本压缩包中："))
            lines.extend(f"{r.department.code} {r.department.name}" for r in missing)
        if missing_evidence:
            lines.append(_("以下佐证材料在文件存储中缺失，未包含在本压缩包中："))
            lines.extend(missing_evidence)
        archive.writestr("README.txt", "\r\n".join(lines) + "\r\n")
    yield sink.take()
