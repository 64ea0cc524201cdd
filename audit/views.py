from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason=""):
    """The CSRF refusal in Chinese, with a way back to the page the form came from (same site only);
    also tells AuditMiddleware why the request was refused."""
    request.audit_denial_reason = f"CSRF: {reason}"
    referer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())
    back = referer if referer and same_site else ""
    context = {"back": back, "login_url": reverse("login"), "signed_in": request.user.is_authenticated}
    return render(request, "403_csrf.html", context, status=403)
