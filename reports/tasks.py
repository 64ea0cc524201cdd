"""The report's background tasks (Django's Tasks API): plain functions of ids, safe to run twice."""
from django_tasks import task

from reports.approval import archive_pdf


@task()
def archive_pdf_task(report_id):
    """reports.approval.archive_pdf as a task (scheduled by the approval's on_commit). Returns whether the
    archive exists afterwards."""
    return archive_pdf(report_id) is not None
