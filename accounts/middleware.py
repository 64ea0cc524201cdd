"""Session time limits, the second factor and forced password changes, checked on every request."""
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import password_change_reason
from audit.enums import Event

SESSION_LOGIN_AT = "accounts_login_at"
SESSION_LAST_SEEN = "accounts_last_seen"

# Views a user held back by a policy may still reach: before the second factor, signing in and out
# and the second factor itself; before a due password change, also the password page.
OTP_OPEN_VIEWS = frozenset({"login", "logout", "otp_verify", "otp_setup", "admin:logout"})
OPEN_VIEWS = OTP_OPEN_VIEWS | {"password_change"}


def session_touch_seconds():
    """How stale the stored last request time may grow before a request writes it again: the
    ACCOUNTS_SESSION_TOUCH_SECONDS setting, at most a tenth of the idle limit (so a short test limit
    still slides)."""
    return min(settings.ACCOUNTS_SESSION_TOUCH_SECONDS, settings.ACCOUNTS_SESSION_IDLE_SECONDS // 10)


def session_touch(session, now):
    """Stamp the request time into the session when the stored one is older than the touch interval
    (or missing). Returns whether it wrote. The stored time is never later than the user's last
    request, so the idle limit ends a session at most the interval early, never late."""
    last_seen = session.get(SESSION_LAST_SEEN)
    if last_seen is not None and now - last_seen < session_touch_seconds():
        return False
    session[SESSION_LAST_SEEN] = now
    return True


def session_expiry_reason(session, now):
    """Why the signed-in session must end now (idle or absolute limit), or None."""
    idle = settings.ACCOUNTS_SESSION_IDLE_SECONDS
    absolute = settings.ACCOUNTS_SESSION_ABSOLUTE_SECONDS
    last_seen = session.get(SESSION_LAST_SEEN)
    login_at = session.get(SESSION_LOGIN_AT)
    if last_seen is not None and now - last_seen > idle:
        return _("您已超过 %(minutes)s 分钟未操作，请重新登录。") % {"minutes": idle // 60}
    if login_at is not None and now - login_at > absolute:
        return _("登录已超过 %(hours)s 小时，请重新登录。") % {"hours": absolute // 3600}
    return None


class SessionTimeoutMiddleware:
    """Ends a session idle for ACCOUNTS_SESSION_IDLE_SECONDS or older than ACCOUNTS_SESSION_ABSOLUTE_SECONDS.

    The last request time slides at most once per ACCOUNTS_SESSION_TOUCH_SECONDS (session_touch): a
    request within the interval leaves the session unchanged, so it is not written
    (SESSION_SAVE_EVERY_REQUEST is off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            reason = session_expiry_reason(request.session, now)
            if reason:
                request.audit_logout_reason = reason
                request.audit_logout_event = Event.SESSION_EXPIRED
                logout(request)
                messages.info(request, reason)
                return redirect_to_login(request.get_full_path())
            request.session.setdefault(SESSION_LOGIN_AT, now)  # writes only when missing
            session_touch(request.session, now)
        return self.get_response(request)


def _view_name(request):
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


class PasswordPolicyMiddleware:
    """Sends a signed-in user to the second-factor page (when ACCOUNTS_TOTP_REQUIRED) and then to
    the password change page while their password is new, reset or expired."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        view = _view_name(request)
        if user.is_authenticated and view not in OTP_OPEN_VIEWS:
            next_query = urlencode({"next": request.get_full_path()})
            if settings.ACCOUNTS_TOTP_REQUIRED and not user.is_verified():
                return redirect(f"{otp_url(user)}?{next_query}")
            if view not in OPEN_VIEWS and password_change_reason(user):
                return redirect(f"{reverse('password_change')}?{next_query}")
        return self.get_response(request)


def otp_url(user):
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return reverse("otp_verify" if has_device else "otp_setup")
