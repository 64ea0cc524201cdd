"""One workflow mechanism for every reviewed document (report, 绩效目标申报, 调整申请).

A Flow names the document's model, its table of allowed moves (from, to) -> permission, the moves
that must say why, the button labels, the model of its status-change record and who hears of a
move. move() is the only code that assigns a document's status: it locks the row, re-checks the
move and the permission against the locked state, bumps the revision, writes the status-change
record and an audit event, and has the notices written on commit. What a kind of document does
besides (sign-off names, freezing an approved report) comes in as the `stamp` and `saved` hooks.
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.enums import Event
from audit.services import audit_record


def _no_snapshot(document, key):
    return None


@dataclass(frozen=True)
class Flow:
    model: type
    moves: Mapping  # (from, to) -> the permission the acting user needs on the document
    labels: Mapping  # (from, to) -> the button's label
    change_model: type  # the status-change record: <document_field>, from_status, to_status, by, comment, snapshot
    document_field: str
    comment_required: frozenset = frozenset()
    comment_message: str = gettext_lazy("请填写退回或重新打开的理由。")
    related: tuple = ("department",)
    # (from, to) -> what the confirmation before a one-way move says will happen (ends with the question)
    confirms: Mapping | None = None
    # (locked document, (from, to)) -> what the status-change record keeps of the document
    snapshot: Callable = _no_snapshot
    # change -> None: have the change's notices written once the move commits
    notify: Callable | None = None


def allowed_moves(flow, document, user):
    """The statuses the user may move the document to now (drives the buttons shown)."""
    return [to for (frm, to), perm in flow.moves.items() if frm == document.status and user.has_perm(perm, document)]


def confirm_text(flow, frm, to):
    """What the page asks before the move (from `frm` to `to`) is sent: what will happen, then 确定…？ ("" if none)."""
    return str((flow.confirms or {}).get((frm, to), ""))


def move_buttons(flow, document, user):
    """[{to, label, confirm}] for each move the user may make now: the buttons a page shows."""
    return [
        {"to": to, "label": flow.labels[(document.status, to)], "confirm": confirm_text(flow, document.status, to)}
        for to in allowed_moves(flow, document, user)
    ]


@transaction.atomic
def move(flow, document, to, *, by, comment="", stamp=None, saved=None):
    """Move `document` to status `to` as user `by`, in one transaction.

    Locks the row and re-checks the move and the permission against the locked state (so two
    reviewers deciding at once give one decision), requires a comment where the flow says so, calls
    `stamp(locked, key, by, comment)` before and `saved(locked, key, by, comment)` after the row is
    saved with its new status and revision, then writes the status-change record (with the flow's
    snapshot), the audit event and, on commit, the notices. Returns (the updated document, the
    change). Raises PermissionDenied or ValidationError.
    """
    locked = flow.model.objects.select_for_update().select_related(*flow.related).get(pk=document.pk)
    key = (locked.status, to)
    perm = flow.moves.get(key)
    if perm is None or not by.has_perm(perm, locked):
        raise PermissionDenied(_("当前状态下不能执行此操作。"))
    comment = (comment or "").strip()
    if key in flow.comment_required and not comment:
        raise ValidationError({"comment": str(flow.comment_message)})
    if stamp is not None:
        stamp(locked, key, by, comment)
    locked.status = to
    locked.revision += 1
    locked.save()
    if saved is not None:
        saved(locked, key, by, comment)
    change = flow.change_model.objects.create(
        **{flow.document_field: locked}, from_status=key[0], to_status=to, by=by, comment=comment,
        snapshot=flow.snapshot(locked, key),
    )
    if flow.notify is not None:
        flow.notify(change)
    audit_record(event=Event.WORKFLOW_MOVE, user=by, obj=locked, detail=f"{key[0]} → {to} {comment}".strip())
    return locked, change
