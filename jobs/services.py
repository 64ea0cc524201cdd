"""Starting, running, cancelling and recovering background jobs.

A job runs as the task `jobs.tasks.run_job(job_id, attempt)`. Every write a run makes to its Job row is
conditional on that attempt still being the job's current one and still running, so a run that was given
up for dead (its worker stopped answering, jobs_recover started attempt n + 1) can never record a result:
a job has at most one result, however often it was started. Results are files in Django's storage under
jobs/<id>/<attempt>/; a superseded attempt's file is deleted.
"""
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.enums import ACTIVE, Status
from jobs.models import Job, WorkerBeat, result_path

logger = logging.getLogger(__name__)

GENERIC_FAILURE = "任务执行出错，已记录日志，请稍后重试或联系管理员。"


class JobStopped(Exception):
    """The run must stop: the job was cancelled, or this attempt was superseded by a retry."""


class JobFailure(Exception):
    """A failure the job's owner is told about in these words (Chinese, no traceback)."""


@dataclass
class Outcome:
    """What a runner produced: a file (an open binary file or a path) to keep as the result, a sentence for
    the job's page, or `completed` when the runner recorded the job's success itself (job_complete) in the
    same transaction as its work."""

    file: object = None
    filename: str = ""
    summary: str = ""
    completed: bool = False


def _current(job_id, attempt):
    return Job.objects.filter(pk=job_id, attempt=attempt, status=Status.RUNNING)


def job_start(*, kind, owner, title, params=None, total=0):
    """Create a Job for `owner` and enqueue its first run. Enqueued in the caller's transaction (the task
    row commits with it: a rolled-back request starts nothing). Returns the Job."""
    from jobs.tasks import run_job  # the task module imports the runners, which import this one

    job = Job.objects.create(kind=kind, owner=owner, title=title, params=params or {}, total=total)
    run_job.enqueue(str(job.pk), job.attempt)
    job.refresh_from_db()
    return job


def job_cancel(*, job, by):
    """Ask `job` to stop. A queued job is cancelled at once; a running one stops at its next progress
    update (its partial file is deleted). Returns True if the job was still active."""
    if job.owner_id != by.pk or job.status not in ACTIVE:
        return False
    now = timezone.now()
    Job.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        status=Status.CANCELLED, cancel_requested=True, finished_at=now, error=_("已取消。"),
    )
    Job.objects.filter(pk=job.pk, status=Status.RUNNING).update(cancel_requested=True)
    return True


def job_mark_seen(job):
    if job.is_finished and job.seen_at is None:
        Job.objects.filter(pk=job.pk, seen_at__isnull=True).update(seen_at=timezone.now())


class Progress:
    """Done/total of one run, written to its Job at most once per `interval` seconds. Each write also checks
    that the run may go on (raises JobStopped when it was cancelled or superseded)."""

    def __init__(self, job, *, interval=1.0):
        self.job_id, self.attempt = job.pk, job.attempt
        self.done, self.total = 0, job.total
        self.interval = interval
        self._written = 0.0

    def set_total(self, total):
        self.total = total
        self.write(force=True)

    def advance(self, count=1):
        self.done += count
        self.write()

    def write(self, *, force=False):
        now = time.monotonic()
        if not force and now - self._written < self.interval:
            return
        self._written = now
        updated = _current(self.job_id, self.attempt).filter(cancel_requested=False).update(
            done=min(self.done, self.total) if self.total else self.done, total=self.total,
        )
        if not updated:
            raise JobStopped


def job_hold(job):
    """Lock `job`'s row until the caller's transaction ends; raise JobStopped unless its attempt may still
    write (current, running, not cancelled). A write made under the hold cannot race a recovery or a cancel."""
    held = _current(job.pk, job.attempt).filter(cancel_requested=False).select_for_update()
    if not list(held.values_list("pk", flat=True)[:1]):
        raise JobStopped


def job_complete(job, *, summary="", file_name="", result_name=""):
    """Record `job`'s success for its current attempt. Returns False (and records nothing) when that
    attempt is no longer the job's: the caller must then discard its work (roll back, delete its file)."""
    fields = {"status": Status.SUCCEEDED, "finished_at": timezone.now(), "summary": summary[:500],
              "done": F("total"), "error": ""}
    if file_name:
        fields.update(result=file_name, result_name=result_name)
    return bool(_current(job.pk, job.attempt).update(**fields))


def _fail(job, message, status=Status.FAILED):
    _current(job.pk, job.attempt).update(status=status, finished_at=timezone.now(), error=message[:500])


