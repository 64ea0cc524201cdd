"""What each kind of job does: `runner(job, progress) -> Outcome`, over the existing services.

Each runner works as the job's owner (reports_visible_to(job.owner)), reports its progress, and produces
its result through jobs.services (which records it once). Other apps' long work joins here as another kind:
the year's dossiers (#16), the deadline reminders and the year's opening notice (followup.deadlines) are some.
"""
import datetime
import logging
import tempfile
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jobs.enums import Kind
from jobs.services import JobFailure, JobStopped, Outcome, job_complete, job_hold, job_start
from reports.enums import Status as ReportStatus
from reports.exporters import workbook as wb
from reports.exporters.archive import approved_pdfs, approved_pdfs_zip
from reports.exporters.summary import summary_sheets
from reports.models import Report, ScoreEntry
from reports.selectors import reports_visible_to
from scoring.models import EvaluationYear, Rubric

logger = logging.getLogger(__name__)


def _year(job):
    try:
        return EvaluationYear.objects.select_related("rubric").get(year=job.params["year"])
    except EvaluationYear.DoesNotExist:
        raise JobFailure(_("%(year)s年度不存在。") % {"year": job.params.get("year")}) from None


def _counted(rows, progress):
    for row in rows:
        yield row
        progress.advance()


def workbook_file(job, progress):
    """The year's summary workbook (the same sheets as reports.exporters.summary), in a temporary file."""
    evaluation_year = _year(job)
    reports = reports_visible_to(job.owner)
    scoped = reports.filter(evaluation_year=evaluation_year)
    # Rows of the sheets that grow with departments: 汇总 and 收支明细 one a report, 评分明细 one a score row.
    progress.set_total(2 * scoped.count() + ScoreEntry.objects.filter(report__in=scoped).count())

    def sheets():
        for sheet in summary_sheets(reports=reports, evaluation_year=evaluation_year, include_missing=True):
            sheet.rows = _counted(sheet.rows, progress) if sheet.title in COUNTED_SHEETS else sheet.rows
            yield sheet

    handle = tempfile.TemporaryFile()
    wb.write_workbook(handle, sheets())
    handle.seek(0)
    return handle


COUNTED_SHEETS = {"汇总", "评分明细", "收支明细"}


def run_workbook(job, progress):
    year = job.params["year"]
    return Outcome(file=workbook_file(job, progress), filename=f"{year}年度部门整体支出绩效自评汇总.xlsx",
                   summary=_("已生成%(year)s年度汇总表。") % {"year": year})


def run_year_zip(job, progress):
    """The year's approved PDFs and their evidence as one ZIP (reports.exporters.archive), in a temporary file;
    a missing archive is rendered (and archived) on the way."""
    evaluation_year = _year(job)
    reports = reports_visible_to(job.owner)
    progress.set_total(approved_pdfs(reports, evaluation_year).count())
    handle = tempfile.TemporaryFile()
    for chunk in approved_pdfs_zip(reports, evaluation_year, on_report=progress.advance):
        handle.write(chunk)
    handle.seek(0)
    return Outcome(file=handle, filename=f"{evaluation_year.year}年度已审定自评报告.zip",
                   summary=_("已打包%(count)s份已审定报告。") % {"count": progress.done})


def run_year_open(job, progress):
    """Open a year in one transaction with the job's success: either the year, its reports and the job's
    success all commit, or nothing does (a retried job finds the year opened and its job finished)."""
    from reports.yearly import year_open

    params = job.params
    try:
        rubric = Rubric.objects.get(pk=params["rubric"])
    except Rubric.DoesNotExist:
        raise JobFailure(_("所选评分表不存在。")) from None
    deadline = datetime.date.fromisoformat(params["deadline"]) if params.get("deadline") else None
    bands = [(label, Decimal(minimum)) for label, minimum in params.get("bands", [])] or None
    progress.set_total(1)
    with transaction.atomic():
        try:
            kwargs = {"bands": bands} if bands else {}
            opened = year_open(year=params["year"], rubric=rubric, deadline=deadline, **kwargs)
        except ValidationError as error:
            raise JobFailure("；".join(error.messages)) from None
        summary = _("已开启%(year)s年度，为%(created)s个部门（单位）创建了草稿报告，其中%(prefilled)s个沿用了上一年度的数据。") % {
            "year": opened.evaluation_year.year, "created": opened.created, "prefilled": opened.prefilled}
        if not job_complete(job, summary=summary):
            raise JobStopped  # cancelled or superseded: the year is not opened by this attempt
        # Every department's clerks and heads hear of it through a job of its own, enqueued with the year.
        job_start(kind=Kind.YEAR_NOTICE, owner=job.owner, params={"year": opened.evaluation_year.year},
                  title=_("%(year)s年度开启通知") % {"year": opened.evaluation_year.year})
    return Outcome(completed=True)


