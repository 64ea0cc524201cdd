"""Ending sessions nobody came back to, each with an audit row (idle expiry must be on the record).

accounts.middleware ends an idle session when its user returns; `manage.py expire_sessions`, run
on a schedule (docs/security.md), ends the rest: every stored session idle past
ACCOUNTS_SESSION_IDLE_SECONDS or older than ACCOUNTS_SESSION_ABSOLUTE_SECONDS, and every
expired one, recording session_expired for its user.
"""
import time

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.middleware import session_expiry_reason
from accounts.models import User
from audit.enums import Event
from audit.services import audit_record

AUTH_USER_KEY = "_auth_user_id"


def sessions_expire(*, now=None):
    """Delete every idle, too old or expired stored session and record it. Returns how many ended."""
    now_ts = now or time.time()
    ended = 0
    for session in Session.objects.order_by("pk").iterator(chunk_size=500):
        data = session.get_decoded()
        reason = session_expiry_reason(data, now_ts)
        if reason is None and session.expire_date > timezone.now():
            continue
        with transaction.atomic():
            deleted, _rows = Session.objects.filter(pk=session.pk).delete()
            user = User.objects.filter(pk=data.get(AUTH_USER_KEY)).first() if data.get(AUTH_USER_KEY) else None
            if deleted and user is not None:
                audit_record(event=Event.SESSION_EXPIRED, user=user,
                             detail=reason or _("会话已过期"))
        ended += bool(deleted)
    return ended
