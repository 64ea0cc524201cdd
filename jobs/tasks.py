"""The tasks the engine runs (Django's Tasks API; django-tasks-db stores them in the database)."""
from django_tasks import task

from jobs.runners import RUNNERS
from jobs.services import job_execute


@task(takes_context=True)
def run_job(context, job_id, attempt):
    """Run attempt `attempt` of jobs.Job `job_id` (see jobs.services.job_execute). Returns its final status."""
    from jobs.models import Job

    kind = Job.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    if kind is None:
        return None
    worker_ids = context.task_result.worker_ids
    return job_execute(job_id, attempt, runner=RUNNERS[kind], worker_id=worker_ids[-1] if worker_ids else "")
