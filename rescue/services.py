"""Keeping and restoring input posted after the session ended (one transaction each).

Only the owner (the account that was signed in when the form was opened) can take the input back,
once, within RESCUE_KEEP_SECONDS; nothing else reads KeptInput.
"""
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.services import audit_record
from rescue.models import KeptInput

# Never kept: the CSRF token (a new one comes with the restored page).
SKIPPED_FIELDS = frozenset({"csrfmiddlewaretoken"})
# At most this many kept forms per user (the oldest goes first).
MAX_PER_USER = 20


def keep_seconds():
    return getattr(settings, "RESCUE_KEEP_SECONDS", 24 * 60 * 60)


def posted_fields(post):
    """{name: [values]} of a POST's text fields (files are in request.FILES and never kept)."""
    return {name: post.getlist(name) for name in post if name not in SKIPPED_FIELDS}


@transaction.atomic
def input_keep(*, user, path, data, request=None, now=None):
    """Keep `data` (posted_fields of a POST to `path`) for `user`, replacing what was kept for that path.

    Deletes every expired KeptInput and the user's oldest beyond MAX_PER_USER; records input_kept."""
    now = now or timezone.now()
    KeptInput.objects.filter(expires_at__lte=now).delete()
    kept, _created = KeptInput.objects.update_or_create(
        user=user, path=path,
        defaults={"data": data, "kept_at": now, "expires_at": now + timedelta(seconds=keep_seconds())},
    )
    surplus = KeptInput.objects.filter(user=user).order_by("-kept_at", "-pk").values_list("pk", flat=True)[MAX_PER_USER:]
    KeptInput.objects.filter(pk__in=list(surplus)).delete()
    audit_record(event=Event.INPUT_KEPT, user=user, request=request,
                 detail=_("会话结束后提交的内容已暂存：%(path)s") % {"path": path})
    return kept


# In the session: whether its account has kept input, noted at sign-in and after input is taken. Input is kept only
# for a session that has ended (rescue.middleware), so the session that can take it back starts with a sign-in.
SESSION_KEPT = "rescue_kept"


def note_kept_input(session, user, now=None):
    """Note in `session` whether `user` has kept input (at sign-in: rescue.receivers)."""
    session[SESSION_KEPT] = KeptInput.objects.filter(user=user, expires_at__gt=now or timezone.now()).exists()


def input_take(*, user, path, request=None, now=None):
    """The input kept for `user` at `path` as a QueryDict, deleted as it is taken; None if there is none.

    Another user's input, or input past its expiry, is never returned. With `request`, its session says when the
    account has none (SESSION_KEPT), so that nearly every page view of a signed-in user asks nothing of the
    database."""
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEPT) is False and getattr(request, "user", None) == user:
        return None
    now = now or timezone.now()
    kept = KeptInput.objects.filter(user=user, path=path, expires_at__gt=now)
    # Nearly every page view finds nothing: only then is the row locked (on SQLite a locking transaction
    # takes the database's write lock and costs a commit).
    if not kept.exists():
        return None
    with transaction.atomic():
        data = _take(kept, user=user, path=path, request=request)
    if session is not None and getattr(request, "user", None) == user:
        note_kept_input(session, user, now)
    return data


def _take(kept, *, user, path, request):
    kept = kept.select_for_update().first()
    if kept is None:
        return None
    kept.delete()
    data = QueryDict(mutable=True)
    for name, values in kept.data.items():
        data.setlist(name, [str(v) for v in values])
    audit_record(event=Event.INPUT_RESTORED, user=user, request=request,
                 detail=_("暂存的内容已恢复到表单（尚未保存）：%(path)s") % {"path": path})
    return data


def restored_input(request):
    """For a view marked @keeps_input: on a GET, the input its user posted here after their session
    ended (taken, so once only) with a message saying it is back and not saved; else None."""
    if request.method != "GET" or not request.user.is_authenticated:
        return None
    kept = input_take(user=request.user, path=request.path, request=request)
    if kept is not None:
        messages.warning(request, _(
            "登录超时前提交的内容已恢复到下方表单中，尚未保存。请核对后再提交。"), extra_tags="input-restored")
    return kept


def inputs_purge(*, now=None):
    """Delete every expired KeptInput. Returns how many were deleted."""
    deleted, _rows = KeptInput.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
