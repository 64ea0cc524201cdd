"""A user's jobs: the list, one job's page (progress polled from status.json), its download, cancelling, and
starting the admin's year jobs. A job is its owner's only: anyone else's is a 404."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evalsite.paging import page_of
from jobs.enums import Kind, Status
from jobs.selectors import jobs_of
from jobs.services import job_cancel, job_mark_seen, job_start
from scoring.models import EvaluationYear

YEAR_JOBS = {
    Kind.WORKBOOK: "%(year)s年度汇总表（Excel）",
    Kind.YEAR_ZIP: "%(year)s年度已审定报告压缩包（ZIP）",
    Kind.RERENDER: "%(year)s年度已审定报告PDF补生成",
    Kind.YEAR_DOSSIERS: "%(year)s年度已审定报告档案（ZIP）",
    Kind.PDF_REFRESH: "%(year)s年度已审定报告PDF全部重新生成",
    Kind.YEAR_NOTICE: "%(year)s年度开启通知",
}


def _own_job(request, pk):
    return get_object_or_404(jobs_of(request.user), pk=pk)


def _links(job):
    """Where the job's page sends its owner afterwards."""
    year = job.params.get("year")
    if year and job.kind != Kind.YEAR_OPEN or (job.kind == Kind.YEAR_OPEN and job.status == Status.SUCCEEDED):
        return [(_("年度进度"), reverse("manage_year_dashboard", args=[year]))]
    return []


def job_state(job):
    """The job as its page's script reads it (status.json) and the page first renders it."""
    return {
        "status": job.status, "status_label": job.get_status_display(), "done": job.done, "total": job.total,
        "percent": job.percent, "seconds_left": job.seconds_left(), "finished": job.is_finished,
        "summary": job.summary, "error": job.error,
        "download": reverse("job_download", args=[job.pk]) if job.result else "",
        "result_name": job.result_name,
    }


@login_required
@require_GET
def job_list(request):
    page = page_of(request, jobs_of(request.user), per_page=20)
    return render(request, "jobs/list.html", {"page": page})


@login_required
@require_GET
def job_detail(request, pk):
    job = _own_job(request, pk)
    job_mark_seen(job)
    return render(request, "jobs/detail.html", {"job": job, "state": job_state(job), "links": _links(job)})


@login_required
@require_GET
def job_status(request, pk):
    job = _own_job(request, pk)
    job_mark_seen(job)
    return JsonResponse(job_state(job), headers={"Cache-Control": "no-store"})


@login_required
@require_GET
def job_download(request, pk):
    job = _own_job(request, pk)
    if job.status != Status.SUCCEEDED or not job.result:
        raise Http404
    try:
        handle = job.result.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.result_name)


@login_required
@require_POST
def job_cancel_view(request, pk):
    job = _own_job(request, pk)
    if job_cancel(job=job, by=request.user):
        messages.info(request, _("已请求取消任务。"))
    else:
        messages.warning(request, _("任务已结束，无法取消。"))
    return redirect("job_detail", pk=job.pk)


@login_required
@permission_required("reports.administer", raise_exception=True)
@require_POST
def year_job_start(request, year, kind):
    """Start one of the year's jobs (workbook, ZIPs, PDFs, the opening notice) for the admin and show its page."""
    if kind not in YEAR_JOBS:
        raise Http404
    evaluation_year = get_object_or_404(EvaluationYear, year=year)
    job = job_start(kind=kind, owner=request.user, title=_(YEAR_JOBS[kind]) % {"year": evaluation_year.year},
                    params={"year": evaluation_year.year})
    return redirect("job_detail", pk=job.pk)


@login_required
@permission_required("reports.administer", raise_exception=True)
@require_POST
def reminders_job_start(request):
    """Start sending today's deadline reminders (followup.deadlines.reminders_send) as a job and show its page."""
    today = timezone.localdate()
    job = job_start(kind=Kind.REMINDERS, owner=request.user, params={"date": today.isoformat()},
                    title=_("截止提醒（%(date)s）") % {"date": today.isoformat()})
    return redirect("job_detail", pk=job.pk)
