"""The report workflow: 草稿 → 部门审核 → 财政审核 → 已审定, 退回 to 草稿, admin 重新打开.

Nothing else assigns report.status. Each move locks the row, checks the named permission and
writes a StatusChange.
"""
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.enums import Event
from audit.services import audit_record
from reports.approval import report_freeze, report_unfreeze
from reports.enums import Status as S
from reports.interchange import report_export
from reports.models import Report, StatusChange
from reports.notices import notices_on_commit
from reports.pdf import report_archive_pdf

# (from, to) -> the permission the acting user needs on the report.
MOVES = {
    (S.DRAFT, S.DEPT_REVIEW): "reports.submit_report",
    (S.DEPT_REVIEW, S.DRAFT): "reports.dept_decide_report",
    (S.DEPT_REVIEW, S.FINANCE_REVIEW): "reports.dept_decide_report",
    (S.FINANCE_REVIEW, S.DRAFT): "reports.finance_decide_report",
    (S.FINANCE_REVIEW, S.APPROVED): "reports.finance_decide_report",
    (S.APPROVED, S.DRAFT): "reports.reopen_report",
}

# Moves that send a report back and so must say why.
COMMENT_REQUIRED = frozenset({(S.DEPT_REVIEW, S.DRAFT), (S.FINANCE_REVIEW, S.DRAFT), (S.APPROVED, S.DRAFT)})

MOVE_LABELS = {
    (S.DRAFT, S.DEPT_REVIEW): gettext_lazy("提交部门审核"),
    (S.DEPT_REVIEW, S.DRAFT): gettext_lazy("退回"),
    (S.DEPT_REVIEW, S.FINANCE_REVIEW): gettext_lazy("审核通过，报送财政"),
    (S.FINANCE_REVIEW, S.DRAFT): gettext_lazy("退回"),
    (S.FINANCE_REVIEW, S.APPROVED): gettext_lazy("审定通过"),
    (S.APPROVED, S.DRAFT): gettext_lazy("重新打开"),
}


def allowed_moves(report, user):
    """The target statuses the user may move the report to now (drives the buttons shown)."""
    return [to for (frm, to), perm in MOVES.items() if frm == report.status and user.has_perm(perm, report)]


@transaction.atomic
def move(report, to, *, by, comment=""):
    """Move `report` to status `to` as user `by`.

    Locks the report row, re-checks the move and the permission against the locked state (so two
    reviewers approving at once give one approval), stamps the milestone dates and sign-off names,
    freezes the content on approval (snapshot, SHA-256 digest, verification token; reopening
    forgets them) and writes a StatusChange holding the content as it stood after the move.
    Returns the updated report. Raises PermissionDenied or ValidationError.
    """
    locked = Report.objects.select_for_update().select_related("department").get(pk=report.pk)
    key = (locked.status, to)
    perm = MOVES.get(key)
    if perm is None or not by.has_perm(perm, locked):
        raise PermissionDenied(_("当前状态下不能执行此操作。"))
    comment = (comment or "").strip()
    if key in COMMENT_REQUIRED and not comment:
        raise ValidationError({"comment": _("请填写退回或重新打开的理由。")})
    now = timezone.now()
    today = timezone.localdate(now)
    if to == S.DEPT_REVIEW:
        locked.submitted_at = now
        if locked.leader_name and locked.leader_signed_on is None:
            # The 评价组组长 signs the self-evaluation when the department submits it.
            locked.leader_signed_on = today
    if key == (S.DEPT_REVIEW, S.FINANCE_REVIEW):
        locked.dept_head_name = by.display_name
        locked.dept_signed_on = today
        if comment:
            locked.dept_opinion = comment
    if to == S.APPROVED:
        locked.approved_at = now
        locked.finance_head_name = by.display_name
        locked.finance_signed_on = today
        if comment:
            locked.finance_opinion = comment
    if key == (S.APPROVED, S.DRAFT):
        locked.approved_at = None
        report_unfreeze(locked)
    locked.status = to
    locked.revision += 1
    locked.save()
    if to == S.APPROVED:
        # The snapshot is exported from the saved row, so it holds the final status and sign-off.
        report_freeze(locked)
        locked.save(update_fields=["approved_snapshot", "approved_digest", "verification_token"])
    change = StatusChange.objects.create(
        report=locked, from_status=key[0], to_status=to, by=by, comment=comment,
        snapshot=locked.approved_snapshot if to == S.APPROVED else report_export(locked),
    )
    notices_on_commit(change)
    if to == S.APPROVED:
        # The PDF is produced once, after the approval (and its digest) is committed.
        transaction.on_commit(partial(report_archive_pdf, report=locked))
    audit_record(event=Event.WORKFLOW_MOVE, user=by, obj=locked, detail=f"{key[0]} → {to} {comment}".strip())
    return locked
