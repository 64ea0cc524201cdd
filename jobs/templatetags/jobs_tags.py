"""The navbar's 任务 link: shown to those who start jobs (the admins), with the count of their jobs that
finished since they last looked (the notice that a job is done)."""
from django import template

from jobs.selectors import unseen_finished_count

register = template.Library()


@register.inclusion_tag("jobs/_nav.html", takes_context=True)
def jobs_nav(context):
    user = context.get("user")
    if user is None or not user.is_authenticated or not user.has_perm("reports.administer"):
        return {"show": False}
    return {"show": True, "count": unseen_finished_count(user)}
