from django import forms
from django.contrib.auth import forms as auth_forms
from django.core import validators
from django.utils.translation import gettext_lazy as _

# One answer whether the account is unknown, inactive or the password wrong.
LOGIN_FAILED_MESSAGE = _("用户名或密码错误。")


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {"invalid_login": LOGIN_FAILED_MESSAGE, "inactive": LOGIN_FAILED_MESSAGE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets max_length after the field is built, so nothing checks it: an over-long name
        # would reach authenticate() and django-axes' varchar(255) (a 500 on PostgreSQL).
        field = self.fields["username"]
        field.validators.append(validators.MaxLengthValidator(field.max_length))


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form (old password, new password twice, AUTH_PASSWORD_VALIDATORS); the view saves
    through accounts.services.password_change."""

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("原密码不正确。"),
        "password_mismatch": _("两次输入的新密码不一致。"),
    }

    def clean(self):
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new:
            self.add_error("new_password1", _("新密码不能与原密码相同。"))
        return cleaned


class TokenForm(forms.Form):
    otp_token = forms.RegexField(
        label=_("动态口令"), regex=r"^\d{6}$", max_length=6,
        error_messages={"invalid": _("请输入认证器显示的 6 位数字。"), "required": _("请输入动态口令。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
