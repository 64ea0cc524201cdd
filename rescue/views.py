"""The session notice's 继续编辑: a POST that renews the session (other requests refresh it at most once
per ACCOUNTS_SESSION_TOUCH_SECONDS; this one always does)."""
import time

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from accounts.middleware import SESSION_LAST_SEEN


@require_POST
def session_renew(request):
    """Renew the signed-in session: stamp the last request time now, whatever the touch interval;
    401 once it has ended."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False}, status=401)
    request.session[SESSION_LAST_SEEN] = time.time()
    return JsonResponse({"ok": True, "idle_seconds": settings.ACCOUNTS_SESSION_IDLE_SECONDS})
