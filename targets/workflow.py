"""The flows of a declaration (草稿 → 部门审核 → 财政审核 → 已批复, 退回 to 草稿) and of a 调整申请
(草稿 → 财政审核 → 已批准, 退回 to 草稿), performed by workflow.engine.move."""
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from targets.enums import AdjustmentStatus as A
from targets.enums import Status as S
from targets.interchange import declaration_export
from targets.models import Adjustment, AdjustmentChange, Declaration, DeclarationChange, TargetIndicator
from targets.notices import adjustment_notify, declaration_notify
from targets.signals import approved_targets_changed
from workflow import engine

MOVES = {
    (S.DRAFT, S.DEPT_REVIEW): "targets.submit_declaration",
    (S.DEPT_REVIEW, S.DRAFT): "targets.dept_decide_declaration",
    (S.DEPT_REVIEW, S.FINANCE_REVIEW): "targets.dept_decide_declaration",
    (S.FINANCE_REVIEW, S.DRAFT): "targets.finance_decide_declaration",
    (S.FINANCE_REVIEW, S.APPROVED): "targets.finance_decide_declaration",
}
MOVE_LABELS = {
    (S.DRAFT, S.DEPT_REVIEW): gettext_lazy("提交部门审核"),
    (S.DEPT_REVIEW, S.DRAFT): gettext_lazy("退回"),
    (S.DEPT_REVIEW, S.FINANCE_REVIEW): gettext_lazy("审核通过，报送财政"),
    (S.FINANCE_REVIEW, S.DRAFT): gettext_lazy("退回"),
    (S.FINANCE_REVIEW, S.APPROVED): gettext_lazy("批复"),
}
CONFIRMS = {
    (S.DRAFT, S.DEPT_REVIEW): gettext_lazy("提交后将不能再修改，绩效目标将交给部门负责人审核。确定提交？"),
    (S.DEPT_REVIEW, S.DRAFT): gettext_lazy("退回后绩效目标回到草稿，由填报人按退回意见修改后重新提交。确定退回？"),
    (S.DEPT_REVIEW, S.FINANCE_REVIEW): gettext_lazy(
        "报送后本部门不能再修改，绩效目标将交给财政部门归口业务科室审核。确定审核通过并报送财政？"),
    (S.FINANCE_REVIEW, S.DRAFT): gettext_lazy(
        "退回后绩效目标回到草稿，由部门按退回意见修改，重新经部门负责人审核后再报送。确定退回？"),
    (S.FINANCE_REVIEW, S.APPROVED): gettext_lazy(
        "批复后绩效目标即为本年度的正式目标，此后只能通过调整申请修改。确定批复？"),
}
RETURNS = frozenset({(S.DEPT_REVIEW, S.DRAFT), (S.FINANCE_REVIEW, S.DRAFT)})

FLOW = engine.Flow(
    model=Declaration, moves=MOVES, labels=MOVE_LABELS, comment_required=RETURNS, confirms=CONFIRMS,
    comment_message=gettext_lazy("请填写退回的理由。"),
    change_model=DeclarationChange, document_field="declaration",
    snapshot=lambda declaration, key: declaration_export(declaration), notify=declaration_notify,
)