def run_rerender(job, progress):
    """Render every approved report of the year again and archive it (reports.approval.archive_pdf after
    clearing the archive name is not needed: archive_pdf keeps a current archive, so only missing or stale
    archives are rendered). Counts what was rendered and what failed."""
    from reports.approval import archive_pdf

    evaluation_year = _year(job)
    ids = list(reports_visible_to(job.owner).filter(
        evaluation_year=evaluation_year, status=ReportStatus.APPROVED).order_by("department__code")
        .values_list("pk", flat=True))
    progress.set_total(len(ids))
    failed = 0
    for report_id in ids:
        if archive_pdf(report_id) is None:
            failed += 1
        progress.advance()
    return Outcome(summary=_("已处理%(count)s份已审定报告的PDF，失败%(failed)s份。") % {
        "count": len(ids), "failed": failed})


def run_pdf_refresh(job, progress):
    """Render every approved report of the year afresh and make that its archive (after a font or layout fix:
    reports.pdf.report_rerender_pdf), named by this job, so a retried job renders only the reports its earlier
    attempt did not reach and no report gets two new archives. Each report is stored under job_hold, so a
    cancelled or superseded attempt stores nothing more; the reports done before a cancellation keep their new
    PDF. A report whose render fails keeps its archive and is counted."""
    from reports.pdf import report_rerender_pdf

    evaluation_year = _year(job)
    ids = list(reports_visible_to(job.owner).filter(
        evaluation_year=evaluation_year, status=ReportStatus.APPROVED).order_by("department__code", "pk")
        .values_list("pk", flat=True))
    progress.set_total(len(ids))
    rendition = job.pk.hex[:8]
    failed = 0
    for report_id in ids:
        try:
            report_rerender_pdf(report=Report(pk=report_id), rendition=rendition, may_store=lambda: job_hold(job))
        except JobStopped:
            raise
        except Exception:  # noqa: BLE001 (one report's renderer failure is logged and counted; the others go on)
            logger.exception("Job %s: re-rendering the PDF of report %s failed", job.pk, report_id)
            failed += 1
        progress.advance()
    return Outcome(summary=_("已重新生成%(year)s年度%(count)s份已审定报告的PDF，失败%(failed)s份。") % {
        "year": evaluation_year.year, "count": len(ids) - failed, "failed": failed})


def run_reminders(job, progress):
    """The deadline reminders due on the job's date (followup.deadlines.reminders_send: one per item and
    threshold, so a retried job sends nothing twice), in one transaction."""
    from followup.deadlines import reminders_send

    today = datetime.date.fromisoformat(job.params["date"]) if job.params.get("date") else None
    sent = reminders_send(today, progress=progress)
    return Outcome(summary=_("已发送报告截止提醒%(report)s条、整改提醒%(finding)s条。") % sent)


def run_year_notice(job, progress):
    """Tell every department with a report of the year that it is open (followup.deadlines.year_opened_notify:
    one notice per recipient and year, so a retried job writes each once)."""
    from followup.deadlines import year_opened_notify

    evaluation_year = _year(job)
    written = year_opened_notify(evaluation_year, progress=progress)
    return Outcome(summary=_("已向%(departments)s个部门（单位）发送%(year)s年度开启通知%(count)s条。") % {
        "departments": progress.total, "year": evaluation_year.year, "count": written})


def run_year_dossiers(job, progress):
    """Every approved report's dossier (reports.exporters.dossier, #16) as folders of one ZIP, in a temporary file."""
    from reports.exporters.dossier import year_dossiers_zip

    evaluation_year = _year(job)
    reports = reports_visible_to(job.owner)
    progress.set_total(approved_pdfs(reports, evaluation_year).count())
    handle = tempfile.TemporaryFile()
    for chunk in year_dossiers_zip(reports, evaluation_year):
        handle.write(chunk)
        progress.write()  # no count per report from the exporter; this still lets a cancellation stop it
    handle.seek(0)
    return Outcome(file=handle, filename=f"{evaluation_year.year}年度已审定报告档案.zip",
                   summary=_("已打包%(count)s份已审定报告的档案。") % {"count": progress.total})


RUNNERS = {
    Kind.WORKBOOK: run_workbook,
    Kind.YEAR_ZIP: run_year_zip,
    Kind.YEAR_OPEN: run_year_open,
    Kind.RERENDER: run_rerender,
    Kind.YEAR_DOSSIERS: run_year_dossiers,
    Kind.PDF_REFRESH: run_pdf_refresh,
    Kind.REMINDERS: run_reminders,
    Kind.YEAR_NOTICE: run_year_notice,
}
