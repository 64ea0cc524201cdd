"""Keeps the input of a form posted after its user's session ended, and says so on the login page.

A view opts in with @keeps_input (the report editor's sections). When a POST to it is answered by
a redirect to the login page because the session ended (idle or absolute limit in
accounts.middleware, or the stored session deleted by `expire_sessions`), and the POST passes the
CSRF check, its text fields are kept for the account that was signed in (rescue.services). That
account is the session's user while the session still exists; once it is gone, the one named by
a signed owner cookie set while signed in (HttpOnly, ends with the browser, deleted on logout).
"""
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.models import User
from rescue.services import input_keep, posted_fields

OWNER_COOKIE = "evalsite_owner"
OWNER_SALT = "rescue.owner"


def keeps_input(view=None, *, page=None):
    """Marks a view whose POSTs are kept when they arrive after the session ended.

    The view takes the kept input back on its next GET (`input_take`, or `restored_input` in
    rescue.services). A view that only answers POSTs names the URL of the page its form is on
    (`page`, reversed with the same arguments): the input is kept for that page and the login page
    sends the user back there."""
    def mark(func):
        func.keeps_input = True
        func.input_page = page
        return func
    return mark(view) if view is not None else mark


def _view(request):
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


def _page_path(request, match):
    """The path the kept input belongs to: the view's own, or the page its form is on."""
    page = getattr(match.func, "input_page", None)
    if page is None:
        return request.path
    try:
        return reverse(page, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return request.path


def _cookie_user_id(request):
    raw = request.COOKIES.get(OWNER_COOKIE)
    if not raw:
        return None
    try:
        return signing.loads(raw, salt=OWNER_SALT, max_age=settings.ACCOUNTS_SESSION_ABSOLUTE_SECONDS)
    except signing.BadSignature:
        return None




def _is_login_redirect(response):
    if response.status_code != 302:
        return False
    return urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)


class KeepInputMiddleware:
    """Place after AuthenticationMiddleware, MessageMiddleware and AuditMiddleware and before
    accounts.middleware.SessionTimeoutMiddleware (which ends the session it wraps)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = _view(request) if request.method == "POST" else None
        owner_id = None
        if match is not None and getattr(match.func, "keeps_input", False):
            owner_id = request.user.pk if request.user.is_authenticated else _cookie_user_id(request)
        response = self.get_response(request)
        if owner_id is not None and not request.user.is_authenticated and _is_login_redirect(response):
            response = self._keep(request, match, owner_id, response)
        self._owner_cookie(request, response)
        return response

    def _keep(self, request, match, owner_id, response):
        refused = CsrfViewMiddleware(self.get_response).process_view(request, match.func, (), {})
        if refused is not None:
            return refused  # a forged or stale form: refused as CSRF would have refused it
        owner = User.objects.filter(pk=owner_id, is_active=True).first()
        if owner is None:
            return response
        page = _page_path(request, match)
        input_keep(user=owner, path=page, data=posted_fields(request.POST), request=request)
        if page != request.path:
            # Back to the page the form is on, not to a URL that only answers POSTs.
            response["Location"] = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': page})}"
        messages.warning(request, _(
            "登录已超时，您刚才提交的内容尚未保存，但已为您暂存。请重新登录：登录后将回到原来的页面，"
            "并把这些内容恢复到表单中（仍需点击“保存”）。"), extra_tags="input-kept")
        return response

    def _owner_cookie(self, request, response):
        if request.user.is_authenticated:
            if _cookie_user_id(request) != request.user.pk:
                response.set_cookie(
                    OWNER_COOKIE, signing.dumps(request.user.pk, salt=OWNER_SALT),
                    secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
                )
        elif OWNER_COOKIE in request.COOKIES and _view_name(request) == "logout":
            # Signing out on purpose: a form posted later from a forgotten tab is not kept.
            response.delete_cookie(OWNER_COOKIE, samesite="Lax")


def _view_name(request):
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else None
