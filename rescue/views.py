"""The session notice's 继续编辑: a POST that renews the session (every signed-in request does)."""
from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_POST


@require_POST
def session_renew(request):
    """Renew the signed-in session (accounts.middleware stamps it); 401 once it has ended."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False}, status=401)
    return JsonResponse({"ok": True, "idle_seconds": settings.ACCOUNTS_SESSION_IDLE_SECONDS})
