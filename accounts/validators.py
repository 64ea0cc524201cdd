"""Password rules (AUTH_PASSWORD_VALIDATORS) and the 三员分立 membership rule.

Django's own validators cover length (8), common passwords and all-digit passwords; these add
the character classes, the username and the history of recent passwords.
"""
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, is_password_usable
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.roles import FORBIDDEN_MEMBERSHIPS


def character_classes(password):
    """How many of: upper-case letter, lower-case letter, digit, other character the password uses."""
    has_upper = any("A" <= c <= "Z" for c in password)
    has_lower = any("a" <= c <= "z" for c in password)
    has_digit = any("0" <= c <= "9" for c in password)
    has_other = any(not (c.isascii() and c.isalnum()) for c in password)
    return has_upper + has_lower + has_digit + has_other


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message (Django's zh-hans plural form is not picked up)."""

    def get_error_message(self):
        return _("密码长度不能少于 %(min_length)s 个字符。") % {"min_length": self.min_length}

    def get_help_text(self):
        return self.get_error_message()


class CharacterClassValidator:
    """At least `min_classes` of the four character classes."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、特殊字符中的至少 %(count)s 类。") % {"count": self.min_classes}


class UsernameNotContainedValidator:
    """The password may not contain the username (case-insensitive); usernames under 3 characters are ignored."""

    def validate(self, password, user=None):
        username = (user.get_username() if user is not None else "") or ""
        if len(username) >= 3 and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self):
        return _("密码不能包含用户名。")


class PasswordHistoryValidator:
    """Not the current password nor one of the last `history` passwords (accounts.PasswordHistory).

    Django calls password_changed after every saved password change; that is where the history
    is written and trimmed.
    """

    def __init__(self, history=5):
        self.history = history

    def recent_hashes(self, user):
        hashes = list(user.password_history.order_by("-id").values_list("password", flat=True)[: self.history])
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)
        return hashes[: self.history]

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        for encoded in self.recent_hashes(user):
            if is_password_usable(encoded) and check_password(password, encoded):
                raise ValidationError(
                    _("新密码不能与最近 %(count)s 次使用过的密码相同。") % {"count": self.history},
                    code="password_reused",
                )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not is_password_usable(user.password):
            return
        from accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.order_by("-id").values_list("id", flat=True)[self.history :]
        PasswordHistory.objects.filter(id__in=list(stale)).delete()

    def get_help_text(self):
        return _("新密码不能与最近 %(count)s 次使用过的密码相同。") % {"count": self.history}


def validate_admin_role_memberships(*, admin_role, membership_roles, is_superuser=False):
    """Refuse a business role (departments.Membership) for a 三员 account or a superuser (accounts.roles)."""
    roles = set(membership_roles)
    if admin_role and roles & FORBIDDEN_MEMBERSHIPS.get(admin_role, frozenset()):
        raise ValidationError(
            {"admin_role": _("系统管理员、安全管理员、审计管理员不能担任任何业务角色（填报人、部门负责人、财政审核人、管理员）。")}
        )
    if is_superuser and roles:
        raise ValidationError({"is_superuser": _("超级用户（应急账户）不能担任任何业务角色。")})
