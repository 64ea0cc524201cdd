"""A user-visible background job (jobs.Job) and the liveness of the workers running them (WorkerBeat).

The task engine (Django's Tasks API on the django-tasks-db backend) runs `jobs.tasks.run_job(job_id, attempt)`;
the Job row is what its owner sees: progress, time left, the result file, a failure message, cancellation.
"""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.enums import FINISHED, Kind, Status


def result_path(job, filename):
    # One folder per job and attempt: a retried job's earlier, unfinished file is never taken for its result.
    return f"jobs/{job.pk}/{job.attempt}/{filename}"


class Job(models.Model):
    Kind = Kind
    Status = Status

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="jobs", verbose_name=_("发起人"),
    )
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempt = models.PositiveSmallIntegerField(_("第几次执行"), default=1)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    worker_id = models.CharField(_("执行进程"), max_length=64, blank=True)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    result = models.FileField(_("结果文件"), upload_to=result_path, max_length=300, blank=True)
    result_name = models.CharField(_("结果文件名"), max_length=200, blank=True)
    summary = models.CharField(_("结果说明"), max_length=500, blank=True)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    seen_at = models.DateTimeField(_("查看时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_recent"),
            models.Index(fields=["status", "worker_id"], name="job_status_worker"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="job_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="job_status_valid"),
        ]

    def __str__(self):
        return f"{self.title} · {self.get_status_display()}"

    @property
    def is_finished(self):
        return self.status in FINISHED

    @property
    def percent(self):
        if self.status == Status.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    def seconds_left(self, now=None):
        """Estimated seconds until done, from the pace so far; None before there is a pace to go by."""
        if self.status != Status.RUNNING or not self.started_at or not self.done or not self.total:
            return None
        elapsed = ((now or timezone.now()) - self.started_at).total_seconds()
        return max(0, round(elapsed * (self.total - self.done) / self.done))


class WorkerBeat(models.Model):
    """A worker process that said it is alive at `beat_at` (jobs.worker); silent ones are taken for dead."""

    worker_id = models.CharField(_("执行进程"), max_length=64, primary_key=True)
    host = models.CharField(_("主机"), max_length=200, blank=True)
    pid = models.PositiveIntegerField(_("进程号"), default=0)
    started_at = models.DateTimeField(_("启动时间"), default=timezone.now)
    beat_at = models.DateTimeField(_("最近心跳"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("任务进程")
        verbose_name_plural = _("任务进程")

    def __str__(self):
        return f"{self.host}:{self.pid}"


class Chore(models.Model):
    """A periodic maintenance task (jobs.chores) and when it is next due. Every worker's heartbeat looks;
    the one whose conditional update moves `due_at` on runs it, so it runs once per period however many
    workers there are."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    due_at = models.DateTimeField(_("下次执行"))
    last_run_at = models.DateTimeField(_("上次执行"), null=True, blank=True)
    last_error = models.CharField(_("上次错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("定期维护")
        verbose_name_plural = _("定期维护")

    def __str__(self):
        return self.name
