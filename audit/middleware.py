"""Binds the request for audit_record and records what views do not record themselves:
permission denials (403, and 404 on report URLs, where another department's report is hidden)
and any file response (Content-Disposition) whose view recorded no export or download."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.services import audit_record, bind_request, unbind_request

# View modules whose 404s are access attempts on hidden reports, not typos.
REPORT_VIEW_MODULES = ("reports.", "budgets.", "evidence.")


def _is_report_view(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and (match.func.__module__ or "").startswith(REPORT_VIEW_MODULES)


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = bind_request(request)
        try:
            response = self.get_response(request)
            self.record(request, response)
        finally:
            unbind_request(token)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied | Http404):
            request.audit_denial_reason = str(exception)

    def record(self, request, response):
        status = response.status_code
        reason = getattr(request, "audit_denial_reason", "")
        if status == 403:
            audit_record(event=Event.PERMISSION_DENIED, request=request, success=False, detail=reason or "HTTP 403")
        elif status == 404 and _is_report_view(request) and not getattr(request, "audit_miss_counted", False):
            audit_record(event=Event.PERMISSION_DENIED, request=request, success=False, detail=reason or "HTTP 404")
        elif (
            status == 200 and response.has_header("Content-Disposition")
            and not getattr(request, "audit_file_recorded", False)
        ):
            audit_record(
                event=Event.DOWNLOAD, request=request,
                detail=_("文件：%(header)s") % {"header": response["Content-Disposition"]},
            )
