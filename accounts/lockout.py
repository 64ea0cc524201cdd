"""Sign-in lockout (django-axes): per account name *and* address, with a cool-off that doubles.

A lock on the account name alone lets anyone lock a reviewer out on deadline day with five wrong
passwords; a lock on the address alone shuts a whole bureau behind one NAT address out after a few
typos. So axes locks the pair (AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]): the
guesser's address is shut out for that account, everyone else (the owner included) is not.
Guessing slows down progressively: each further lockout of the same pair within a day doubles
the cool-off (ACCOUNTS_LOCKOUT_BASE_MINUTES, 2×, 4×, … up to a day), and every new lockout
tells the security admins by e-mail and is an audit row.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.models import AuditEvent
from audit.services import audit_record, client_ip

logger = logging.getLogger(__name__)
WINDOW = timedelta(days=1)
MAX_COOL_OFF = timedelta(days=1)


def _pair(request, username=None):
    if username is None:
        credentials = getattr(request, "axes_credentials", None) or {}
        username = credentials.get("username") or request.POST.get("username", "")
        user = getattr(request, "user", None)
        if not username and user is not None and user.is_authenticated:
            username = user.get_username()
    return str(username or ""), client_ip(request)


def _lockouts(username, ip, since):
    return AuditEvent.objects.filter(event=Event.LOCKOUT, username=username, ip=ip, at__gte=since)


def cool_off(request=None):
    """AXES_COOLOFF_TIME: the base cool-off, doubled for each earlier lockout of this account name
    from this address within a day (the current one counted once), at most a day."""
    base = timedelta(minutes=settings.ACCOUNTS_LOCKOUT_BASE_MINUTES)
    if request is None:
        return base
    username, ip = _pair(request)
    earlier = _lockouts(username, ip, timezone.now() - WINDOW).count()
    return min(base * 2 ** max(earlier - 1, 0), MAX_COOL_OFF)


def lockout_started(sender, request, username, ip_address, **kwargs):
    """axes' user_locked_out (sent for the lockout and again for each try during it): a new
    lockout is recorded and announced once."""
    if getattr(request, "accounts_locked_before", False):
        return
    username, ip = _pair(request, username)
    audit_record(event=Event.LOCKOUT, request=request, username=username, success=False,
                 detail=_("连续登录失败次数过多，账户已锁定"))
    minutes = int(cool_off(request).total_seconds() // 60)
    transaction.on_commit(lambda: _notify(username, ip, minutes))


def _notify(username, ip, minutes):
    from accounts.enums import AdminRole
    from accounts.models import User

    recipients = list(
        User.objects.filter(admin_role=AdminRole.SECURITY, is_active=True).exclude(email="")
        .order_by("pk").values_list("email", flat=True)
    )
    subject = _("账户锁定：%(username)s") % {"username": username}
    body = _("账户 %(username)s 从地址 %(ip)s 连续登录失败次数过多，已对该地址锁定 %(minutes)s 分钟。"
             "其他地址不受影响。详情见安全审计日志。") % {"username": username, "ip": ip or "-", "minutes": minutes}
    if not recipients:
        logger.warning("lockout of %s from %s: no active security admin has an e-mail address", username, ip)
        return
    send_mail(subject, body, None, recipients, fail_silently=True)
