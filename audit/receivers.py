"""Signal receivers that turn authentication and admin events into audit rows (thin: one call each)."""
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.enums import Event
from audit.services import ObjectRef, audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender, request, user, **kwargs):
    # The break-glass account's every login stands out in the log.
    detail = _("超级用户（应急账户）登录") if user.is_superuser else ""
    audit_record(event=Event.LOGIN, user=user, request=request, detail=detail)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    audit_record(event=Event.LOGIN_FAILED, request=request, username=username, success=False,
                 detail=kwargs.get("audit_detail", ""))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(event=getattr(request, "audit_logout_event", Event.LOGOUT), user=user, request=request,
                     detail=getattr(request, "audit_logout_reason", ""))


ADMIN_ACTIONS = {ADDITION: gettext_lazy("新增"), CHANGE: gettext_lazy("修改"), DELETION: gettext_lazy("删除")}


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_action")
def record_admin_action(sender, instance, created, raw=False, **kwargs):
    if not created or raw:  # a fixture or a restored backup loads old entries: they are no new actions
        return
    content_type = instance.content_type
    target = ObjectRef(
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=str(instance.object_id or ""),
        object_repr=instance.object_repr or "",
    )
    action = str(ADMIN_ACTIONS.get(instance.action_flag, instance.action_flag))
    message = instance.get_change_message()
    audit_record(
        event=Event.ADMIN_ACTION, user=instance.user, obj=target,
        detail=f"{action}：{message}" if message else action,
    )
