"""{% session_notice %}: the warning shown before the idle limit ends a signed-in session."""
import time

from django import template
from django.conf import settings

from accounts.middleware import SESSION_LAST_SEEN

register = template.Library()


@register.inclusion_tag("rescue/session_notice.html", takes_context=True)
def session_notice(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    show = bool(user and user.is_authenticated)
    return {
        "show": show,
        "user_id": user.pk if user else "",
        "idle_seconds": settings.ACCOUNTS_SESSION_IDLE_SECONDS,
        "warn_seconds": settings.RESCUE_WARN_SECONDS,
        # The idle limit counts from the stored last request time (refreshed at most once per
        # ACCOUNTS_SESSION_TOUCH_SECONDS), not from this page: the notice counts from it too.
        "seen_ago": seen_ago(request.session, time.time()) if show else 0,
        # 重新登录 reloads the page: the ended session sends it to the login page and back here.
        "path": request.get_full_path() if request else "/",
        "csrf_token": context.get("csrf_token"),
    }


def seen_ago(session, now):
    """Seconds (to the millisecond) since the session's stored last request time; 0 without one."""
    last_seen = session.get(SESSION_LAST_SEEN)
    return f"{max(0.0, now - last_seen):.3f}" if last_seen is not None else "0"
