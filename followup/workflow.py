"""The flow of a 整改 item on workflow.engine: 待整改 → 待验收 (the department answers) → 已整改 (the
reviewer accepts), or back to 待整改 (the reviewer returns it, with a reason)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup.enums import FindingStatus as F
from followup.interchange import finding_export
from followup.models import Finding, FindingChange
from followup.notices import finding_notify
from reports.history import edit_recorded
from workflow import engine

MOVES = {
    (F.OPEN, F.REPLIED): "followup.reply_finding",
    (F.REPLIED, F.OPEN): "followup.decide_finding",
    (F.REPLIED, F.ACCEPTED): "followup.decide_finding",
}
MOVE_LABELS = {
    (F.OPEN, F.REPLIED): gettext_lazy("提交整改答复"),
    (F.REPLIED, F.OPEN): gettext_lazy("退回重新整改"),
    (F.REPLIED, F.ACCEPTED): gettext_lazy("验收通过"),
}
CONFIRMS = {
    (F.OPEN, F.REPLIED): gettext_lazy("提交后将不能再修改答复，整改情况将交给财政审核人验收。确定提交？"),
    (F.REPLIED, F.OPEN): gettext_lazy("退回后部门须按退回理由重新整改并再次答复。确定退回？"),
    (F.REPLIED, F.ACCEPTED): gettext_lazy("验收通过后此问题即为已整改，不能再修改。确定验收通过？"),
}
# What the history prints for the step that recorded the finding (from_status "").
RECORDED_LABEL = gettext_lazy("下达整改通知")

FLOW = engine.Flow(
    model=Finding, moves=MOVES, labels=MOVE_LABELS, change_model=FindingChange, document_field="finding",
    comment_required=frozenset({(F.REPLIED, F.OPEN)}), comment_message=gettext_lazy("请填写退回的理由，说明还需整改的内容。"),
    confirms=CONFIRMS,
    related=("report__department",), snapshot=lambda finding, key: finding_export(finding), notify=finding_notify,
)


def allowed_moves(finding, user):
    return engine.allowed_moves(FLOW, finding, user)


def decisions(finding, user):
    """The reviewer's moves (验收 or 退回); the department's answer is sent from its own form."""
    return [to for to in allowed_moves(finding, user) if (finding.status, to) != (F.OPEN, F.REPLIED)]


def _stamp(locked, key, by, comment):
    if key[1] == F.REPLIED:
        # An answer is sent only once it says what was done (followup.services.finding_reply saves it).
        if not (locked.measures and locked.responsible and locked.completed_on):
            raise ValidationError({"measures": _("请先填写整改措施、责任人和完成日期。")})
        locked.replied_at = timezone.now()
    if key[1] == F.ACCEPTED:
        locked.accepted_at = timezone.now()


@transaction.atomic
def finding_move(finding, to, *, by, comment=""):
    """Move a finding to `to` as `by` (a return needs a reason); stamps 答复/验收 times. Returns it."""
    report = finding.report
    with edit_recorded(report=report, by=by, section="followup", revision=report.revision):
        locked, _change = engine.move(FLOW, finding, to, by=by, comment=comment, stamp=_stamp)
    return locked


def history_label(change):
    if not change.from_status:
        return RECORDED_LABEL
    return MOVE_LABELS.get((change.from_status, change.to_status), "")
