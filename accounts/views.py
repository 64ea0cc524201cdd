from base64 import b32encode

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import LoginForm, PasswordChangeForm, TokenForm
from accounts.middleware import otp_url as _otp_url
from accounts.services import password_change, password_change_reason
from audit.enums import Event
from audit.services import audit_record


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes answers while an account name is locked: the login page with the reason."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    minutes = int(get_cool_off(request).total_seconds() // 60)
    context = {
        "form": LoginForm(request, initial={"username": username}),
        "lockout_message": _("登录失败次数过多，账户已锁定 %(minutes)s 分钟，请稍后再试。") % {"minutes": minutes},
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@sensitive_post_parameters()
@login_required
def password_change_view(request):
    """The user changes their own password (forced on first login, after a reset and on expiry).

    With ACCOUNTS_TOTP_REQUIRED only after the second factor. A wrong old password counts as a
    failed sign-in (audit row, django-axes lockout): at the lockout the session ends."""
    if settings.ACCOUNTS_TOTP_REQUIRED and not request.user.is_verified():
        return redirect(f"{_otp_url(request.user)}?{urlencode({'next': request.get_full_path()})}")
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        credentials = {"username": request.user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked_out(request, credentials)
        if form.is_valid():
            password_change(user=request.user, new_password=form.cleaned_data["new_password1"], request=request)
            messages.success(request, _("密码已修改。"))
            return redirect(_next_url(request))
        if form.has_error("old_password", "password_incorrect"):
            user_login_failed.send(
                sender=__name__, credentials=credentials, request=request, audit_detail=_("修改密码时原密码错误"),
            )
            if getattr(request, "axes_locked_out", False):
                return _locked_out(request, credentials)
    context = {"form": form, "reason": password_change_reason(request.user), "next": _next_url(request)}
    return render(request, "registration/password_change_form.html", context)


def _locked_out(request, credentials):
    request.audit_logout_reason = _("修改密码时原密码错误次数过多，账户已锁定")
    logout(request)
    request.axes_locked_out = False  # answered here; AxesMiddleware need not answer again
    return lockout_response(request, credentials=credentials)


def _require_totp():
    if not settings.ACCOUNTS_TOTP_REQUIRED:
        raise Http404


def _secret(device):
    return b32encode(device.bin_key).decode()


@login_required
def otp_setup_view(request):
    """Enrol an authenticator app: show the secret, confirm the device with a first code."""
    _require_totp()
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, confirmed=False, name=_("认证器"))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            return redirect(_next_url(request))
        audit_record(event=Event.OTP_FAILED, request=request, success=False)
        form.add_error("otp_token", _("动态口令不正确或已过期。"))
    context = {"form": form, "secret": _secret(device), "config_url": device.config_url, "next": _next_url(request)}
    return render(request, "registration/otp_setup.html", context)


@login_required
def otp_verify_view(request):
    """The second factor after the password: a code from the enrolled authenticator."""
    _require_totp()
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        audit_record(event=Event.OTP_FAILED, request=request, success=False)
        form.add_error("otp_token", _("动态口令不正确或已过期。"))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})