def _job_files(job):
    """[(attempt folder, storage name)] of every file stored for `job`."""
    folder = f"jobs/{job.pk}"
    try:
        attempts, _files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [(attempt, f"{folder}/{attempt}/{name}")
            for attempt in attempts for name in default_storage.listdir(f"{folder}/{attempt}")[1]]


def _remove_files(job, *, attempt=None, keep=None):
    """Delete the job's stored files: those of `attempt` only, or of every attempt but the file `keep`."""
    for folder, stored in _job_files(job):
        if (attempt is None or folder == str(attempt)) and stored != keep:
            default_storage.delete(stored)


def job_execute(job_id, attempt, *, runner, worker_id=""):
    """Run attempt `attempt` of job `job_id` with `runner(job, progress) -> Outcome`, once.

    Claims the job (queued → running) for this attempt; a duplicate or superseded run does nothing. On
    success stores the result file and records it (only if the attempt is still current: otherwise the
    file is deleted); on JobFailure records its message; on any other error a generic message (the
    traceback goes to the log); on cancellation the job ends 已取消. Returns the final status, or None when
    this run was not the job's to do.
    """
    claimed = Job.objects.filter(pk=job_id, attempt=attempt, status=Status.QUEUED, cancel_requested=False).update(
        status=Status.RUNNING, started_at=timezone.now(), worker_id=worker_id[:64], done=0,
    )
    if not claimed:
        return None
    job = Job.objects.select_related("owner").get(pk=job_id)
    progress = Progress(job)
    try:
        outcome = runner(job, progress)
    except JobStopped:
        _fail(job, _("已取消。"), status=Status.CANCELLED)  # nothing, when a retry superseded this attempt
        _remove_files(job, attempt=attempt)
        return Status.CANCELLED
    except JobFailure as failure:
        _fail(job, str(failure))
        return Status.FAILED
    except Exception:  # noqa: BLE001 (any error ends the job with a message; the traceback is logged)
        logger.exception("Job %s (%s, attempt %s) failed", job_id, job.kind, attempt)
        _fail(job, _(GENERIC_FAILURE))
        return Status.FAILED
    if outcome.completed:
        _remove_files(job)
        return Status.SUCCEEDED
    stored = ""
    if outcome.file is not None:
        content = outcome.file if hasattr(outcome.file, "read") else open(outcome.file, "rb")  # noqa: SIM115
        with content:
            stored = default_storage.save(result_path(job, outcome.filename), File(content, name=outcome.filename))
    if not job_complete(job, summary=outcome.summary, file_name=stored, result_name=outcome.filename):
        if stored:
            default_storage.delete(stored)
        return None
    _remove_files(job, keep=stored)
    return Status.SUCCEEDED


# --- Recovery ----------------------------------------------------------------------------------
def worker_beat(worker_id, *, host="", pid=0):
    """Record that worker `worker_id` is alive now."""
    now = timezone.now()
    updated = WorkerBeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerBeat.objects.create(worker_id=worker_id, host=host[:200], pid=pid, started_at=now, beat_at=now)


def worker_gone(worker_id):
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def jobs_recover(*, now=None):
    """Start again every running job whose worker stopped beating (killed, machine lost).

    Such a job gets attempt n + 1 and a fresh task; the dead attempt can no longer record anything. A job
    already tried JOBS_MAX_ATTEMPTS times fails instead, with a message. Returns the recovered job ids.
    """
    from jobs.tasks import run_job

    now = now or timezone.now()
    alive = WorkerBeat.objects.filter(beat_at__gte=now - timedelta(seconds=settings.JOBS_WORKER_STALE_SECONDS))
    stale = Job.objects.filter(status=Status.RUNNING).exclude(worker_id__in=alive.values("worker_id"))
    recovered = []
    for job in stale:
        with transaction.atomic():
            if job.attempt >= settings.JOBS_MAX_ATTEMPTS:
                _fail(job, _("任务执行进程多次中断（%(n)s次），已停止重试，请联系管理员。") % {"n": job.attempt})
                continue
            moved = _current(job.pk, job.attempt).update(
                status=Status.QUEUED, attempt=job.attempt + 1, worker_id="", done=0,
            )
            if moved:
                logger.warning("Job %s: worker %s is gone; starting attempt %s", job.pk, job.worker_id,
                               job.attempt + 1)
                run_job.enqueue(str(job.pk), job.attempt + 1)
                recovered.append(job.pk)
    WorkerBeat.objects.filter(beat_at__lt=now - timedelta(seconds=10 * settings.JOBS_WORKER_STALE_SECONDS)).delete()
    return recovered
