"""Guards for 三员分立 whichever code path writes a role, and the session's login time."""
import time

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_save
from django.dispatch import receiver

from accounts.lockout import lockout_started
from accounts.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from accounts.models import User
from accounts.validators import validate_admin_role_memberships


@receiver(pre_save, sender="departments.Membership", dispatch_uid="accounts_membership_admin_role")
def refuse_business_role_for_admin(sender, instance, **kwargs):
    admin_role, is_superuser = (
        User.objects.filter(pk=instance.user_id).values_list("admin_role", "is_superuser").first() or ("", False)
    )
    validate_admin_role_memberships(admin_role=admin_role, is_superuser=is_superuser, membership_roles=[instance.role])


@receiver(pre_save, sender=User, dispatch_uid="accounts_user_admin_role")
def refuse_admin_role_with_business_roles(sender, instance, update_fields=None, **kwargs):
    if not instance.is_protected_account or instance.pk is None:
        return
    if update_fields is not None and not {"admin_role", "is_superuser"} & set(update_fields):
        return
    validate_admin_role_memberships(
        admin_role=instance.admin_role, is_superuser=instance.is_superuser,
        membership_roles=instance.memberships.values_list("role", flat=True),
    )


@receiver(user_logged_in, dispatch_uid="accounts_session_started")
def stamp_session_start(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_LAST_SEEN] = now


try:
    from axes.signals import user_locked_out
except ImportError:  # pragma: no cover (axes is in requirements.txt; guard for partial installs)
    pass
else:
    user_locked_out.connect(lockout_started, dispatch_uid="accounts_lockout_started")
