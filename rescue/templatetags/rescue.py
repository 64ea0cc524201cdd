"""{% session_notice %}: the warning shown before the idle limit ends a signed-in session."""
from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("rescue/session_notice.html", takes_context=True)
def session_notice(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "show": bool(user and user.is_authenticated),
        "user_id": user.pk if user else "",
        "idle_seconds": settings.ACCOUNTS_SESSION_IDLE_SECONDS,
        "warn_seconds": settings.RESCUE_WARN_SECONDS,
        # 重新登录 reloads the page: the ended session sends it to the login page and back here.
        "path": request.get_full_path() if request else "/",
        "csrf_token": context.get("csrf_token"),
    }
