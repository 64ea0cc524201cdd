from django.views.csrf import csrf_failure as django_csrf_failure


def csrf_failure(request, reason=""):
    """Django's CSRF failure page; also tells AuditMiddleware why the request was refused."""
    request.audit_denial_reason = f"CSRF: {reason}"
    return django_csrf_failure(request, reason=reason)
