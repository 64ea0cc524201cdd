"""Periodic maintenance run by the job workers' heartbeat (jobs_worker), so that a deployment needs no cron:
an anchor of the audit chain outside the database, ending idle sessions (each one audited) and deleting form
input kept after a session ended once it is past its time. JOBS_CHORE_SECONDS sets each period (0 turns a
chore off, e.g. where cron runs the management command instead)."""
import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from jobs.models import Chore

logger = logging.getLogger(__name__)


def _audit_anchor():
    from audit.services import audit_anchor

    audit_anchor()


def _expire_sessions():
    from accounts.sessions import sessions_expire

    sessions_expire()


def _purge_kept_input():
    from rescue.services import inputs_purge

    inputs_purge()


CHORES = {"audit_anchor": _audit_anchor, "expire_sessions": _expire_sessions, "purge_kept_input": _purge_kept_input}


def chore_periods():
    """{name: seconds} of the chores that are on."""
    periods = getattr(settings, "JOBS_CHORE_SECONDS", {})
    return {name: int(periods[name]) for name in CHORES if int(periods.get(name, 0)) > 0}


def _claim(name, seconds, now):
    """True when this caller moved the chore's due time on (and so runs it now)."""
    try:
        with transaction.atomic():
            Chore.objects.get_or_create(name=name, defaults={"due_at": now})
    except IntegrityError:
        pass  # another worker created it at the same moment
    return Chore.objects.filter(name=name, due_at__lte=now).update(
        due_at=now + datetime.timedelta(seconds=seconds), last_run_at=now,
    ) == 1


def chores_run(*, now=None):
    """Run every chore that is due and claimed by this caller; return their names. A failing chore is
    logged and its message kept on the row; the others still run."""
    now = now or timezone.now()
    ran = []
    for name, seconds in chore_periods().items():
        if not _claim(name, seconds, now):
            continue
        try:
            CHORES[name]()
        except Exception as error:  # noqa: BLE001 (one broken chore must not stop the heartbeat or the others)
            logger.exception("Chore %s failed", name)
            Chore.objects.filter(name=name).update(last_error=str(error)[:500])
        else:
            Chore.objects.filter(name=name).update(last_error="")
        ran.append(name)
    return ran