ADJUSTMENT_MOVES = {
    (A.DRAFT, A.FINANCE_REVIEW): "targets.submit_adjustment",
    (A.FINANCE_REVIEW, A.DRAFT): "targets.decide_adjustment",
    (A.FINANCE_REVIEW, A.APPROVED): "targets.decide_adjustment",
}
ADJUSTMENT_LABELS = {
    (A.DRAFT, A.FINANCE_REVIEW): gettext_lazy("提交财政审核"),
    (A.FINANCE_REVIEW, A.DRAFT): gettext_lazy("退回"),
    (A.FINANCE_REVIEW, A.APPROVED): gettext_lazy("批准调整"),
}
ADJUSTMENT_CONFIRMS = {
    (A.DRAFT, A.FINANCE_REVIEW): gettext_lazy("提交后将不能再修改，调整申请将交给财政部门归口业务科室审核。确定提交？"),
    (A.FINANCE_REVIEW, A.DRAFT): gettext_lazy("退回后调整申请回到草稿，由部门按退回意见修改后重新提交。确定退回？"),
    (A.FINANCE_REVIEW, A.APPROVED): gettext_lazy("批准后调整立即生效，绩效目标按调整后的指标值执行。确定批准调整？"),
}
ADJUSTMENT_FLOW = engine.Flow(
    model=Adjustment, moves=ADJUSTMENT_MOVES, labels=ADJUSTMENT_LABELS,
    comment_required=frozenset({(A.FINANCE_REVIEW, A.DRAFT)}), comment_message=gettext_lazy("请填写退回的理由。"),
    confirms=ADJUSTMENT_CONFIRMS, change_model=AdjustmentChange, document_field="adjustment", related=("declaration__department",),
    snapshot=lambda adjustment, key: {"reason": adjustment.reason, "proposed": adjustment.proposed},
    notify=adjustment_notify,
)


def allowed_moves(declaration, user):
    return engine.allowed_moves(FLOW, declaration, user)


def adjustment_allowed_moves(adjustment, user):
    return engine.allowed_moves(ADJUSTMENT_FLOW, adjustment, user)


def move_buttons(declaration, user):
    return engine.move_buttons(FLOW, declaration, user)


def adjustment_move_buttons(adjustment, user):
    return engine.move_buttons(ADJUSTMENT_FLOW, adjustment, user)


def _stamp(locked, key, by, comment):
    if key[1] == S.DEPT_REVIEW:
        locked.submitted_at = timezone.now()
    if key[1] == S.APPROVED:
        locked.approved_at = timezone.now()


@transaction.atomic
def move(declaration, to, *, by, comment=""):
    """Move a declaration to `to` as `by` (returns need a comment); stamps 提交/批复 times. Returns it."""
    locked, _change = engine.move(FLOW, declaration, to, by=by, comment=comment, stamp=_stamp)
    if to == S.APPROVED:
        _announce(locked.department_id, locked.year)
    return locked


def _announce(department_id, year):
    transaction.on_commit(lambda: approved_targets_changed.send(
        sender=Declaration, department_id=department_id, year=year))


ADJUSTED_FIELDS = ("direction", "value", "unit", "qualitative_value")


def _apply(locked, key, by, comment):
    """On approval: write the proposed values into the declaration's indicators, keeping what they replace."""
    if key[1] != A.APPROVED:
        return
    indicators = {
        str(i.pk): i for i in TargetIndicator.objects.select_for_update().filter(declaration_id=locked.declaration_id)
    }
    previous = {}
    for pk, values in locked.proposed.items():
        indicator = indicators.get(pk)
        if indicator is None:
            continue
        previous[pk] = {"name": indicator.name, **{n: _plain(getattr(indicator, n)) for n in ADJUSTED_FIELDS}}
        for name in ADJUSTED_FIELDS:
            setattr(indicator, name, values.get(name) if name != "value" else _decimal_or_none(values.get(name)))
        indicator.adjusted_by = locked
        indicator.save()
    locked.previous = previous
    locked.approved_at = timezone.now()
    locked.save(update_fields=["previous", "approved_at"])


def _plain(value):
    return None if value is None else str(value) if not isinstance(value, str) else value


def _decimal_or_none(value):
    return None if value in (None, "") else Decimal(value)


@transaction.atomic
def adjustment_move(adjustment, to, *, by, comment=""):
    """Move a 调整申请 to `to` as `by`; approval applies it to the declaration's indicators. Returns it."""
    locked, _change = engine.move(ADJUSTMENT_FLOW, adjustment, to, by=by, comment=comment, saved=_apply)
    if to == A.APPROVED:
        declaration = locked.declaration
        _announce(declaration.department_id, declaration.year)
    return locked
