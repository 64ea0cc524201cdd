"""An approved report's dossier (档案) as one ZIP, and the year's dossiers as one ZIP of folders.

A dossier holds, under one folder named 预算编码_部门名称_YYYY年度档案/:

- the approved PDF (the archived bytes; rendered and archived now if missing) and the Word file,
  both named as in reports.exporters.archive (预算编码_部门名称_YYYY年度自评报告.pdf / .docx);
- the approved JSON document (the frozen snapshot the digest was taken of, docs/report-format.md);
- 审核记录.html: every status change with its time, who and the comment, printable on its own;
- the 佐证材料 under 预算编码_部门名称_佐证材料/<row or section>/<file> (archive.evidence_names), copied in
  chunks, never whole in memory.

`build_dossier(report, fileobj)` writes one dossier into any writable file object (a background job
can run it into a file of its own); `year_dossiers_zip` streams the year's, one report at a time.
"""
import re
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.docx import report_docx_bytes
from reports.exporters.archive import (
    UNSAFE_NAME,
    _render_pdf,
    _Sink,
    _stored_pdf,
    _write_evidence,
    approved_pdfs,
    evidence_names,
    pdf_name,
)
from reports.interchange import document_dumps, report_export

HISTORY_NAME = "审核记录.html"


def dossier_folder(report):
    name = UNSAFE_NAME.sub("_", f"{report.department.code}_{report.department.name}")
    return f"{name}_{report.evaluation_year.year}年度档案/"


def dossier_names(report):
    """The names inside a dossier, in the order written (evidence as archive.evidence_names names it)."""
    folder = dossier_folder(report)
    base = pdf_name(report).removesuffix(".pdf")
    return [folder + pdf_name(report), f"{folder}{base}.docx", f"{folder}{base}.json", folder + HISTORY_NAME,
            *(folder + name for name, _evidence in evidence_names(report))]


def history_html(report):
    """The report's moves (every status change and its comment), oldest first, as a printable page."""
    changes = report.status_changes.select_related("by").defer("snapshot").order_by("at", "pk")
    return render_to_string("reports/dossier_history.html", {
        "report": report, "changes": changes, "made_at": timezone.localtime(),
    })


def _document(report):
    """The approved document: the frozen snapshot the digest covers (the live export before approval)."""
    return document_dumps(report.approved_snapshot or report_export(report))


def write_dossier(archive, report, sink):
    """Write `report`'s dossier into the open ZipFile `archive`, yielding what `sink` (the _Sink the archive
    writes into, when streamed) holds as evidence is copied. Returns the evidence files missing from the
    store (named, not fatal)."""
    names = dossier_names(report)
    pdf = _stored_pdf(report) or _render_pdf(report)
    if pdf is None:
        raise RuntimeError(f"report {report.pk}: no PDF could be made for its dossier")
    archive.writestr(names[0], pdf)
    archive.writestr(names[1], report_docx_bytes(report))
    archive.writestr(names[2], _document(report))
    archive.writestr(names[3], history_html(report))
    return (yield from _write_evidence(archive, sink, report, prefix=dossier_folder(report)))


def build_dossier(report, fileobj):
    """Write the dossier of approved `report` as a ZIP into `fileobj` (a file opened for writing, or any
    object with write()). Returns the list of evidence files missing from the store."""
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        written = write_dossier(archive, report, _Sink())  # written straight into fileobj: nothing to stream
        missing = []
        while True:
            try:
                next(written)
            except StopIteration as done:
                missing = done.value
                break
        if missing:
            archive.writestr(dossier_folder(report) + "README.txt", _missing_note(missing))
    return missing


def _missing_note(missing):
    lines = [_("以下佐证材料在文件存储中缺失，未包含在本压缩包中："), *missing]
    return "\r\n".join(lines) + "\r\n"


def dossier_filename(report):
    return re.sub(r"/$", ".zip", dossier_folder(report))


def year_dossiers_zip(reports, evaluation_year):
    """Yield the bytes of one ZIP holding the dossier folder of every approved report of the year among
    `reports` (a reports_visible_to queryset), by 预算编码; README.txt names what is missing."""
    sink = _Sink()
    count, failed, missing = 0, [], []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for report in approved_pdfs(reports, evaluation_year).iterator(chunk_size=200):
            try:
                missing += yield from write_dossier(archive, report, sink)
            except RuntimeError:
                failed.append(report)
                continue
            count += 1
            yield sink.take()
        lines = [
            _("%(year)s年度已审定自评报告档案，共%(count)s份。") % {"year": evaluation_year.year, "count": count},
            _("生成时间：%(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        ]
        if failed:
            lines.append(_("以下已审定报告没有存档PDF，未能生成档案："))
            lines.extend(f"{r.department.code} {r.department.name}" for r in failed)
        if missing:
            lines.append(_("以下佐证材料在文件存储中缺失，未包含在本压缩包中："))
            lines.extend(missing)
        archive.writestr("README.txt", "\r\n".join(lines) + "\r\n")
    yield sink.take()
