from jobs.enums import FINISHED
from jobs.models import Job


def jobs_of(user):
    """The user's own jobs, newest first (nobody sees another user's job, not even an admin)."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(owner=user).order_by("-created_at", "-pk")


def unseen_finished_count(user):
    """How many of the user's jobs finished since the user last looked at them (the nav's notice)."""
    return jobs_of(user).filter(status__in=FINISHED, seen_at__isnull=True).count()
