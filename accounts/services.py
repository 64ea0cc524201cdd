"""Password lifecycle: why a change is due, a user's own change, an administrator's reset."""
import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import character_classes
from audit.enums import Event
from audit.services import audit_record

TEMPORARY_PASSWORD_LENGTH = 16


def password_change_reason(user, *, now=None):
    """Why `user` must change their password before doing anything else, or None."""
    if user.must_change_password:
        return _("首次登录或密码已被重置，请先修改密码。")
    max_age = getattr(settings, "ACCOUNTS_PASSWORD_MAX_AGE_DAYS", 90)
    now = now or timezone.now()
    if max_age and user.password_changed_at and now - user.password_changed_at > timedelta(days=max_age):
        return _("密码已超过 %(days)s 天未修改，请修改密码。") % {"days": max_age}
    return None


@transaction.atomic
def password_change(*, user, new_password, request=None):
    """The user's own change (already validated by the form): set it, lift the forced change,
    keep the current session signed in and record it."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save()
    if request is not None:
        update_session_auth_hash(request, user)
    audit_record(event=Event.PASSWORD_CHANGE, user=user, request=request, obj=user)


def temporary_password():
    """A random password that satisfies every rule: 16 characters from all four classes."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(TEMPORARY_PASSWORD_LENGTH))
        if character_classes(candidate) == 4:
            return candidate


def password_reset_recorded(*, user, usable=True):
    """Record an administrator's reset of `user`'s password made in the admin site (actor and
    address from the request being served): its own audit event, whoever the account is."""
    detail = _("为账户 %(target)s 设置临时密码") if usable else _("停用账户 %(target)s 的密码登录")
    audit_record(event=Event.PASSWORD_RESET, obj=user, detail=detail % {"target": user.get_username()})


@transaction.atomic
def password_reset(*, user, by=None, new_password=None, request=None):
    """An administrator's reset: sets `new_password` (or a random one), forces a change at the
    next login and records it. Returns the password set, to hand to the user."""
    new_password = new_password or temporary_password()
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = True
    user.save()
    audit_record(
        event=Event.PASSWORD_RESET, user=by, request=request, obj=user,
        username=None if by is not None else "manage.py reset_password",
    )
    return new_password
