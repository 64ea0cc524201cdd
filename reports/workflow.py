"""The report workflow: 草稿 → 部门审核 → 财政审核 → 已审定, 退回 to 草稿, admin 重新打开.

The moves table of the report; workflow.engine.move performs them (nothing else assigns
report.status). This module adds what a report's move does besides: sign-off names and dates,
freezing the approved content and archiving its PDF on commit.
"""
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from reports.approval import report_freeze, report_unfreeze
from reports.enums import Status as S
from reports.interchange import report_export
from reports.models import Report, StatusChange
from reports.notices import notices_on_commit
from reports.tasks import archive_pdf_task
from workflow import engine

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

# What the confirmation before each move says will happen.
CONFIRMS = {
    (S.DRAFT, S.DEPT_REVIEW): gettext_lazy("提交后将不能再修改，报告将交给部门负责人审核。确定提交？"),
    (S.DEPT_REVIEW, S.DRAFT): gettext_lazy(
        "退回后报告回到草稿，由填报人按退回意见修改后重新提交。确定退回？"),
    (S.DEPT_REVIEW, S.FINANCE_REVIEW): gettext_lazy(
        "报送后本部门不能再修改，报告将交给财政部门归口业务科室审核。确定审核通过并报送财政？"),
    (S.FINANCE_REVIEW, S.DRAFT): gettext_lazy(
        "退回后报告回到草稿，由部门按退回意见修改，重新经部门负责人审核后再报送。确定退回？"),
    (S.FINANCE_REVIEW, S.APPROVED): gettext_lazy(
        "审定后报告和PDF将被冻结，复核得分即为最终得分，只有管理员可以重新打开。确定审定通过？"),
    (S.APPROVED, S.DRAFT): gettext_lazy(
        "重新打开后报告回到草稿，审定结果作废，须重新提交和审核；此操作将记入日志。确定重新打开？"),
}


def _snapshot(report, key):
    """The content as it stood after the move (the frozen form on approval)."""
    return report.approved_snapshot if key[1] == S.APPROVED else report_export(report)


FLOW = engine.Flow(
    model=Report, moves=MOVES, labels=MOVE_LABELS, comment_required=COMMENT_REQUIRED,
    confirms=CONFIRMS, change_model=StatusChange, document_field="report", snapshot=_snapshot, notify=notices_on_commit,
)


def allowed_moves(report, user):
    """The target statuses the user may move the report to now (drives the buttons shown)."""
    return engine.allowed_moves(FLOW, report, user)


def move_buttons(report, user):
    """[{to, label, confirm}] for each move the user may make on the report now."""
    return engine.move_buttons(FLOW, report, user)


def _stamp(locked, key, by, comment):
    """The milestone dates and sign-off names the move fills in."""
    to = key[1]
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


def _saved(locked, key, by, comment):
    if key[1] == S.APPROVED:
        # The snapshot is exported from the saved row, so it holds the final status and sign-off.
        report_freeze(locked)
        locked.save(update_fields=["approved_snapshot", "approved_digest", "verification_token"])


@transaction.atomic
def move(report, to, *, by, comment="", marks=None):
    """Move `report` to status `to` as user `by`.

    Locks the report row, re-checks the move and the permission against the locked state (so two
    reviewers approving at once give one approval), stamps the milestone dates and sign-off names,
    freezes the content on approval (snapshot, SHA-256 digest, verification token; reopening
    forgets them) and writes a StatusChange holding the content as it stood after the move.
    A return keeps `marks` (reports.returns.marks_clean) on its StatusChange.
    Returns the updated report. Raises PermissionDenied or ValidationError.
    """
    locked, change = engine.move(FLOW, report, to, by=by, comment=comment, stamp=_stamp, saved=_saved)
    if marks and to == S.DRAFT:
        StatusChange.objects.filter(pk=change.pk).update(return_marks=marks)
    if to == S.APPROVED:
        # The PDF is produced once, after the approval (and its digest) is committed, outside its row
        # lock; a failure never undoes or fails the approval (archive_pdf retries and records it).
        # A background task (jobs_worker) renders it; the test settings run it at once.
        transaction.on_commit(partial(archive_pdf_task.enqueue, locked.pk), robust=True)
    return locked
